# User-facing variables and their defaults (see `make help`).

HOST_ARCH := $(shell uname -m)
ARCH      ?= $(HOST_ARCH)
ifndef JOBS
JOBS      := $(shell nproc 2>/dev/null || echo 2)
endif
CACHE_DIR ?= $(HOME)/.cache/krill
# The signing key lives outside the tree; it is generated on first use.
KEY       ?= $(CACHE_DIR)/keys/local.pem
V         ?= 0
# Beyond one machine (tools/doc/remotecache.md): a remote result cache
# (http(s):// accepting PUT, or file:///PATH), the builder keys a fetched
# result must be signed by, and a command prefix each port build runs
# through (LAUNCHER="srun --ntasks=1 --cpus-per-task=2").
REMOTE_CACHE ?= $(KRILL_REMOTE_CACHE)
BUILDER_KEYS ?= $(or $(KRILL_BUILDER_KEYS),$(TOP)/keys/builders)
LAUNCHER  ?=
SAN       ?= 0
# CCACHE=1: ccache inside the sandbox (tools/doc/sandbox.md), its cache
# under KR_CCACHE_DIR/ARCH-TOOLCHAINKEY; never part of a key or a result.
CCACHE    ?= 0
KR_CCACHE_DIR ?= $(CACHE_DIR)/ccache

BUILD     ?= $(TOP)/build
OUT       ?= $(TOP)/out

ifeq ($(V),1)
Q :=
else
Q := @
endif

# Every port build is a recursive job of its own: let make run JOBS of them.
# Only at the top: a sub-make shares its parent's jobserver (GNU make 4.3
# shows no -j in MAKEFLAGS while parsing, and a forced one resets it)
MAKEFLAGS += --no-print-directory
ifeq ($(MAKELEVEL)$(filter -j%,$(MAKEFLAGS)),0)
MAKEFLAGS += -j$(JOBS)
endif

# SOURCE_DATE_EPOCH is not set here: krill build takes each port's from its
# source archives (the time of the last commit would differ between two
# commits that leave a port's key as it was). Set it to override; the keys
# then include it.
