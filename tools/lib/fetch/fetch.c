/* fetch.c - see fetch.h. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "debsrc.h"
#include "fetch.h"
#include "transport.h"

void fetch_opts_init(struct fetch_opts *o, const char *cache_dir)
{
	memset(o, 0, sizeof *o);
	o->cache_dir = xstrdup(cache_dir);
	const char *e;
	if ((e = getenv("KRILL_DISTFILES")) && *e)
		o->distfiles = xstrdup(e);
	if ((e = getenv("KRILL_MIRRORS")))
		sl_split(&o->mirrors, e, " \t\n");
	if ((e = getenv("KRILL_NO_DEBIAN")) && !strcmp(e, "1"))
		o->no_debian = 1;
	if ((e = getenv("KRILL_APT_ETC")) && *e)
		o->apt_etc = xstrdup(e);
}

void fetch_opts_free(struct fetch_opts *o)
{
	free(o->cache_dir);
	free(o->distfiles);
	free(o->apt_etc);
	sl_free(&o->mirrors);
}

const char *fetch_origin_name(enum fetch_origin o)
{
	static const char *const names[] = {"cache", "distfiles", "mirror", "upstream", "debian"};
	return names[o];
}

void fetch_result_free(struct fetch_result *res)
{
	free(res->path);
	free(res->from);
	memset(res, 0, sizeof *res);
}

char *fetch_cache_path(const char *cache_dir, const char *sha256)
{
	return xasprintf("%s/distfiles/%s", cache_dir, sha256);
}

/* One lookup: where we are, and the notes of every place tried. */
struct attempt {
	const struct fetch_opts *o;
	const char *name, *sha256;
	char *final;	 /* CACHE_DIR/distfiles/<sha256> */
	struct sb tried; /* "\n  PLACE: why" lines for the failure message */
	struct fetch_result *res;
};

static void note(struct attempt *a, const char *place, const char *why)
{
	sb_printf(&a->tried, "\n  %s: %s", place, why);
}

/* For messages that already name their URL or path (transport, debsrc). */
static void note_msg(struct attempt *a, const char *msg)
{
	sb_printf(&a->tried, "\n  %s", msg);
}

/* A unique temp name in the cache folder, so that the final rename is
 * atomic and parallel fetchers never share a partial file. */
static char *temp_name(const struct attempt *a)
{
	static unsigned counter;
	return xasprintf("%s/distfiles/.tmp-%s-%ld-%u", a->o->cache_dir, a->sha256, (long)getpid(),
			 counter++);
}

static int done(struct attempt *a, enum fetch_origin origin, const char *from, uint64_t size)
{
	a->res->path = xstrdup(a->final);
	a->res->size = size;
	a->res->origin = origin;
	a->res->from = xstrdup(from);
	return 0;
}

/* Move a verified temp file into the cache. */
static int commit_tmp(struct attempt *a, const char *tmp, enum fetch_origin origin,
		      const char *from)
{
	char got[SHA256_HEX_LEN + 1];
	uint64_t size;
	/* Re-hash: the downloader may not have checked (apt-helper, a copy). */
	if (sha256_file(tmp, got, &size) < 0) {
		note(a, from, kr_errmsg());
		return -1;
	}
	if (strcmp(got, a->sha256)) {
		char *m = xasprintf("sha256 mismatch: expected %s, got %s", a->sha256, got);
		note(a, from, m);
		free(m);
		return -1;
	}
	if (rename(tmp, a->final) < 0) {
		note(a, from, strerror(errno));
		return -1;
	}
	char *dir = path_dirname(a->final);
	fsync_dir(dir);
	free(dir);
	return done(a, origin, from, size);
}

/* Sources are pinned by sha256 but their size is not known: a cap that no
 * real source tarball comes near, so an endless server still ends. */
#define SOURCE_MAX_BYTES (8ull << 30)

/* Get url through the transport into a temp file, then into the cache. */
static int try_get(struct attempt *a, const char *url, enum fetch_origin origin)
{
	char *tmp = temp_name(a);
	int rc = -1;
	if (transport_get(url, tmp, SOURCE_MAX_BYTES, a->sha256) < 0)
		note_msg(a, kr_errmsg());
	else
		rc = commit_tmp(a, tmp, origin, url);
	unlink(tmp);
	free(tmp);
	return rc;
}

static int try_cache(struct attempt *a)
{
	if (!path_exists(a->final)) {
		note(a, a->final, "not in the cache");
		return -1;
	}
	char got[SHA256_HEX_LEN + 1];
	uint64_t size;
	if (sha256_file(a->final, got, &size) == 0 && !strcmp(got, a->sha256))
		return done(a, FETCH_CACHE, a->final, size);
	/* Damaged on disk (not by us: we only rename in verified files). */
	note(a, a->final, "damaged cache entry removed");
	unlink(a->final);
	return -1;
}

static int try_distfiles(struct attempt *a)
{
	const char *keys[] = {a->name, a->sha256};
	for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
		char *p = path_join(a->o->distfiles, keys[i]);
		int rc = -1;
		if (path_exists(p))
			rc = try_get(a, p, FETCH_DISTFILES);
		else
			note(a, p, "no such file");
		free(p);
		if (rc == 0)
			return 0;
	}
	return -1;
}

