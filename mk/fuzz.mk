# Fuzzing (tools/doc/fuzzing.md). Every tools/tests/fuzz/fuzz_NAME.c defines
# LLVMFuzzerTestOneInput and has a seed corpus in tools/tests/fuzz/corpus/NAME/.
#
#   make fuzz FUZZ=recipe FUZZ_SECONDS=600
#       builds build/fuzz/fuzz_NAME with clang -fsanitize=fuzzer,address,undefined
#       and runs it; new inputs go to build/fuzz/corpus/NAME, crashes to
#       build/fuzz/artifacts/NAME/ (copy a fixed crash into the seed corpus).
#   make check
#       also builds test_fuzz_NAME: the same entry point linked with
#       tools/tests/fuzz/fuzz_main.c instead of libFuzzer, replaying the seed
#       corpus (under ASan/UBSan with SAN=1).

FUZZ         ?= recipe
FUZZ_SECONDS ?= 600
FUZZ_SRCDIR  := $(TOP)/tools/tests/fuzz
FUZZ_NAMES   := $(patsubst $(FUZZ_SRCDIR)/fuzz_%.c,%,$(filter-out %/fuzz_main.c,\
	$(wildcard $(FUZZ_SRCDIR)/fuzz_*.c)))
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_FLAGS   := -std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer \
	-fsanitize=address,undefined $(TOOLS_INCS) -DKRILL_VERSION='"$(KRILL_VERSION)"'
FUZZ_OBJS    := $(patsubst $(TOP)/tools/lib/%.c,$(FUZZ_DIR)/obj/%.o,$(TOOLS_LIB_SRCS))

# Library objects carry coverage instrumentation (fuzzer-no-link).
$(FUZZ_DIR)/obj/%.o: $(TOP)/tools/lib/%.c $(PREREQ_STAMP)
	@mkdir -p $(@D)
	$(Q)clang $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(TOOLS_PKG_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_DIR)/fuzz_%: $(FUZZ_SRCDIR)/fuzz_%.c $(FUZZ_OBJS)
	$(Q)clang $(FUZZ_FLAGS) -fsanitize=fuzzer $(TOOLS_PKG_CFLAGS) -o $@ $< $(FUZZ_OBJS) $(TOOLS_LIBS)

-include $(FUZZ_OBJS:.o=.d)

.PHONY: fuzz
fuzz: $(FUZZ_DIR)/fuzz_$(FUZZ)
	$(if $(filter $(FUZZ),$(FUZZ_NAMES)),,$(error FUZZ=$(FUZZ): no tools/tests/fuzz/fuzz_$(FUZZ).c; have: $(FUZZ_NAMES)))
	@mkdir -p $(FUZZ_DIR)/corpus/$(FUZZ) $(FUZZ_DIR)/artifacts/$(FUZZ)
	cd $(FUZZ_DIR) && ./fuzz_$(FUZZ) -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		-artifact_prefix=$(FUZZ_DIR)/artifacts/$(FUZZ)/ \
		$(FUZZ_DIR)/corpus/$(FUZZ) $(FUZZ_SRCDIR)/corpus/$(FUZZ)

# Corpus replay for make check: a unit-test binary per fuzz target.
FUZZ_REPLAY_BINS := $(patsubst %,$(HOSTDIR)/tests/test_fuzz_%,$(FUZZ_NAMES))

$(HOSTDIR)/tests/test_fuzz_%: $(FUZZ_SRCDIR)/fuzz_%.c $(FUZZ_SRCDIR)/fuzz_main.c $(LIBKRILL)
	@mkdir -p $(@D)
	$(Q)$(TOOLS_CC) $(TOOLS_CFLAGS) -DFUZZ_CORPUS='"$(FUZZ_SRCDIR)/corpus/$*"' -o $@ \
		$(FUZZ_SRCDIR)/fuzz_$*.c $(FUZZ_SRCDIR)/fuzz_main.c $(LIBKRILL) $(TOOLS_LIBS)

check: $(FUZZ_REPLAY_BINS)

# Keep the instrumented objects between runs (they are intermediate files).
.SECONDARY: $(FUZZ_OBJS)
