# Host prerequisites: one list, mk/host-packages.txt. Nothing that needs
# them (cc, pkg-config, bwrap) runs before this stamp: not even at parse
# time (see HOST_KEY in mk/bootstrap.mk). apt's output goes to PREREQ_LOG.
PREREQ_STAMP := $(BUILD)/.host-prereqs
PREREQ_LOG   := $(BUILD)/host-prereqs.log

$(PREREQ_STAMP): $(TOP)/mk/host-packages.txt $(TOP)/mk/host-prereqs.sh
	$(Q)sh $(TOP)/mk/host-prereqs.sh $(PREREQ_LOG)
	$(Q)mkdir -p $(@D) && touch $@

.PHONY: prereqs
prereqs: $(PREREQ_STAMP)

# Can bubblewrap start a sandbox like the builds'? (mk/sandbox-check.sh:
# bwrap's message, the cause and what to do.) Run before anything else by
# the goals that build or test (the hook is in mk/ports.mk); 50 ms, so
# not stamped: a checkout moved into a container must be told at once.
# After a restart of make (graph.mk remade) it has already run. For a
# foreign ARCH it also makes sure qemu can run that arch's programs
# (mk/binfmt-check.sh).
.PHONY: sandbox-check
sandbox-check: $(PREREQ_STAMP)
	$(Q)$(if $(MAKE_RESTARTS),:,sh $(TOP)/mk/sandbox-check.sh $(if $(filter check check-san,$(MAKECMDGOALS)),--summary))
	$(Q)$(if $(MAKE_RESTARTS),,$(if $(filter-out host $(HOST_ARCH),$(ARCH)),sh $(TOP)/mk/binfmt-check.sh $(ARCH)))
