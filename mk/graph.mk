# The ports graph: `krill graph` writes a make fragment with one stamp rule
# per port (see tools/doc/graph.md); make then orders and parallelises.

PORTS_DIR  ?= $(TOP)/ports
# Per-arch work state; overridable so tests can keep everything in a temp dir.
ARCH_BUILD ?= $(BUILD)/$(ARCH)
GRAPH_MK   := $(ARCH_BUILD)/graph.mk
KR_RESULTS := $(CACHE_DIR)/results

# Goals that do not need the graph (and must work before it can be made).
NO_GRAPH_GOALS := help check check-san clean distclean tools lean prereqs lint new-port bench fuzz man format \
	graph keygen image-files images-multi image-sizes outdated

.PHONY: FORCE
FORCE:

# Always re-run (it is fast and checks everything); the file is only
# rewritten when its content changes, so an unchanged tree costs no restart.
# Its keys (graph.keys) are registered as a GC root of CACHE_DIR: `make
# cache-gc` keeps what any checkout's current graph names.
$(GRAPH_MK): $(KRILL) FORCE
	@mkdir -p $(@D)
	$(Q)$(KRILL) graph --arch $(ARCH) $(GRAPH_ARGS) -o $@ \
		--keys $(ARCH_BUILD)/graph.keys --gc-root $(CACHE_DIR) $(PORTS_DIR)

# `include`, not `-include`: when the fragment cannot be remade (a broken
# recipe, the sandbox check failed) make stops there, instead of going on
# with a stale fragment.
ifneq ($(filter-out $(NO_GRAPH_GOALS),$(or $(MAKECMDGOALS),$(.DEFAULT_GOAL))),)
include $(GRAPH_MK)
endif

.PHONY: graph
graph: $(KRILL)
	@mkdir -p $(ARCH_BUILD)
	$(Q)$(KRILL) graph --arch $(ARCH) $(GRAPH_ARGS) \
		--dot $(ARCH_BUILD)/graph.dot $(PORTS_DIR)
	$(Q)dot -Tsvg $(ARCH_BUILD)/graph.dot -o $(ARCH_BUILD)/graph.svg.tmp && \
		mv $(ARCH_BUILD)/graph.svg.tmp $(ARCH_BUILD)/graph.svg
	@echo "graph: $(ARCH_BUILD)/graph.dot $(ARCH_BUILD)/graph.svg"
