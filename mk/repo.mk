# The signed repository: out/ARCH/repo holds every package of every port of
# the graph (from the results in the cache), INDEX and INDEX.sig.
REPO_DIR := $(OUT)/$(ARCH)/repo
KEY_PUB  := $(KEY:.pem=.pub)

# The local signing key, generated on first use outside the source tree.
$(KEY): | $(KRILL)
	$(Q)$(KRILL) keygen $(notdir $(basename $(KEY))) --dir $(patsubst %/,%,$(dir $(KEY)))

# Packages, and the build provenance beside each, are hard-linked (or
# copied) in under temp names and renamed; `krill index` then switches
# INDEX and INDEX.sig in together, and `krill verify` checks every package
# and that each provenance names its package's sha256. Not
# --require-provenance: a package left in REPO_DIR by an earlier build of a
# port that changed since (an older version) has no provenance copied in,
# and must not stop the index; its count shows in verify's OK line.
.PHONY: index
index: ports $(KEY)
	@mkdir -p $(REPO_DIR)
	$(Q)for d in $(foreach p,$(KR_PORTS),$(KR_RESULTS)/$(KR_KEY_$(p))); do \
		for f in $$d/*.pkg.tar.zst $$d/*.provenance.json; do \
			[ -e "$$f" ] || continue; \
			t=$(REPO_DIR)/$$(basename $$f); \
			cmp -s $$f $$t 2>/dev/null && continue; \
			ln -f $$f $$t.tmp.$$$$ 2>/dev/null || cp $$f $$t.tmp.$$$$; \
			mv -f $$t.tmp.$$$$ $$t; \
		done; \
	done
	$(Q)$(KRILL) index $(REPO_DIR) --key $(KEY) --arch $(ARCH)
	$(Q)$(KRILL) verify $(REPO_DIR) --keys $(dir $(KEY_PUB))
	@echo "index: $(REPO_DIR) signed with $(KEY_PUB)"
