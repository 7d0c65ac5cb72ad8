/* imgvex.h - an image's own OpenVEX: the statements of the repositories'
 * signed OpenVEX feeds (feeds.h) that name a package installed in the
 * image, restated about the image (product: the image's purl, the
 * packages as its subcomponents), wrapped in an in-toto Statement v1
 * whose subject is the image manifest. `krill image` attaches it as an
 * OCI 1.1 referrer (artifactType application/vnd.in-toto+json, annotation
 * in-toto.io/predicate-type), the layout Docker Scout publishes and
 * Trivy's `--vex oci` discovers. Deterministic: statements in feed order,
 * subcomponents sorted, timestamp SOURCE_DATE_EPOCH. Layout and fields:
 * tools/doc/image.md, "Image VEX".
 */
#ifndef KRILL_IMGVEX_H
#define KRILL_IMGVEX_H

#include <stddef.h>
#include <stdint.h>

#include "pkginfo.h"

#define IMGVEX_PREDICATE "https://openvex.dev/ns/v0.2.0"

/* One feed as fetched and checked (feed_check: the shape is known). */
struct imgvex_feed {
	const char *json;
	size_t len;
	const char *src; /* for messages */
};

struct imgvex_input {
	const char *image_name, *arch;
	const char *manifest_hex; /* the arch's image manifest, 64 hex */
	int64_t created;	  /* SOURCE_DATE_EPOCH */
	const struct pkginfo *pkgs;
	size_t npkgs;
	const struct imgvex_feed *feeds;
	size_t nfeeds;
};

/* *out: the in-toto Statement (malloc'd, ends in '\n'), or NULL when no
 * statement of any feed names an installed package (OpenVEX wants one at
 * least, so no document is attached). -1 with kr_err naming the feed. */
int imgvex_statement(const struct imgvex_input *in, char **out);

#endif
