# OCI images (tools/doc/image.md): every images/NAME.yaml, built by
# `krill image` from the signed out/ARCH/repo (which `make index` writes),
# trusting the local KEY's public half. Outputs in out/images/:
#   make images ARCH=A                     NAME-A and NAME-A.oci.tar
#   make world ARCHES="x86_64 aarch64"     also NAME (+ .oci.tar): one index
# Each layout's index.json is its stamp: rebuilt when its spec, a repo's
# INDEX, the key or krill changed, else nothing runs.
IMAGES_DIR   ?= $(TOP)/images
# IMAGES_OUT is overridable: `make repro` assembles each build's images
# into out/ARCH/repro/N/images from that build's own REPO_DIR.
IMAGES_OUT   ?= $(OUT)/images
IMAGE_NAMES  := $(basename $(notdir $(wildcard $(IMAGES_DIR)/*.yaml)))
ARCHES       ?= $(ARCH)
IMAGE_REPO   ?=
IMAGE_FLAGS   = -q --keys $(dir $(KEY_PUB)) \
	$(if $(IMAGE_REV),--revision $(IMAGE_REV)) $(if $(IMAGE_REPO),--image-repo '$(IMAGE_REPO)')
# computed on first use only (a no-op make must stay cheap)
IMAGE_REV     = $(eval IMAGE_REV := $(shell git -C $(TOP) rev-parse HEAD 2>/dev/null))$(IMAGE_REV)

# image_rule NAME OUTNAME ARCHES REPO: REPO is krill image's --repo (krill
# expands $${arch}); the rule depends on each arch's INDEX there
define image_rule
$(IMAGES_OUT)/$(2)/index.json: $(IMAGES_DIR)/$(1).yaml $(foreach a,$(3),$(subst $$$${arch},$(a),$(4))/INDEX) \
		$(KRILL) $(KEY_PUB)
	@mkdir -p $(IMAGES_OUT)
	$(Q)$(KRILL) image $$< $(foreach a,$(3),--arch $(a)) -o $(IMAGES_OUT)/$(2) --tag $(1) \
		--repo '$(4)' $$(IMAGE_FLAGS)
	@echo "image: $(IMAGES_OUT)/$(2) [$(3)]"
endef
$(foreach n,$(IMAGE_NAMES),$(eval $(call image_rule,$(n),$(n)-$(ARCH),$(ARCH),$(REPO_DIR))))
$(foreach n,$(IMAGE_NAMES),$(eval $(call image_rule,$(n),$(n),$(ARCHES),$(OUT)/$$$${arch}/repo)))

# `index` is phony: the image files are made by a second make that sees
# its result.
.PHONY: images image-files images-multi
images: index
	$(Q)$(MAKE) image-files ARCH=$(ARCH)
image-files: $(foreach n,$(IMAGE_NAMES),$(IMAGES_OUT)/$(n)-$(ARCH)/index.json)
images-multi: $(foreach n,$(IMAGE_NAMES),$(IMAGES_OUT)/$(n)/index.json)

# Sizes as podman/docker count them, and each image's ten largest files
# (ci/image-sizes.py; the figures in images/README.md come from this).
.PHONY: image-sizes
image-sizes:
	$(Q)set -- $(wildcard $(foreach n,$(IMAGE_NAMES),$(IMAGES_OUT)/$(n)-$(ARCH))); \
	[ $$# -gt 0 ] || { echo "image-sizes: no images in $(IMAGES_OUT) for $(ARCH): run make images ARCH=$(ARCH)" >&2; exit 1; }; \
	python3 $(TOP)/ci/image-sizes.py "$$@"

# The real-package checks (need ARCH's toolchain, ports and images built):
# the base system installed by krill add, and the three images run alone.
.PHONY: base-check images-check
base-check: index
	$(Q)sh $(TOP)/ci/check-base.sh $(ARCH) $(REPO_DIR) $(KEY_PUB)
images-check: images
	$(Q)sh $(TOP)/ci/check-images.sh $(ARCH) $(IMAGES_OUT) $(REPO_DIR) $(KEY_PUB)
