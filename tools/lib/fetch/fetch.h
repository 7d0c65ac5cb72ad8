/* fetch.h - make a source file available in the content-addressed cache.
 *
 * A file is known by its sha256 and lands at CACHE_DIR/distfiles/<sha256>.
 * fetch_file() tries, in order: the cache itself, a local distfiles folder
 * (by name, then by hash), each mirror (BASE/NAME, then BASE/SHA256), the
 * upstream URL, then the Debian source archive (debsrc.h). Every download
 * goes to a unique temp name in the cache folder and is renamed into place
 * only after its sha256 matched, so nothing partial or wrong ever enters the
 * cache and concurrent fetchers of one file do not disturb each other.
 * Reference: tools/doc/fetch.md.
 */
#ifndef KRILL_FETCH_H
#define KRILL_FETCH_H

#include <stdint.h>

#include "recipe.h"
#include "util.h"

struct fetch_opts {
	char *cache_dir;	/* required */
	char *distfiles;	/* local folder of files by name or sha256; NULL: none */
	struct strlist mirrors; /* base URLs: file://, http://, https:// */
	int no_upstream;	/* skip the recipe's URL */
	int no_debian;		/* skip the Debian source archive */
	char *apt_etc;		/* host apt configuration folder; NULL: /etc/apt */
};

/* Defaults plus the environment: KRILL_DISTFILES (a folder), KRILL_MIRRORS
 * (whitespace-separated base URLs), KRILL_NO_DEBIAN=1, KRILL_APT_ETC. */
void fetch_opts_init(struct fetch_opts *o, const char *cache_dir);
void fetch_opts_free(struct fetch_opts *o);

enum fetch_origin { FETCH_CACHE, FETCH_DISTFILES, FETCH_MIRROR, FETCH_UPSTREAM, FETCH_DEBIAN };
const char *fetch_origin_name(enum fetch_origin o);

struct fetch_result {
	char *path; /* CACHE_DIR/distfiles/<sha256> */
	uint64_t size;
	enum fetch_origin origin;
	char *from; /* the path or URL it came from */
};
void fetch_result_free(struct fetch_result *res);

/* CACHE_DIR/distfiles/<sha256> (malloc'd). */
char *fetch_cache_path(const char *cache_dir, const char *sha256);

/* Get the file NAME with SHA256 (64 lowercase hex); url may be NULL (no
 * upstream). On failure kr_err lists every place tried and why it failed. */
int fetch_file(const struct fetch_opts *o, const char *name, const char *sha256, const char *url,
	       struct fetch_result *res);

/* The file name of a recipe source: `filename`, else the last element of the
 * expanded url (for debian:PKG/FILE, FILE). NULL + kr_err on a bad url. */
char *source_filename(const struct recipe *r, const struct source *s, const char *arch);

/* fetch_file() for one recipe source; ${...} in its url expanded for arch. */
int fetch_source(const struct fetch_opts *o, const struct recipe *r, const struct source *s,
		 const char *arch, struct fetch_result *res);

#endif
