# Man pages, generated from `krill help` by tools/man/gen-man.sh into
# build/host/man/man1/ (generated output stays out of the source tree):
#   man -l build/host/man/man1/krill-graph.1    or    MANPATH=build/host/man man krill
MAN_DIR   := $(HOSTDIR)/man/man1
MAN_STAMP := $(MAN_DIR)/.stamp

$(MAN_STAMP): $(KRILL) $(TOP)/tools/man/gen-man.sh
	$(Q)sh $(TOP)/tools/man/gen-man.sh $(KRILL) $(MAN_DIR)
	@touch $@

.PHONY: man
man: $(MAN_STAMP)
check: $(MAN_STAMP)
