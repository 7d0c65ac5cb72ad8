/* oci.h - the OCI image-spec objects Krill writes (image-spec v1.1):
 * descriptors, the image config, image and artifact manifests, image
 * indexes, and a layout directory's blob store. Every JSON document is
 * compact with keys in a fixed order, so the same input gives the same
 * bytes. Layout, media types and the referrer rules: tools/doc/image.md.
 */
#ifndef KRILL_OCI_H
#define KRILL_OCI_H

#include <jansson.h>
#include <stdint.h>

#include "util.h"

#define OCI_MANIFEST   "application/vnd.oci.image.manifest.v1+json"
#define OCI_INDEX      "application/vnd.oci.image.index.v1+json"
#define OCI_CONFIG     "application/vnd.oci.image.config.v1+json"
#define OCI_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define OCI_LAYER_ZSTD "application/vnd.oci.image.layer.v1.tar+zstd"
#define OCI_EMPTY      "application/vnd.oci.empty.v1+json"
#define OCI_REF_NAME   "org.opencontainers.image.ref.name"

struct oci_desc {
	const char *media_type;
	char digest[7 + SHA256_HEX_LEN + 1]; /* "sha256:HEX" */
	uint64_t size;
	const char *artifact_type;  /* or NULL */
	const char *arch, *variant; /* platform (OCI names), or NULL */
	json_t *annotations;	    /* borrowed, or NULL */
};

/* x86_64 -> amd64, aarch64 -> arm64 (variant v8); -1 with kr_err else. */
int oci_platform(const char *krill_arch, const char **arch, const char **variant);
/* "YYYY-MM-DDTHH:MM:SSZ" of a SOURCE_DATE_EPOCH. */
void oci_time(int64_t t, char out[21]);

/* A descriptor as JSON (mediaType, artifactType, digest, size, platform,
 * annotations: the order of the spec's examples). */
json_t *oci_desc_json(const struct oci_desc *d);

struct oci_config {
	const char *arch, *variant;
	int64_t created;
	const char *user;			/* or NULL */
	const struct strlist *env;		/* "K=V" */
	const struct strlist *entrypoint, *cmd; /* NULL or empty: not set */
	const char *work_dir;			/* or NULL */
	json_t *labels;				/* borrowed, or NULL */
	const char *diff_id;			/* "sha256:HEX" of the tar */
	const char *created_by, *history_comment;
};
/* The image config JSON; caller frees. */
char *oci_config_json(const struct oci_config *c);
/* An image manifest over config and layers; an artifact manifest when
 * artifact_type is set (config then is the empty descriptor) with its
 * subject. Caller frees. */
char *oci_manifest_json(const struct oci_desc *config, const struct oci_desc *layers,
			size_t nlayers, const char *artifact_type, const struct oci_desc *subject,
			json_t *annotations);
/* An image index over the descriptors. Caller frees. */
char *oci_index_json(const struct oci_desc *m, size_t n, json_t *annotations);

/* Store data as DIR/blobs/sha256/HEX (temp name + rename) and fill the
 * digest and size of d. */
int oci_put_blob(const char *dir, const void *data, size_t len, struct oci_desc *d);
/* Move a finished file (whose sha256 is known) into the blob store. */
int oci_put_file(const char *dir, const char *file, const char *sha256, uint64_t size,
		 struct oci_desc *d);
/* The empty JSON object "{}", the config of every artifact manifest. */
int oci_put_empty(const char *dir, struct oci_desc *d);
/* Write DIR/oci-layout and DIR/index.json. */
int oci_write_layout(const char *dir, const struct oci_desc *m, size_t n);
/* A deterministic tar of the layout DIR (sorted, owner 0, mtimes clamped):
 * what `docker load`/`podman load` and skopeo's oci-archive: read. */
int oci_tar_layout(const char *dir, const char *out, int64_t source_date_epoch);

#endif
