# The lean krill: the client verbs only (tools/doc/lean.md), for images.
#
# Standalone, so the krill port runs it in its sandbox on a copy of tools/
# (ports/krill), and the top Makefile's `make lean` runs it too:
#   make -f mk/lean.mk LEAN_OUT=DIR [LEAN_STATIC=PREFIX LEAN_ZSTD_A=FILE]
# With LEAN_STATIC (the *-static ports' /usr/lib/krill-static) every
# library is linked statically and the binary needs glibc alone; without
# it the host's shared libraries are used, OpenSSL for crypto (a quick
# developer check that the lean verb set builds, not the image's binary).

LEAN_TOP    := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
LEAN_OUT    ?= $(LEAN_TOP)/build/lean
LEAN_STATIC ?=
LEAN_ZSTD_A ?=
CC          ?= cc

# The verbs, and exactly the modules they need (the link fails if one is
# missing; no module here may include a recipe/, build/, package-writer
# or image header, since only these groups are on the include path).
LEAN_VERBS   := verify add del info list update upgrade fix audit search policy
LEAN_MODULES := base/util base/strmap base/parallel base/version base/dep base/vulnid \
	fetch/transport package/pkginfo package/pkgread repo/index repo/sign repo/repo repo/tuf repo/feedcheck \
	client/client client/db client/fsroot client/install client/solver client/remote
LEAN_GROUPS  := $(sort $(dir $(LEAN_MODULES)))

LEAN_SRCS := $(LEAN_TOP)/tools/main.c $(LEAN_VERBS:%=$(LEAN_TOP)/tools/cmd_%.c) \
	$(LEAN_MODULES:%=$(LEAN_TOP)/tools/lib/%.c)
LEAN_OBJS := $(patsubst $(LEAN_TOP)/tools/%.c,$(LEAN_OUT)/obj/%.o,$(LEAN_SRCS))

ifneq ($(LEAN_STATIC),)
# TLS by mbedTLS, Ed25519 by libsodium, SHA-256 by mbedTLS: no OpenSSL
# (tools/doc/lean.md says why; sign.c and util.c have both backends).
LEAN_LIBINC := -I$(LEAN_STATIC)/include -DKRILL_CRYPTO_MBEDTLS
# Order: each archive before what it needs.
LEAN_LIBS   := $(addprefix $(LEAN_STATIC)/lib/,libcurl.a libmbedtls.a libmbedx509.a \
	libmbedcrypto.a libsodium.a libarchive.a libjansson.a libsolv.a) $(LEAN_ZSTD_A) -pthread
else
LEAN_PKGS   := openssl libzstd libarchive libcurl jansson libsolv
LEAN_LIBINC := $(shell pkg-config --cflags $(LEAN_PKGS))
LEAN_LIBS   := $(shell pkg-config --libs $(LEAN_PKGS))
endif

# -Os, LTO and one section per function/object so --gc-sections drops
# what no verb reaches (in the static libraries too); no unwind tables (C,
# nothing unwinds); relative relocations packed (DT_RELR, glibc >= 2.36:
# a PIE's function-pointer tables otherwise cost 360 KB of .rela.dyn).
# The caller's CFLAGS (the port's -ffile-prefix-map) come first, ours win.
LEAN_CFLAGS := $(CFLAGS) -std=c11 -D_GNU_SOURCE -DKRILL_LEAN -Wall -Wextra -Werror \
	-Wno-unused-parameter -Os -flto -ffunction-sections -fdata-sections \
	-fno-asynchronous-unwind-tables -fno-unwind-tables \
	-DKRILL_VERSION='"$(shell cat $(LEAN_TOP)/tools/VERSION)"' \
	$(LEAN_LIBINC) $(CPPFLAGS) $(LEAN_GROUPS:%/=-I$(LEAN_TOP)/tools/lib/%)
LEAN_LDFLAGS := $(LDFLAGS) -Os -flto -Wl,--gc-sections -Wl,--as-needed -Wl,-O1 \
	-Wl,-z,pack-relative-relocs -s

$(LEAN_OUT)/krill: $(LEAN_OBJS)
	$(CC) $(LEAN_CFLAGS) $(LEAN_LDFLAGS) -o $@.tmp $(LEAN_OBJS) $(LEAN_LIBS)
	mv $@.tmp $@

$(LEAN_OUT)/obj/%.o: $(LEAN_TOP)/tools/%.c
	@mkdir -p $(@D)
	$(CC) $(LEAN_CFLAGS) -MMD -MP -c $< -o $@

-include $(LEAN_OBJS:.o=.d)
