# The signed repository: out/ARCH/repo holds every package of every port of
# the graph (from the results in the cache), INDEX and INDEX.sig, INDEX.zst,
# the delta from the previous INDEX, the signed timestamp and the security
# feeds from the recipes' secfixes (secdb.json, openvex.json, named in
# INDEX) (tools/doc/repo.md).
# REPO_DIR is overridable: `make repro` signs each build's results into a
# repository of its own (out/ARCH/repro/N/repo).
REPO_DIR ?= $(OUT)/$(ARCH)/repo
KEY_PUB  := $(KEY:.pem=.pub)

# The local signing key, generated on first use outside the source tree.
$(KEY): | $(KRILL)
	$(Q)$(KRILL) keygen $(notdir $(basename $(KEY))) --dir $(patsubst %/,%,$(dir $(KEY)))

# Packages, and the build provenance beside each, are hard-linked (or
# copied) in under temp names and renamed; `krill index` then switches
# INDEX and INDEX.sig in together. It signs only when something changed:
# the result set (REPO_DIR/.krill/results, one key per line), the key or
# krill, or when the index is gone or expires within INDEX_RESIGN_DAYS. So
# a second `make index` (and with it every image built from INDEX) does
# nothing, and the version stays put. `krill verify` checks every package
# and that each provenance names its package's sha256; not with
# --require-provenance: a package left in REPO_DIR by an earlier build of a
# port that changed since (an older version) has no provenance copied in,
# and must not stop the index; the count shows in verify's OK line.
# When the index stands but the timestamp (7 days by default) is gone or
# expires within TIMESTAMP_RESIGN_DAYS, only the timestamp is re-signed: a
# new timestamp version, the index version unchanged.
# INDEX_VERSION, INDEX_EXPIRES_AT and INDEX_VEX_TIMESTAMP (UTC,
# YYYY-MM-DDTHH:MM:SSZ) pin the index's version and expiry and the OpenVEX
# document's timestamp (krill index --version, --expires-at,
# --vex-timestamp; the feeds' sha256 is in INDEX): make repro pins all three
# (version 1, one expiry, one timestamp) so that each build's INDEX follows
# from its packages and recipes alone. KR_INDEX_DEPS (default: ports) is what index builds
# first; make repro sets it empty: its packages are already in KR_RESULTS,
# and with PORTS= a subset `ports` would build every port.
INDEX_RESIGN_DAYS ?= 7
TIMESTAMP_RESIGN_DAYS ?= 2
INDEX_VERSION ?=
INDEX_EXPIRES_AT ?=
INDEX_VEX_TIMESTAMP ?=
KR_INDEX_DEPS ?= ports
KR_INDEX_SET := $(REPO_DIR)/.krill/results
.PHONY: index
index: $(KR_INDEX_DEPS) $(KEY)
	@mkdir -p $(REPO_DIR)/.krill
	$(Q)for d in $(foreach p,$(KR_PORTS),$(KR_RESULTS)/$(KR_KEY_$(p))); do \
		for f in $$d/*.pkg.tar.zst $$d/*.provenance.json; do \
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
	tsexp=$$(sed -n 's/^expires: //p' $(REPO_DIR)/timestamp 2>/dev/null); \
	tssoon=$$(date -u -d "+$(TIMESTAMP_RESIGN_DAYS) days" +%Y-%m-%dT%H:%M:%SZ); \
	if [ -f $(REPO_DIR)/INDEX.sig ] && cmp -s $(KR_INDEX_SET).new $(KR_INDEX_SET) && \
		[ -n "$$exp" ] && [ "$$exp" \> "$$soon" ]; then \
		rm -f $(KR_INDEX_SET).new; \
		if [ -n "$$tsexp" ] && [ "$$tsexp" \> "$$tssoon" ]; then \
			echo "index: $(REPO_DIR) unchanged (expires $$exp, timestamp $$tsexp)"; \
		else \
			$(KRILL) index $(REPO_DIR) --key $(KEY) --timestamp-only >/dev/null && \
			echo "index: $(REPO_DIR) unchanged (expires $$exp), timestamp re-signed"; \
		fi; \
	else \
		$(KRILL) index $(REPO_DIR) --key $(KEY) --arch $(ARCH) \
			--ports $(PORTS_DIR) --ports $(BOOTSTRAP_DIR) \
			$(if $(INDEX_VERSION),--version $(INDEX_VERSION)) \
			$(if $(INDEX_EXPIRES_AT),--expires-at $(INDEX_EXPIRES_AT)) \
			$(if $(INDEX_VEX_TIMESTAMP),--vex-timestamp $(INDEX_VEX_TIMESTAMP)) && \
		$(KRILL) verify $(REPO_DIR) --keys $(dir $(KEY_PUB)) && \
		mv -f $(KR_INDEX_SET).new $(KR_INDEX_SET) && \
		echo "index: $(REPO_DIR) signed with $(KEY_PUB)"; \
	fi
