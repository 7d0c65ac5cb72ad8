# Host prerequisites: one list, mk/host-packages.txt.
PREREQ_STAMP := $(BUILD)/.host-prereqs

$(PREREQ_STAMP): $(TOP)/mk/host-packages.txt $(TOP)/mk/host-prereqs.sh
	$(Q)sh $(TOP)/mk/host-prereqs.sh
	$(Q)mkdir -p $(@D) && touch $@

.PHONY: prereqs
prereqs: $(PREREQ_STAMP)
