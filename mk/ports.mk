# Port builds. The graph fragment gives, per port, a stamp rule
#   $(KR_RESULTS)/KEY/done: <stamps of its deps>
#           +$(call kr_build_port,NAME)
# and everything else is here, once for all ports.

PROGRESS := $(ARCH_BUILD)/progress
LOG_DIR  := $(ARCH_BUILD)/logs

# kr_closure(ports): the ports and everything they need, transitively
# (breadth first; $(2) accumulates what is already found).
kr_closure = $(if $(1),$(call kr_closure,$(filter-out $(2) $(1),$(sort \
	$(foreach d,$(1),$(KR_DEPS_$(d))))),$(2) $(1)),$(sort $(2)))
# How many ports this run will build: the missing stamps among the goals'
# ports (all of them for `ports`/`world`), counted once at parse time.
KR_GOAL_PORTS := $(if $(filter world ports index images,$(MAKECMDGOALS)),$(KR_PORTS),\
	$(call kr_closure,$(filter $(KR_PORTS),$(MAKECMDGOALS) \
	$(if $(filter toolchain,$(MAKECMDGOALS)),$(TOOLCHAIN_STAGES)))))
KR_TODO_STAMPS := $(filter-out $(wildcard $(KR_RESULTS)/*/done),\
	$(foreach p,$(KR_GOAL_PORTS),$(KR_RESULTS)/$(KR_KEY_$(p))/done))
# (a small list when little is to be done: the test per port stays cheap)
KR_TODO_PORTS := $(if $(KR_TODO_STAMPS),$(foreach p,$(KR_GOAL_PORTS),\
	$(if $(filter $(KR_RESULTS)/$(KR_KEY_$(p))/done,$(KR_TODO_STAMPS)),$(p))))
KR_TODO := $(words $(KR_TODO_PORTS))

# The plan line, printed once before the first build: what will be built
# (ports and toolchain stages of the goals), what is cached, and an
# estimate from earlier build times (CACHE_DIR/durations/ARCH, written by
# krill build; mk/plan.awk simulates -jN over the dependency order). Only
# when something is to be built does it cost a process (awk); the no-op
# case is make functions alone.
KR_DURATIONS := $(CACHE_DIR)/durations/$(ARCH)
KR_PLAN_JOBS  = $(or $(patsubst -j%,%,$(filter -j%,$(MAKEFLAGS))),1)
kr_stages_in = $(filter $(TOOLCHAIN_STAGES),$(1))
kr_n_of = $(words $(1)) of $(words $(2))
kr_hms = $(shell awk -v s=$(1) 'BEGIN { if (s < 60) printf "%ds", s; \
	else if (s < 3600) printf "%dm", (s + 30) / 60; \
	else printf "%dh%02dm", s / 3600, (s % 3600 + 30) / 60 }')
KR_PLAN_PORTS = $(filter-out $(TOOLCHAIN_STAGES),$(KR_GOAL_PORTS))
KR_PLAN_WHAT = $(if $(call kr_stages_in,$(KR_GOAL_PORTS)),$(call kr_n_of,$(call \
	kr_stages_in,$(KR_TODO_PORTS)),$(call kr_stages_in,$(KR_GOAL_PORTS))) toolchain \
	stages$(if $(KR_PLAN_PORTS), and ))$(if $(KR_PLAN_PORTS),$(call kr_n_of,$(filter-out \
	$(TOOLCHAIN_STAGES),$(KR_TODO_PORTS)),$(KR_PLAN_PORTS)) ports)
kr_plan_est = $(if $(filter 0,$(word 2,$(1))),no estimate yet (none of them has an earlier build \
	time in $(KR_DURATIONS)),estimate $(call kr_hms,$(word 1,$(1))) at -j$(KR_PLAN_JOBS)$(if \
	$(filter-out $(word 3,$(1)),$(word 2,$(1))), (earlier times known for $(word 2,$(1)) of \
	$(word 3,$(1)); the others not counted)))
KR_PLAN_EST = $(if $(wildcard $(KR_DURATIONS)),$(file >$(ARCH_BUILD)/plan.in,$(foreach \
	p,$(KR_TODO_PORTS),$(p) $(filter $(KR_TODO_PORTS),$(KR_DEPS_$(p)))$(newline)))$(call \
	kr_plan_est,$(shell awk -v jobs=$(KR_PLAN_JOBS) -f $(TOP)/mk/plan.awk $(KR_DURATIONS) \
	$(ARCH_BUILD)/plan.in)),no estimate yet (no earlier build times in $(KR_DURATIONS)))
KR_PLAN = plan ($(ARCH)): build $(KR_PLAN_WHAT), $(words $(filter-out \
	$(KR_TODO_PORTS),$(KR_GOAL_PORTS))) cached$(if $(KR_TODO_PORTS),; $(KR_PLAN_EST))
define newline


endef

.PHONY: kr-plan
kr-plan: | sandbox-check
	$(info $(KR_PLAN))@:

ifneq ($(filter-out $(NO_GRAPH_GOALS),$(or $(MAKECMDGOALS),$(.DEFAULT_GOAL))),)
$(shell mkdir -p $(ARCH_BUILD) && rm -f $(PROGRESS))
endif

# Goals that build or test check the sandbox first: before krill is even
# compiled (so before the graph and every port), right after the prereqs.
SANDBOX_GOALS := $(filter check check-san,$(MAKECMDGOALS)) \
	$(filter-out $(NO_GRAPH_GOALS) source sandbox-check,$(or $(MAKECMDGOALS),$(.DEFAULT_GOAL)))
ifneq ($(strip $(SANDBOX_GOALS)),)
$(TOOLS_LIB_OBJS) $(TOOLS_CMD_OBJS): | sandbox-check
endif
# and the plan line comes before the first port build
ifneq ($(strip $(filter-out check check-san,$(SANDBOX_GOALS))),)
ifneq ($(strip $(KR_GOAL_PORTS)),)
$(foreach p,$(KR_PORTS),$(KR_RESULTS)/$(KR_KEY_$(p))/done): | kr-plan
endif
endif

# KR_BUILD_VARY (and KR_BUILD_LOCALES) are set only by mk/repro.sh, for
# its second build (into results of its own): a normal build's command has
# no --vary.
# Build rules run with '+' so `krill build` joins make's jobserver; '+' also
# runs them under `make -n`, so there the command becomes a no-op (':')
# that make prints.
KR_DRY := $(if $(filter-out -%,$(firstword $(MAKEFLAGS))),$(findstring n,$(firstword $(MAKEFLAGS))))
# LAUNCHER (a command prefix: srun, a job submitter) runs each build
# elsewhere. With a shared CACHE_DIR the result is simply there; with
# REMOTE_CACHE the job uploads it (fetching its dependencies' results the
# same way) and `krill build --fetch-only` brings it here afterwards.
kr_build_cmd = $(KRILL) build --arch $(ARCH) --key $(KR_KEY_$(1)) \
	--out $(KR_RESULTS)/$(KR_KEY_$(1)) --cache $(CACHE_DIR) --work $(ARCH_BUILD)/work/$(1) \
	--log $(LOG_DIR)/$(1).log --progress $(PROGRESS) --total $(KR_TODO) \
	$(if $(filter 1,$(V)),--verbose) $(TOOLCHAIN_ARGS) \
	$(if $(KR_TOOLCHAIN_KEY),--toolchain-key $(KR_TOOLCHAIN_KEY)) \
	$(if $(REMOTE_CACHE),--remote-cache '$(REMOTE_CACHE)' --builder-keys '$(BUILDER_KEYS)') \
	$(if $(filter 1,$(CCACHE)),--ccache $(KR_CCACHE_DIR)) \
	$(if $(filter $(1),$(KR_SHARED_SRC)),--shared-src) \
	$(foreach d,$(KR_DEPS_$(1)),--dep $(KR_RESULTS)/$(KR_KEY_$(d))) \
	$(foreach n,$(KR_WITH_$(1)),--with $(n)) $(foreach t,$(KR_TREES_$(1)),--tree $(t)) \
	$(if $(KR_BUILD_VARY),--vary '$(KR_BUILD_VARY)' \
	$(if $(KR_BUILD_LOCALES),--vary-locales $(KR_BUILD_LOCALES))) $(KR_DIR_$(1))
kr_build_port = $(if $(KR_DRY),: )$(LAUNCHER) $(call kr_build_cmd,$(1))$(if $(and \
	$(LAUNCHER),$(REMOTE_CACHE)), && $(if $(KR_DRY),: )$(call kr_build_cmd,$(1)) --fetch-only)

.PHONY: ports
ports: $(foreach p,$(KR_PORTS),$(KR_RESULTS)/$(KR_KEY_$(p))/done)

# `make shell PORT=NAME`: an interactive shell in NAME's build sandbox.
.PHONY: shell
shell: $(if $(PORT),$(foreach d,$(KR_DEPS_$(PORT)),$(KR_RESULTS)/$(KR_KEY_$(d))/done))
	$(if $(PORT),,$(error usage: make shell PORT=NAME))
	$(KRILL) build --shell --arch $(ARCH) --key $(KR_KEY_$(PORT)) --cache $(CACHE_DIR) \
		--work $(ARCH_BUILD)/work/$(PORT) $(TOOLCHAIN_ARGS) \
		$(if $(KR_TOOLCHAIN_KEY),--toolchain-key $(KR_TOOLCHAIN_KEY)) \
		$(if $(filter $(PORT),$(KR_SHARED_SRC)),--shared-src) \
		$(foreach d,$(KR_DEPS_$(PORT)),--dep $(KR_RESULTS)/$(KR_KEY_$(d))) \
		$(foreach n,$(KR_WITH_$(PORT)),--with $(n)) $(foreach t,$(KR_TREES_$(PORT)),--tree $(t)) \
		$(KR_DIR_$(PORT))

# `make source`: fetch every source into the cache, for an offline build.
.PHONY: source
source: $(KRILL)
	$(Q)$(KRILL) fetch --cache $(CACHE_DIR) --all $(PORTS_DIR)

# `make outdated`: each port's newest upstream version in the Debian source
# indices and whether its file is served (tools/doc/outdated.md);
# OUTDATED_ARGS=--json, --write, --pre, or port names.
.PHONY: outdated
outdated: $(KRILL)
	$(Q)$(KRILL) outdated --cache $(CACHE_DIR) --ports $(PORTS_DIR) --ports $(BOOTSTRAP_DIR) \
		$(OUTDATED_ARGS)

# `make cache-gc`: drop from CACHE_DIR the results no checkout's current
# graph names, and the store entries made from them (krill cache gc; the
# graph this run made registers this checkout first). GC_ARGS=--dry-run.
# `make cache-push REMOTE_CACHE=URL`: upload this arch's finished results
# (e.g. a world built before the remote cache was set).
.PHONY: cache-gc cache-push
cache-gc: $(GRAPH_MK)
	$(Q)$(KRILL) cache gc --cache-dir $(CACHE_DIR) $(GC_ARGS)
cache-push: $(GRAPH_MK)
	$(if $(REMOTE_CACHE),,$(error usage: make cache-push REMOTE_CACHE=URL (and KRILL_BUILDER_KEY)))
	$(Q)$(KRILL) cache push --cache-dir $(CACHE_DIR) --remote-cache '$(REMOTE_CACHE)' \
		--keys $(ARCH_BUILD)/graph.keys

# `make new-port NAME=foo`: a recipe skeleton to edit.
.PHONY: new-port
new-port:
	$(if $(NAME),,$(error usage: make new-port NAME=foo))
	@test ! -e $(PORTS_DIR)/$(NAME) || { echo "ports/$(NAME) exists" >&2; exit 1; }
	@mkdir -p $(PORTS_DIR)/$(NAME)
	@sed 's/@NAME@/$(NAME)/g' $(TOP)/mk/port.yaml.in > $(PORTS_DIR)/$(NAME)/port.yaml
	@echo "created $(PORTS_DIR)/$(NAME)/port.yaml; edit it, then: make lint && make $(NAME)"

.PHONY: lint
lint: $(KRILL)
	$(Q)$(KRILL) lint --ports $(PORTS_DIR) --images $(IMAGES_DIR)
	$(Q)$(KRILL) lint --ports $(BOOTSTRAP_DIR)
