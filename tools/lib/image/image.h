/* image.h - `krill image`: an image spec's packages installed per arch
 * into a fresh root through the client (client_add: signature, expiry,
 * version, sha256 checked as `krill add` checks them), the root completed
 * (accounts, paths, /etc/krill), made one layer each, and written as an
 * OCI image layout with one manifest per arch, an image index over them,
 * and the image SBOM and provenance attached as OCI 1.1 referrers; plus
 * the layout as one deterministic tar. Reference: tools/doc/image.md.
 */
#ifndef KRILL_IMAGE_H
#define KRILL_IMAGE_H

#include <stdint.h>

#include "imagespec.h"
#include "pkgtar.h"
#include "util.h"

struct image_opts {
	struct strlist archs;	    /* krill names, at least one */
	struct strlist repos;	    /* --repo (${arch} expanded); empty: the spec's */
	const char *keys;	    /* --keys DIR: trusted keys when the spec has no keyring */
	struct strlist image_repos; /* --image-repo; empty: the spec's http(s) repositories */
	enum pkgtar_comp comp;	    /* PKGTAR_GZIP (default) or PKGTAR_ZSTD */
	const char *tag;	    /* the ref name in index.json */
	int64_t sde;		    /* SOURCE_DATE_EPOCH; -1: newest package member */
	const char *out;	    /* the layout directory; OUT.oci.tar beside it */
	const char *revision;	    /* or NULL */
	const char *source;	    /* or NULL */
	int refs_in_layout;	    /* referrers in index.json, not in the image index */
	int quiet;
};

/* Build the image; every output under a temp name, renamed into place
 * only when all of it is written. -1 with kr_err (located in the spec
 * where the spec is at fault); OUT and OUT.oci.tar are then untouched. */
int image_build(const struct imagespec *s, const struct image_opts *o);

#endif
