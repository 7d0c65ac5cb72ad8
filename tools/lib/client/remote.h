/* remote.h - a repository as the client sees it: its index fetched (http,
 * https, file:// or a path, through transport.h), its signature checked
 * against the trusted keys, its expiry and its version checked, and the
 * packages it lists.
 *
 * The version check is TUF's rollback protection: the db (db.h) keeps the
 * highest index version accepted per repository name; an index with a
 * lower version is refused with both versions named, an equal one is the
 * same index again. The verified index and signature are kept in
 * ROOT/var/cache/krill/<repository name>/ unless no_cache.
 */
#ifndef KRILL_REMOTE_H
#define KRILL_REMOTE_H

#include <stdint.h>

#include "db.h"
#include "index.h"
#include "pkginfo.h"

struct remote {
	char *url;  /* as configured */
	char *name; /* from the signed header */
	char *arch;
	uint64_t version;
	int64_t expires;
	struct pkginfo *pkgs; /* with index fields */
	size_t n;
	/* what verified it: the trusted key (id and file) and the sha256 of
	 * the exact INDEX bytes it signed */
	char key_id[17];
	char *key_path;
	char index_sha256[65];
	struct index_feed feeds[FEED_N]; /* the security feeds the index names */
};

/* Fetch and verify url's index into r; records its version in db (the
 * caller saves the db). tmpdir receives the downloads (with no_cache).  */
int remote_open(struct remote *r, const char *url, const char *keys, struct db *db,
		const char *tmpdir, int no_cache);
void remote_free(struct remote *r);
/* Fetch package p of r into dir (capped at p->size, sha256 checked);
 * returns the local path. */
char *remote_fetch_pkg(const struct remote *r, const struct pkginfo *p, const char *dir);
/* A package of a local repository (a path or file://) read into memory,
 * capped at p->size and sha256 checked on the bytes read (nothing is
 * copied into the cache: the repository is on this machine already); *name
 * is its path, for messages. 1: r is not local (use remote_fetch_pkg). */
int remote_read_pkg(const struct remote *r, const struct pkginfo *p, char **data, size_t *len,
		    char **name);
/* Fetch r's security feed `which` (index.h FEED_*) into dir/NAME/ARCH/
 * (capped at its signed size, sha256 checked: anything else is refused
 * and not kept). 0 when fetched or cached, 1 when the index names none,
 * -1 refused. */
int remote_fetch_feed(const struct remote *r, int which, const char *dir);
/* The URL of file (a path inside the repository) in r, for messages. */
char *remote_file_url(const struct remote *r, const char *file);

#endif
