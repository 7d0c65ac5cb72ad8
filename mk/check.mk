# Tests: C unit tests (tools/tests/unit) and shell integration tests
# (tools/tests/integration), run by ci/run-tests.sh, which prints the
# closing line "N passed, N failed". `make check SAN=1` runs the same suite
# against an ASan+UBSan build.

UNIT_SRCS := $(wildcard $(TOP)/tools/tests/unit/test_*.c)
UNIT_BINS := $(patsubst $(TOP)/tools/tests/unit/%.c,$(HOSTDIR)/tests/%,$(UNIT_SRCS))

$(HOSTDIR)/tests/%: $(TOP)/tools/tests/unit/%.c $(wildcard $(TOP)/tools/tests/unit/*.h) $(LIBKRILL)
	@mkdir -p $(@D)
	$(Q)$(TOOLS_CC) $(TOOLS_CFLAGS) -I$(TOP)/tools/tests/unit -o $@ $< $(LIBKRILL) $(TOOLS_LIBS)

.PHONY: check check-san
check: $(KRILL) $(UNIT_BINS)
	$(Q)KRILL=$(KRILL) UNIT_BINS="$(sort $(UNIT_BINS) $(FUZZ_REPLAY_BINS))" TOP=$(TOP) SAN=$(SAN) \
		sh $(TOP)/ci/run-tests.sh $(TESTS)

check-san:
	$(Q)$(MAKE) check SAN=1

# One committed style (.clang-format): `make format` applies it.
FORMAT_SRCS = $(wildcard $(TOP)/tools/*.c $(TOP)/tools/*.h $(TOP)/tools/lib/*/*.[ch] \
	$(TOP)/tools/tests/unit/*.[ch] $(TOP)/tools/tests/fuzz/*.c $(TOP)/ci/*.c)
.PHONY: format
format:
	$(Q)clang-format -i $(FORMAT_SRCS)
