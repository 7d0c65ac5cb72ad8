/* feeds.h - the security feeds `krill index` writes beside the index
 * (tools/doc/repo.md): an OpenVEX document and a secdb in the Alpine/Wolfi
 * security database format, from the ports' `secfixes:` and
 * `not-affected:` (recipe.h) and the packages the index lists. The index
 * names both by size and sha256, so its signature covers them.
 *
 * Writing (feeds_secdb, feeds_openvex) is the publisher's; checking
 * (feed_check) is also the lean client's verify.
 */
#ifndef KRILL_FEEDS_H
#define KRILL_FEEDS_H

#include <time.h>

#include "index.h"

/* The OpenVEX version written and the context prefix accepted. */
#define OPENVEX_CONTEXT	       "https://openvex.dev/ns/v0.2.0"
#define OPENVEX_CONTEXT_PREFIX "https://openvex.dev/ns/"

struct feed_fix {
	const char *fullver; /* VERSION-rRELEASE that fixed ids */
	const char *const *ids;
	size_t nids;
};

struct feed_notaff {
	const char *id, *justification, *impact; /* impact may be NULL */
};

/* One port's security data: name = the packages' origin. */
struct feed_port {
	const char *name;
	const struct feed_fix *fixes;
	size_t nfixes;
	const struct feed_notaff *notaff;
	size_t nnotaff;
};

/* The secdb JSON (malloc'd, ends in '\n'): urlprefix, apkurl (a template
 * naming each package file under urlprefix), archs [ix->arch], reponame
 * ix->name, and packages[].pkg.{name, secfixes} for every port with
 * packages in ix and any secfix or not-affected entry; not-affected ids go
 * under "0" as Alpine's secdb has them ("never affected"). */
char *feeds_secdb(const struct index *ix, const struct feed_port *ports, size_t n,
		  const char *urlprefix);

/* The OpenVEX document (malloc'd, ends in '\n'), or NULL when it would
 * hold no statement (the schema wants one at least). One `fixed` statement
 * per secfix id whose products are the packages of ix built from that
 * port at that version-release or later (none: no statement), one
 * `not_affected` per declaration for every package of the port; products
 * are named by the purl their SBOM gives them
 * (pkg:generic/krill/NAME@VERSION?arch=ARCH). @id is
 * KRILL_URI/vex/NAME/ARCH/vVERSION and version the index's version;
 * timestamp is `when`. */
char *feeds_openvex(const struct index *ix, const struct feed_port *ports, size_t n, time_t when);

/* The shape of feed `which` (FEED_SECDB or FEED_VEX): valid JSON without
 * duplicate keys, the keys and types above, every vulnerability id well
 * formed, reponame/archs matching ix. -1 with kr_err "src: what". */
int feed_check(int which, const char *data, size_t len, const struct index *ix, const char *src);

/* Check the feeds ix names in dir: each present with its signed size and
 * sha256, and of the right shape; a feed file ix does not name is a
 * failure too. Calls report() per failure, returns how many failed. */
size_t feeds_check_dir(const char *dir, const struct index *ix,
		       void (*report)(const char *msg, void *arg), void *arg);

#endif
