# The signed repository: out/ARCH/repo holds every package of every port of
# the graph (from the results in the cache), INDEX and INDEX.sig.
REPO_DIR := $(OUT)/$(ARCH)/repo
KEY_PUB  := $(KEY:.pem=.pub)

# The local signing key, generated on first use outside the source tree.
$(KEY): | $(KRILL)
	$(Q)$(KRILL) keygen $(notdir $(basename $(KEY))) --dir $(patsubst %/,%,$(dir $(KEY)))

# Packages are hard-linked (or copied) in under temp names and renamed;
# `krill index` then switches INDEX and INDEX.sig in together. It signs
# only when something changed: the result set (REPO_DIR/.krill/results,
# one key per line), the key or krill, or when the index is gone or
# expires within INDEX_RESIGN_DAYS. So a second `make index` (and with it
# every image built from INDEX) does nothing, and the version stays put.
INDEX_RESIGN_DAYS ?= 7
KR_INDEX_SET := $(REPO_DIR)/.krill/results
.PHONY: index
index: ports $(KEY)
	@mkdir -p $(REPO_DIR)/.krill
	$(Q)for d in $(foreach p,$(KR_PORTS),$(KR_RESULTS)/$(KR_KEY_$(p))); do \
		for f in $$d/*.pkg.tar.zst; do \
			[ -e "$$f" ] || continue; \
			t=$(REPO_DIR)/$${f##*/}; \
			[ $$f -ef $$t ] && continue; \
			cmp -s $$f $$t 2>/dev/null && continue; \
			ln -f $$f $$t.tmp.$$$$ 2>/dev/null || cp $$f $$t.tmp.$$$$; \
			mv -f $$t.tmp.$$$$ $$t; \
		done; \
	done
	$(Q)printf '%s\n' $(sort $(foreach p,$(KR_PORTS),$(KR_KEY_$(p)))) \
		"key $$(sha256sum <$(KEY_PUB) | cut -c1-64)" \
		"krill $$(sha256sum <$(KRILL) | cut -c1-64)" >$(KR_INDEX_SET).new; \
	exp=$$(sed -n 's/^expires: //p;/^$$/q' $(REPO_DIR)/INDEX 2>/dev/null); \
	soon=$$(date -u -d "+$(INDEX_RESIGN_DAYS) days" +%Y-%m-%dT%H:%M:%SZ); \
	if [ -f $(REPO_DIR)/INDEX.sig ] && cmp -s $(KR_INDEX_SET).new $(KR_INDEX_SET) && \
		[ -n "$$exp" ] && [ "$$exp" \> "$$soon" ]; then \
		rm -f $(KR_INDEX_SET).new; \
		echo "index: $(REPO_DIR) unchanged (expires $$exp)"; \
	else \
		$(KRILL) index $(REPO_DIR) --key $(KEY) --arch $(ARCH) && \
		$(KRILL) verify $(REPO_DIR) --keys $(dir $(KEY_PUB)) && \
		mv -f $(KR_INDEX_SET).new $(KR_INDEX_SET) && \
		echo "index: $(REPO_DIR) signed with $(KEY_PUB)"; \
	fi
