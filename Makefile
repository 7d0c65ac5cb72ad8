# Krill - entry points only; the work is in mk/*.mk.
# `make help` lists targets and variables.

.DEFAULT_GOAL := help
TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))

include mk/config.mk
include mk/prereq.mk
include mk/tools.mk
include mk/graph.mk
include mk/bootstrap.mk
include mk/ports.mk
include mk/repo.mk
include mk/images.mk
include mk/repro.mk
include mk/check.mk
include mk/fuzz.mk
include mk/bench.mk
include mk/man.mk
include mk/help.mk

# ARCHES="x86_64 aarch64": each arch's world, then one multi-arch image per
# spec (mk/images.mk).
.PHONY: world
ifeq ($(words $(ARCHES)),1)
world: toolchain ports index images
else
world: $(addprefix world-,$(ARCHES))
	$(Q)$(MAKE) images-multi
world-%:
	$(Q)$(MAKE) toolchain ports index images ARCH=$*
endif

.PHONY: clean distclean
clean:
	rm -rf $(TOP)/build $(TOP)/out

# distclean also drops this machine's cache of distfiles and results.
distclean: clean
	rm -rf $(CACHE_DIR)
