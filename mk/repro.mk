# `make repro ARCH=A [PORTS="a b"] [VARY=...] [REPRO_STAGES=1]`: the ports
# built twice more, into fresh results dirs under out/ARCH/repro/{1,2}/
# (never the cache's results/), then `krill diff` of the two package sets:
# exit 0 when every package is bit-identical, else the report names the
# packages, files and bytes (tools/doc/diff.md). Build 1 is a normal build;
# build 2 varies what reprotest 0.7.23 varies (`krill build --vary`, and
# mk/repro.sh for build_path), VARY in reprotest's --vary syntax
# (tools/doc/repro.md). The toolchain stages are linked from the cache
# unless REPRO_STAGES=1 rebuilds (and compares) them in both builds, or
# REPRO_STAGES="binutils glibc" those named (the others linked). With
# REPRO_IMAGES=1 each build also signs its results into a repository of its
# own and assembles every image spec from it (`make images`), and the
# images are compared blob by blob (ci/repro-images.py). Default: on for a
# target arch when every port is built (no PORTS=), off for ARCH=host (the
# specs of images/ are for x86_64 and aarch64).

REPRO_DIR    := $(OUT)/$(ARCH)/repro
VARY         ?=
REPRO_STAGES ?= 0
REPRO_IMAGES ?= $(if $(or $(filter host,$(ARCH)),$(strip $(PORTS))),0,1)
# stages: the ports of the bootstrap dir
REPRO_STAGE_SET = $(foreach p,$(KR_PORTS),$(if $(filter $(BOOTSTRAP_DIR)/%,$(KR_DIR_$(p))),$(p)))
# PORTS= and what they need (build dependencies), else every port
REPRO_SET  = $(if $(strip $(PORTS)),$(call kr_closure,$(PORTS)),$(KR_PORTS))
# the stages rebuilt: all (1), none (0) or those named
REPRO_STAGES_ON = $(if $(filter 1,$(REPRO_STAGES)),$(REPRO_STAGE_SET),$(filter-out 0,$(REPRO_STAGES)))
REPRO_CMP  = $(filter-out $(filter-out $(REPRO_STAGES_ON),$(REPRO_STAGE_SET)),$(REPRO_SET))
REPRO_LINK = $(filter-out $(REPRO_CMP),$(filter $(REPRO_STAGE_SET),$(REPRO_SET)))
# tree: sources (copied with the ports for build_path): of every port,
# since the graph of build 2 reads every recipe
REPRO_TREES = $(sort $(foreach p,$(KR_PORTS),$(foreach t,$(KR_TREES_$(p)),$(firstword $(subst =, ,$(t))))))

.PHONY: repro
repro: $(KRILL) $(if $(filter 1,$(REPRO_STAGES)),,toolchain) $(if $(filter 1,$(REPRO_IMAGES)),$(KEY))
	$(if $(filter-out $(KR_PORTS),$(PORTS)),$(error PORTS: no such port: $(filter-out $(KR_PORTS),$(PORTS))))
	$(if $(filter-out 0 1 $(REPRO_STAGE_SET),$(REPRO_STAGES)),$(error REPRO_STAGES: expected 0, 1 or stage names ($(REPRO_STAGE_SET)), not: $(filter-out 0 1 $(REPRO_STAGE_SET),$(REPRO_STAGES))))
	$(Q)KRILL=$(KRILL) MAKE="$(MAKE)" TOP=$(TOP) ARCH=$(ARCH) JOBS=$(JOBS) \
		REPRO_DIR=$(REPRO_DIR) CACHE_DIR=$(CACHE_DIR) SAN=$(SAN) \
		PORTS_DIR=$(PORTS_DIR) BOOTSTRAP_DIR=$(BOOTSTRAP_DIR) VARY="$(VARY)" \
		REPRO_GOALS="$(or $(strip $(PORTS)),ports)" REPRO_STAGES="$(REPRO_STAGES_ON)" \
		REPRO_CMP="$(foreach p,$(REPRO_CMP),$(p)=$(KR_KEY_$(p)))" \
		REPRO_LINK="$(foreach p,$(REPRO_LINK),$(KR_RESULTS)/$(KR_KEY_$(p)))" \
		REPRO_TREES="$(REPRO_TREES)" CCACHE=$(CCACHE) \
		REPRO_STAGE_NAMES="$(REPRO_STAGE_SET)" REPRO_IMAGES=$(if $(IMAGE_NAMES),$(REPRO_IMAGES),0) \
		IMAGES_DIR=$(IMAGES_DIR) KEY=$(KEY) \
		MAKEFLAGS="$(filter-out -j% --jobserver%,$(MAKEFLAGS))" \
		sh $(TOP)/mk/repro.sh
