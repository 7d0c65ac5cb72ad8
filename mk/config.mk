# User-facing variables and their defaults (see `make help`).

HOST_ARCH := $(shell uname -m)
ARCH      ?= $(HOST_ARCH)
JOBS      ?= $(shell nproc 2>/dev/null || echo 2)
CACHE_DIR ?= $(HOME)/.cache/krill
# The signing key lives outside the tree; it is generated on first use.
KEY       ?= $(CACHE_DIR)/keys/local.pem
V         ?= 0
SAN       ?= 0

BUILD     ?= $(TOP)/build
OUT       ?= $(TOP)/out

ifeq ($(V),1)
Q :=
else
Q := @
endif

# Every port build is a recursive job of its own: let make run JOBS of them.
MAKEFLAGS += --no-print-directory
ifeq ($(filter -j%,$(MAKEFLAGS)),)
MAKEFLAGS += -j$(JOBS)
endif

export SOURCE_DATE_EPOCH ?= $(shell git -C $(TOP) log -1 --format=%ct 2>/dev/null || echo 1700000000)
