/* mirror.h - `krill mirror sync`: bring DST to SRC's signed index without
 * ever serving a tampered, truncated, rolled-back or stale repository.
 *
 * Packages land in DST/.krill/pool/SHA256 (each fetched capped at its
 * listed size and checked against its listed hash); the new index, its
 * signature and links to the pool form a new snapshot that repo_publish
 * switches in with one rename, last. Packages the new index drops stay
 * served for a grace period (recorded in the snapshot's .retained file),
 * then the pool forgets them. Algorithm and crash-safety argument:
 * tools/doc/repo.md.
 */
#ifndef KRILL_MIRROR_H
#define KRILL_MIRROR_H

#include <stdint.h>
#include <time.h>

#include "sign.h"

struct mirror_opts {
	const char *src; /* http(s) URL, file:// URL or path */
	const char *dst; /* local directory */
	const struct keyring *keys;
	time_t now;
	long grace; /* seconds */
};

struct mirror_stats {
	uint64_t version, previous; /* previous: 0 when DST was empty */
	size_t packages, fetched, reused, retained, pruned;
	int switched;
};

int mirror_sync(const struct mirror_opts *o, struct mirror_stats *st);

#endif
