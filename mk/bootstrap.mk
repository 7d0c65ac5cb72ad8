# Toolchain bootstrap stages (bootstrap/README.md).
# For ARCH=host the host compiler is the toolchain, keyed by its version.

ifeq ($(ARCH),host)
TOOLCHAIN_KEY  := $(shell { cc --version; cc -dumpmachine; } 2>/dev/null | sha256sum | cut -c1-64)
TOOLCHAIN_ARGS :=
else
TOOLCHAIN_KEY  := none
TOOLCHAIN_ARGS := --toolchain $(CACHE_DIR)/toolchain/$(ARCH) --toolchain-key $(TOOLCHAIN_KEY)
endif

.PHONY: toolchain
toolchain:
ifeq ($(ARCH),host)
	@echo "toolchain: ARCH=host uses the host compiler"
else
	@echo "toolchain: the staged cross toolchain for $(ARCH) is not built yet (issue: toolchain bootstrap)" >&2; exit 1
endif
