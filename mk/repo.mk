# The signed repository index (out/ARCH/repo).
REPO_DIR := $(OUT)/$(ARCH)/repo

.PHONY: index
index: ports
	@echo "index: signing the repository is not implemented yet (issue: signed repository)" >&2; exit 1
