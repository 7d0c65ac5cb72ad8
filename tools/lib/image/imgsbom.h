/* imgsbom.h - an image's SPDX 2.3 SBOM and its in-toto/SLSA provenance,
 * made from the installed packages (their .PKGINFO, their sha256 from the
 * signed index, and the SBOM each package carries).
 *
 * Both documents are deterministic: the same input gives the same bytes
 * whatever order the packages come in (they are sorted by name), the
 * SBOM's documentNamespace is a hash of its content and `created` is
 * SOURCE_DATE_EPOCH. Package SBOMs are hostile input: malformed JSON,
 * missing or mistyped fields, absurd sizes, or a document that describes
 * another package than its .PKGINFO are refused with a message naming the
 * package. Layout and fields: tools/doc/image.md, "Image SBOM and
 * provenance".
 */
#ifndef KRILL_IMGSBOM_H
#define KRILL_IMGSBOM_H

#include <stdint.h>

#include "pkginfo.h"

/* A package SBOM larger than this is refused (the largest of a host world
 * is a few hundred KiB; this leaves room for packages with many files). */
#define IMGSBOM_MAX_PKG_SBOM (64u << 20)

struct imgsbom_pkg {
	const struct pkginfo *info; /* its .PKGINFO: name, version, arch, depends, provides */
	const char *sha256;	    /* the package file's sha256 from the signed index */
	uint64_t size;		    /* the package file's size */
	const char *sbom_json;	    /* its .SBOM.spdx.json, sbom_len bytes */
	size_t sbom_len;
};

struct imgsbom_input {
	const char *image_name;	  /* the spec's name, e.g. "base" */
	const char *arch;	  /* krill arch: x86_64, aarch64, host */
	const char *spec_path;	  /* relative, e.g. images/base.yaml */
	const char *spec_sha256;  /* of the spec file */
	const char *index_digest; /* sha256 of the verified INDEX */
	uint64_t index_version;
	const char *repo_name;
	int64_t created; /* SOURCE_DATE_EPOCH */
	const struct imgsbom_pkg *pkgs;
	size_t npkgs;
	const char *manifest_digest; /* "sha256:HEX" or HEX of the arch's image
				      * manifest; may be NULL for the SBOM,
				      * required for the provenance */
};

/* SPDX 2.3 JSON text ending in '\n' (malloc'd); NULL + kr_err on failure. */
char *imgsbom_spdx(const struct imgsbom_input *in);
/* An in-toto Statement v1 with a SLSA Provenance v1 predicate whose
 * subject is the image manifest: it needs in->manifest_digest. */
char *imgsbom_provenance(const struct imgsbom_input *in);
/* The purl the image is known by in its SBOM and VEX (malloc'd):
 * pkg:oci/NAME@sha256%3AHEX?arch=OCIARCH. */
char *imgsbom_image_purl(const char *image_name, const char *arch, const char *manifest_hex);

#endif
