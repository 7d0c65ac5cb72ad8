/* provenance.h - build provenance written beside each package as
 * NAME-VERSION-rN.ARCH.provenance.json: an in-toto Statement v1 whose
 * subject is the package file (name + sha256) and whose predicate is SLSA
 * Provenance v1 naming every resolved input. Deterministic (no timestamps
 * other than SOURCE_DATE_EPOCH, no host paths), so a rebuild yields the
 * same bytes. Field reference: tools/doc/package.md.
 */
#ifndef KRILL_PROVENANCE_H
#define KRILL_PROVENANCE_H

#include <stdint.h>

#include "util.h"

/* The base of Krill's own URIs (buildType, builder id). The project owns
 * no domain yet: .invalid says so and cannot collide with anyone's. */
#define KRILL_URI	 "https://krill.invalid"
#define KRILL_BUILD_TYPE KRILL_URI "/build-types/port/v1"

/* A named input and its sha256 (or, for tools, a name and its version). */
struct prov_ref {
	const char *name;
	const char *value;
};

struct prov_refs {
	const struct prov_ref *v;
	size_t n;
};

struct prov_input {
	const char *subject_name; /* package file name */
	const char *subject_sha256;
	const char *port, *arch;
	const char *key; /* the port's content key: invocationId */
	const char *toolchain_key;
	int64_t source_date_epoch;
	const char *recipe_path; /* relative to the tree: ports/NAME/port.yaml */
	const char *recipe_sha256;
	struct prov_refs sources;   /* url, sha256 (tree:PATH: the tree's hash) */
	struct prov_refs portfiles; /* every file under the port's patches/ and
				     * files/: path relative to the tree
				     * (ports/NAME/files/X), sha256 */
	struct prov_refs deps;	    /* package file name, sha256 */
	struct prov_refs tools;	    /* host tool name, version string */
};

/* The statement as JSON text ending in '\n' (malloc'd). */
char *provenance_json(const struct prov_input *in);

/* The purl of a `debian:PACKAGE/FILE` source, or NULL for any other URL:
 * pkg:deb/debian/PACKAGE?arch=source&file_name=FILE (percent-encoded). It
 * names the file by source package and file name; the sha256 beside it
 * pins the bytes, and any Debian archive's Sources index resolves it (as
 * krill fetch does, through the host's apt configuration). malloc'd. */
char *prov_debian_purl(const char *url);

#endif
