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
KR_GOAL_PORTS = $(if $(filter world ports index images,$(MAKECMDGOALS)),$(KR_PORTS),\
	$(call kr_closure,$(filter $(KR_PORTS),$(MAKECMDGOALS) \
	$(if $(filter toolchain,$(MAKECMDGOALS)),$(TOOLCHAIN_STAGES)))))
KR_TODO := $(words $(filter-out $(wildcard $(KR_RESULTS)/*/done),\
	$(foreach p,$(KR_GOAL_PORTS),$(KR_RESULTS)/$(KR_KEY_$(p))/done)))

ifneq ($(filter-out $(NO_GRAPH_GOALS),$(or $(MAKECMDGOALS),$(.DEFAULT_GOAL))),)
$(shell mkdir -p $(ARCH_BUILD) && rm -f $(PROGRESS))
endif

# Build rules run with '+' so `krill build` joins make's jobserver; '+' also
# runs them under `make -n`, so there the command becomes a no-op (':')
# that make prints.
KR_DRY := $(if $(filter-out -%,$(firstword $(MAKEFLAGS))),$(findstring n,$(firstword $(MAKEFLAGS))))
kr_build_port = $(if $(KR_DRY),: )$(KRILL) build --arch $(ARCH) --key $(KR_KEY_$(1)) \
	--out $(KR_RESULTS)/$(KR_KEY_$(1)) --cache $(CACHE_DIR) --work $(ARCH_BUILD)/work/$(1) \
	--log $(LOG_DIR)/$(1).log --progress $(PROGRESS) --total $(KR_TODO) \
	$(if $(filter 1,$(V)),--verbose) $(TOOLCHAIN_ARGS) \
	$(foreach d,$(KR_DEPS_$(1)),--dep $(KR_RESULTS)/$(KR_KEY_$(d))) \
	$(foreach n,$(KR_WITH_$(1)),--with $(n)) $(foreach t,$(KR_TREES_$(1)),--tree $(t)) \
	$(KR_DIR_$(1))

.PHONY: ports
ports: $(foreach p,$(KR_PORTS),$(KR_RESULTS)/$(KR_KEY_$(p))/done)

# `make shell PORT=NAME`: an interactive shell in NAME's build sandbox.
.PHONY: shell
shell: $(if $(PORT),$(foreach d,$(KR_DEPS_$(PORT)),$(KR_RESULTS)/$(KR_KEY_$(d))/done))
	$(if $(PORT),,$(error usage: make shell PORT=NAME))
	$(KRILL) build --shell --arch $(ARCH) --key $(KR_KEY_$(PORT)) --cache $(CACHE_DIR) \
		--work $(ARCH_BUILD)/work/$(PORT) $(TOOLCHAIN_ARGS) \
		$(foreach d,$(KR_DEPS_$(PORT)),--dep $(KR_RESULTS)/$(KR_KEY_$(d))) \
		$(foreach n,$(KR_WITH_$(PORT)),--with $(n)) $(foreach t,$(KR_TREES_$(PORT)),--tree $(t)) \
		$(KR_DIR_$(PORT))

# `make source`: fetch every source into the cache, for an offline build.
.PHONY: source
source: $(KRILL)
	$(Q)$(KRILL) fetch --cache $(CACHE_DIR) --all $(PORTS_DIR)

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
	$(Q)$(KRILL) lint --ports $(PORTS_DIR)
	$(Q)$(KRILL) lint --ports $(BOOTSTRAP_DIR)
