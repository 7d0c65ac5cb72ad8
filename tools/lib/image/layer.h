/* layer.h - an image root as one OCI layer: a sorted tar of every path
 * under the root, written by pkgtar.h (restricted pax, mtimes clamped to
 * SOURCE_DATE_EPOCH, no atime/ctime/xattrs), owner 0:0 except where an
 * override (the spec's paths:) says otherwise, hardlinks kept as such.
 */
#ifndef KRILL_LAYER_H
#define KRILL_LAYER_H

#include <stddef.h>
#include <stdint.h>

#include "pkgtar.h"

struct layer_override {
	char *path; /* relative to the root, no leading '/' */
	struct pkgtar_owner own;
};

struct layer_opts {
	enum pkgtar_comp comp; /* PKGTAR_GZIP or PKGTAR_ZSTD */
	int64_t source_date_epoch;
	const struct layer_override *ov;
	size_t nov;
};

/* The compression levels used (fixed: part of the output's identity).
 * gzip is libdeflate's 12, its slowest and best: 3-4 % smaller layers than
 * zlib's 9 at about 1.5 s for a 7 MB layer (images/README.md). */
#define LAYER_GZIP_LEVEL 12
#define LAYER_ZSTD_LEVEL 19

/* Write root's layer to out; res gets the blob digest/size and the
 * diff_id (sha256 of the uncompressed tar). -1 with kr_err, out removed. */
int layer_write(const char *root, const char *out, const struct layer_opts *o,
		struct pkgtar_result *res);

#endif
