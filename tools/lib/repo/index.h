/* index.h - the repository index (REPO/INDEX, signed by REPO/INDEX.sig).
 *
 * A header stanza, in this order:
 *   format: krill-index-1
 *   repository: NAME
 *   arch: ARCH
 *   version: N              (1, 2, ...: strictly increasing per repository)
 *   expires: 2026-01-31T00:00:00Z   (UTC, RFC 3339, whole seconds)
 *   secdb: SIZE SHA256      (optional: REPO/secdb.json, the security feeds
 *   openvex: SIZE SHA256     of tools/doc/repo.md, covered by this signature)
 * then a blank line and one pkginfo stanza (with file/sha256/size) per
 * package, sorted by name then version, each ended by a blank line. Every
 * entry's arch is the header's and its file is NAME-VERSION.ARCH.pkg.tar.zst.
 * The writer emits exactly these bytes for the same input: nothing is
 * taken from the clock. Reference: tools/doc/repo.md.
 */
#ifndef KRILL_INDEX_H
#define KRILL_INDEX_H

#include <stdint.h>
#include <time.h>

#include "pkginfo.h"

#define INDEX_FILE     "INDEX"
#define INDEX_SIG_FILE "INDEX.sig"
/* Sizes an entry may list (anything else is refused by the parser, so no
 * download is ever uncapped or absurdly capped): a package file of 1 byte
 * to 4 GiB, an installed size of at most 64 GiB. */
#define INDEX_PKG_SIZE_MAX	 (4ull << 30)
#define INDEX_INSTALLED_SIZE_MAX (64ull << 30)

/* The security feeds published beside the index, named by it so the
 * index signature covers them: size 0 = not published. */
#define INDEX_SECDB_FILE "secdb.json"
#define INDEX_VEX_FILE	 "openvex.json"
#define INDEX_FEED_MAX	 (64u << 20)
enum { FEED_SECDB, FEED_VEX, FEED_N };
extern const char *const index_feed_files[FEED_N];
extern const char *const index_feed_keys[FEED_N];

struct index_feed {
	uint64_t size;
	char sha256[65];
};

struct index {
	char *name;
	char *arch;
	uint64_t version;
	time_t expires;
	struct index_feed feeds[FEED_N];
	struct pkginfo *pkgs;
	size_t n, cap;
};

/* Strict parse of the whole text; errors are "src:line: ...". */
int index_parse(const char *data, size_t len, const char *src, struct index *out);

/* An arch as the index header and the timestamp spell it: [a-z0-9_]+. */
int index_arch_valid(const char *s);
/* Takes ownership of *p (which is then zeroed). */
void index_add(struct index *ix, struct pkginfo *p);
/* Sort entries by name then version; -1 if two share name and version. */
int index_sort(struct index *ix, const char *src);
/* Append the index text; entries must be sorted (index_sort). */
void index_write(const struct index *ix, struct sb *out);
void index_free(struct index *ix);
/* Lookup by package file name; NULL if absent. Needs sorted entries. */
const struct pkginfo *index_find_file(const struct index *ix, const char *file);

/* "YYYY-MM-DDTHH:MM:SSZ" <-> time_t (UTC only, whole seconds). */
int rfc3339_parse(const char *s, time_t *out);
void rfc3339_format(time_t t, char out[21]);

#endif
