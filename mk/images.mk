# OCI base images (out/images).
.PHONY: images
images: index
	@echo "images: image assembly is not implemented yet" >&2; exit 1
