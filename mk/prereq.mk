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