static int try_mirror(struct attempt *a, const char *base)
{
	size_t n = strlen(base);
	const char *sep = n && base[n - 1] == '/' ? "" : "/";
	const char *keys[] = {a->name, a->sha256};
	for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
		char *url = xasprintf("%s%s%s", base, sep, keys[i]);
		int rc = try_get(a, url, FETCH_MIRROR);
		free(url);
		if (rc == 0)
			return 0;
	}
	return -1;
}

static int try_debian(struct attempt *a)
{
	struct strlist urls = STRLIST_INIT;
	uint64_t size = 0;
	int found = debsrc_find(a->o->cache_dir, a->o->apt_etc, a->sha256, &urls, &size);
	if (found <= 0) {
		note(a, "Debian source archive",
		     found < 0 ? kr_errmsg() : "no file with this sha256 in the Sources indices");
		char *refused = debsrc_refused_note(a->o->cache_dir);
		if (refused)
			note(a, "Debian source archive", refused);
		free(refused);
		sl_free(&urls);
		return -1;
	}
	int rc = -1;
	/* every archive that lists the file, until one serves it */
	for (size_t i = 0; rc && i < urls.n; i++) {
		char *tmp = temp_name(a);
		if (debsrc_download(urls.v[i], a->sha256, tmp) < 0)
			note_msg(a, kr_errmsg());
		else
			rc = commit_tmp(a, tmp, FETCH_DEBIAN, urls.v[i]);
		unlink(tmp);
		free(tmp);
	}
	sl_free(&urls);
	return rc;
}

/* Remove temp files of this hash left by fetchers that were killed (their
 * pid is gone); those of live fetchers stay. */
static void drop_stale_temps(const struct attempt *a)
{
	char *dir = xasprintf("%s/distfiles", a->o->cache_dir);
	char *prefix = xasprintf(".tmp-%s-", a->sha256);
	struct strlist names = STRLIST_INIT;
	if (list_dir(dir, &names) == 0)
		for (size_t i = 0; i < names.n; i++) {
			if (!str_starts(names.v[i], prefix))
				continue;
			long pid = strtol(names.v[i] + strlen(prefix), NULL, 10);
			if (pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH) {
				char *p = path_join(dir, names.v[i]);
				unlink(p);
				free(p);
			}
		}
	sl_free(&names);
	free(prefix);
	free(dir);
}

static int lookup(struct attempt *a, const char *url)
{
	const struct fetch_opts *o = a->o;
	if (try_cache(a) == 0)
		return 0;
	drop_stale_temps(a);
	if (o->distfiles && try_distfiles(a) == 0)
		return 0;
	for (size_t i = 0; i < o->mirrors.n; i++)
		if (try_mirror(a, o->mirrors.v[i]) == 0)
			return 0;
	if (url && str_starts(url, "debian:"))
		note(a, url, "a Debian file: looked up by sha256 below");
	else if (url && !o->no_upstream && try_get(a, url, FETCH_UPSTREAM) == 0)
		return 0;
	if (o->no_debian)
		note(a, "Debian source archive", "disabled (--no-debian or KRILL_NO_DEBIAN=1)");
	else if (try_debian(a) == 0)
		return 0;
	return -1;
}

int fetch_file(const struct fetch_opts *o, const char *name, const char *sha256, const char *url,
	       struct fetch_result *res)
{
	memset(res, 0, sizeof *res);
	if (!sha256 || strlen(sha256) != SHA256_HEX_LEN || !is_hex(sha256, SHA256_HEX_LEN)) {
		kr_err("%s: bad sha256 '%s', expected 64 lowercase hex digits", name,
		       sha256 ? sha256 : "");
		return -1;
	}
	if (!*name || strchr(name, '/')) {
		kr_err("bad file name '%s', expected a plain file name", name);
		return -1;
	}
	char *dir = xasprintf("%s/distfiles", o->cache_dir);
	int rc = mkdir_p(dir, 0755);
	free(dir);
	if (rc < 0)
		return -1;
	struct attempt a = {o, name, sha256, fetch_cache_path(o->cache_dir, sha256), SB_INIT, res};
	rc = lookup(&a, url);
	if (rc < 0)
		kr_err("%s (sha256 %s): not found; looked in:%s", name, sha256, sb_str(&a.tried));
	sb_free(&a.tried);
	free(a.final);
	return rc;
}

char *source_filename(const struct recipe *r, const struct source *s, const char *arch)
{
	if (s->filename)
		return recipe_expand(r, s->filename, arch);
	char *url = recipe_expand(r, s->url.s, arch);
	if (!url)
		return NULL;
	char *q = strpbrk(url, "?#");
	if (q)
		*q = 0;
	const char *slash = strrchr(url, '/');
	const char *base = slash ? slash + 1 : strchr(url, ':') + 1;
	char *name = *base ? xstrdup(base) : NULL;
	if (!name)
		kr_err("%s: no file name in url '%s'; add `filename:`", r->path, url);
	free(url);
	return name;
}

int fetch_source(const struct fetch_opts *o, const struct recipe *r, const struct source *s,
		 const char *arch, struct fetch_result *res)
{
	char *name = source_filename(r, s, arch);
	char *url = name ? recipe_expand(r, s->url.s, arch) : NULL;
	int rc = url ? fetch_file(o, name, s->sha256, url, res) : -1;
	if (rc < 0 && url)
		kr_err_prefix("%s:%d:%d", r->path, s->url.pos.line, s->url.pos.col);
	free(name);
	free(url);
	return rc;
}
