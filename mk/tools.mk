# Build the host `krill` binary from tools/.
# SAN=1 builds an ASan+UBSan variant in build/host-san/ and uses it.

TOOLS_PKGS := yaml-0.1 openssl libzstd liblzma libarchive libcurl jansson libelf zlib libsolv libdeflate

ifeq ($(SAN),1)
HOSTDIR    := $(BUILD)/host-san
TOOLS_CC   := clang
TOOLS_SAN  := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
TOOLS_OPT  := -O1 -g
else
HOSTDIR    := $(BUILD)/host
TOOLS_CC   := cc
TOOLS_SAN  :=
TOOLS_OPT  := -O2 -g
endif

KRILL        := $(HOSTDIR)/bin/krill
KRILL_VERSION := $(shell cat $(TOP)/tools/VERSION)
TOOLS_CFLAGS = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter \
	$(TOOLS_OPT) $(TOOLS_SAN) $(TOOLS_INCS) \
	-DKRILL_VERSION='"$(KRILL_VERSION)"' $(TOOLS_PKG_CFLAGS)
TOOLS_PKG_CFLAGS = $(shell pkg-config --cflags $(TOOLS_PKGS))
TOOLS_LIBS       = $(shell pkg-config --libs $(TOOLS_PKGS))

# tools/lib/ is grouped by pipeline stage (tools/doc/layout.md); every
# group is on the include path, so a module includes "util.h", not a path.
TOOLS_LIB_DIRS := $(sort $(dir $(wildcard $(TOP)/tools/lib/*/*.c)))
TOOLS_INCS     := $(patsubst %/,-I%,$(TOOLS_LIB_DIRS))
TOOLS_LIB_SRCS := $(wildcard $(TOP)/tools/lib/*/*.c)
TOOLS_CMD_SRCS := $(wildcard $(TOP)/tools/*.c)
TOOLS_LIB_OBJS := $(patsubst $(TOP)/tools/%.c,$(HOSTDIR)/obj/%.o,$(TOOLS_LIB_SRCS))
TOOLS_CMD_OBJS := $(patsubst $(TOP)/tools/%.c,$(HOSTDIR)/obj/%.o,$(TOOLS_CMD_SRCS))
LIBKRILL       := $(HOSTDIR)/lib/libkrill.a

$(HOSTDIR)/obj/%.o: $(TOP)/tools/%.c $(PREREQ_STAMP)
	@mkdir -p $(@D)
	$(Q)$(TOOLS_CC) $(TOOLS_CFLAGS) -MMD -MP -c $< -o $@

$(LIBKRILL): $(TOOLS_LIB_OBJS)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcs $@ $^

$(KRILL): $(TOOLS_CMD_OBJS) $(LIBKRILL)
	@mkdir -p $(@D)
	$(Q)$(TOOLS_CC) $(TOOLS_SAN) -o $@ $(TOOLS_CMD_OBJS) $(LIBKRILL) $(TOOLS_LIBS)

-include $(TOOLS_LIB_OBJS:.o=.d) $(TOOLS_CMD_OBJS:.o=.d)

.PHONY: tools
tools: $(KRILL)

# `make lean`: the lean client (mk/lean.mk) against the host's shared
# libraries, a quick check that the in-image verb set builds. The image's
# binary, statically linked with the minimal libraries, is `make krill`.
.PHONY: lean
lean: $(PREREQ_STAMP)
	$(Q)$(MAKE) --no-print-directory -f $(TOP)/mk/lean.mk LEAN_OUT=$(BUILD)/lean
