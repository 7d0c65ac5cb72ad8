/* sbom.h - the SPDX 2.3 JSON SBOM stored in every package as
 * `.SBOM.spdx.json`. Deterministic: keys in a fixed order, 2-space
 * indentation, `created` from SOURCE_DATE_EPOCH, and a documentNamespace
 * derived from the package's content (its metadata and file hashes), so
 * the same package always gets the same SBOM. Layout: tools/doc/package.md.
 */
#ifndef KRILL_SBOM_H
#define KRILL_SBOM_H

#include <stdint.h>

#include "pkginfo.h"
#include "provenance.h"

/* The base of every documentNamespace Krill writes (package and image
 * SBOMs): under Krill's own URI base, never a domain it does not own. */
#define KRILL_SPDX_NS KRILL_URI "/spdxdocs"

struct sbom_file {
	char *path;    /* relative to the root, no leading '/' */
	char sha1[41]; /* SPDX 2.3 requires SHA1 for every file */
	char sha256[65];
};

struct sbom_source {
	char *url; /* expanded source URL */
	const char *sha256;
};

struct sbom_input {
	const struct pkginfo *info;	   /* name, version, arch, license, homepage, summary */
	const char *upstream_version;	   /* the recipe's version, for the sources */
	const struct sbom_source *sources; /* upstream sources, in recipe order */
	size_t nsources;
	const struct sbom_file *files; /* regular files (every hardlinked
					* path too), sorted by path */
	size_t nfiles;
	int64_t source_date_epoch;
	/* the upstream's identifiers (the recipe's cpe: and purl:, expanded),
	 * for scanners: externalRefs SECURITY/cpe23Type and PACKAGE-MANAGER/
	 * purl of the package; NULL: none */
	const char *cpe, *upstream_purl;
};

/* The document as JSON text ending in '\n' (malloc'd). */
char *sbom_json(const struct sbom_input *in);

/* url itself when it is a valid SPDX downloadLocation (an http://,
 * https:// or ftp:// URL without spaces), else "NOASSERTION": the
 * `debian:PACKAGE/FILE` form is no URL, and SPDX validators refuse it. */
const char *spdx_download_location(const char *url);

/* Percent-encode s for a purl component (RFC 3986 unreserved kept). */
char *purl_encode(const char *s);

/* The purl a Krill package is known by, in its SBOM, the security feeds
 * and image SBOMs: pkg:generic/krill/NAME@VERSION?arch=ARCH (malloc'd). */
struct pkginfo;
char *sbom_pkg_purl(const struct pkginfo *p);

#endif
