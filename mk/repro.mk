# `make repro`: every port of the graph built twice more, into two fresh
# results dirs under out/ARCH/repro/, with variations the sandbox must
# neutralise (parallelism, the caller's umask, time zone and locale, the
# host work dir), then `krill diff` of the two package sets: exit 0 when
# every package is bit-identical, else the report names the packages,
# files and bytes (tools/doc/diff.md). The toolchain stages are not rebuilt:
# both runs link the cache's results of the stages (a toolchain check is
# two `make toolchain` runs with separate CACHE_DIRs).

REPRO_DIR    := $(OUT)/$(ARCH)/repro
# ports of the ports dir (not the bootstrap stages), by their recipe dirs
REPRO_PORTS   = $(foreach p,$(KR_PORTS),$(if $(filter $(BOOTSTRAP_DIR)/%,$(KR_DIR_$(p))),,$(p)))
REPRO_STAGES  = $(filter-out $(REPRO_PORTS),$(KR_PORTS))

# kr_repro_run(RUN, JOBS, UMASK, ENV...): one build of every port.
kr_repro_run = mkdir -p $(REPRO_DIR)/$(1)/results $(REPRO_DIR)/$(1)/packages && \
	$(foreach s,$(REPRO_STAGES),ln -sfn $(KR_RESULTS)/$(KR_KEY_$(s)) $(REPRO_DIR)/$(1)/results/ &&) \
	echo "repro: run $(1): JOBS=$(2) umask $(3) $(4)" && \
	(umask $(3) && env $(4) MAKEFLAGS="$(filter-out -j% --jobserver%,$(MAKEFLAGS))" $(MAKE) -j$(2) ports JOBS=$(2) KR_RESULTS=$(REPRO_DIR)/$(1)/results \
		ARCH_BUILD=$(REPRO_DIR)/$(1)/build) && \
	$(foreach p,$(REPRO_PORTS),ln -f $(REPRO_DIR)/$(1)/results/$(KR_KEY_$(p))/*.pkg.tar.zst \
		$(REPRO_DIR)/$(1)/results/$(KR_KEY_$(p))/*.provenance.json $(REPRO_DIR)/$(1)/packages/ &&) true

.PHONY: repro
repro: $(KRILL) toolchain
	$(Q)rm -rf $(REPRO_DIR)
	$(Q)$(call kr_repro_run,1,1,022,TZ=UTC LC_ALL=C)
	$(Q)$(call kr_repro_run,2,$(JOBS),077,TZ=Pacific/Kiritimati LC_ALL=C.UTF-8 LANG=fr_FR.UTF-8)
	$(Q)$(KRILL) diff $(REPRO_DIR)/1/packages $(REPRO_DIR)/2/packages
