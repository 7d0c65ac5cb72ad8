# The signed repository index (out/ARCH/repo): `krill index` over the
# packages in REPO_DIR, signed with KEY (kept outside the tree, generated
# on first use; its .pub beside it is what clients trust).
REPO_DIR := $(OUT)/$(ARCH)/repo

$(KEY):
	@mkdir -p $(dir $(KEY))
	$(Q)$(KRILL) keygen $(basename $(notdir $(KEY))) --dir $(dir $(KEY))

.PHONY: index
index: ports $(KRILL) | $(KEY)
	@mkdir -p $(REPO_DIR)
	$(Q)$(KRILL) index $(REPO_DIR) --key $(KEY)
