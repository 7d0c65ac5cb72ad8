# Benchmarks: every ci/bench-*.sh, one after another (they time things, so
# never in parallel). Figures and commands: tools/doc/benchmarks.md.
BENCH_SCRIPTS := $(sort $(wildcard $(TOP)/ci/bench-*.sh))

.PHONY: bench
bench:
	$(Q)for b in $(BENCH_SCRIPTS); do echo "== $$b"; sh $$b || exit 1; done
