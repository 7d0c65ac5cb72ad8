/* remote.c - see remote.h */
#include "remote.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index.h"
#include "repo.h"
#include "sign.h"
#include "transport.h"
#include "tuf.h"

static char *url_join(const char *base, const char *file)
{
	size_t n = strlen(base);
	return xasprintf("%s%s%s", base, n && base[n - 1] == '/' ? "" : "/", file);
}

char *remote_file_url(const struct remote *r, const char *file)
{
	return url_join(r->url, file);
}

/* Fetch url/file (capped at max bytes) to dir/.fetch-file: a fixed name
 * (the caller holds the root's lock), fetched afresh (an index is never
 * resumed: that could splice two versions) and never left behind partial. */
static char *fetch_ex(const char *url, const char *file, const char *dir, uint64_t max,
		      const char *sha)
{
	char *src = url_join(url, file);
	char *dest = xasprintf("%s/.fetch-%s", dir, file);
	if (transport_get_ex(src, dest, max, sha, TRANSPORT_FRESH) < 0) {
		free(dest);
		dest = NULL;
	}
	free(src);
	return dest;
}

/* url/file's bytes: a local repository's read straight into memory (no
 * temp file), another's fetched to dir/.fetch-file, read and removed. */
static int fetch_data(const char *url, const char *file, const char *dir, uint64_t max,
		      const char *sha, char **data, size_t *len)
{
	char *src = url_join(url, file);
	int rc = transport_read_local(src, max, sha, data, len);
	free(src);
	if (rc != 1)
		return rc < 0 ? -1 : 0;
	char *p = fetch_ex(url, file, dir, max, sha);
	rc = p ? read_file(p, data, len) : -1;
	if (p)
		unlink(p);
	free(p);
	return rc;
}

/* The pin (as a mirror keeps what it mirrors): a configured URL stays the
 * repository it first served, so another validly signed repository (an
 * older "legacy" one, another arch) cannot be swapped in behind it; then
 * the version check: never older than the last index accepted. */
static int check_version(struct remote *r, struct db *db)
{
	char *key = xasprintf("%s/%s", r->name, r->arch);
	const char *pinned = db_pin(db, r->url);
	if (pinned && strcmp(pinned, key)) {
		kr_err("%s: serves repository %s, but this URL is pinned to %s (the repository it "
		       "served first): refused, a mix-and-match of repositories; if the change is "
		       "intended, remove the line 'pin %s %s' from %s/installed",
		       r->url, key, pinned, pinned, r->url, db->dir);
		free(key);
		return -1;
	}
	uint64_t last = db_repo_version(db, key);
	int rc = 0;
	if (r->version < last) {
		kr_err("%s: index version %llu of repository %s is older than version %llu "
		       "accepted "
		       "before: refused (a rollback)",
		       r->url, (unsigned long long)r->version, key, (unsigned long long)last);
		rc = -1;
	} else {
		db_set_repo_version(db, key, r->version);
		db_set_pin(db, r->url, key);
	}
	free(key);
	return rc;
}

/* The timestamp's version is kept as "NAME/ARCH#timestamp" beside the
 * index's: rollback protection for it too. */
static char *ts_key(const char *name, const char *arch)
{
	return xasprintf("%s/%s#timestamp", name, arch);
}

/* Signature over the exact bytes, the parse, the expiry, the version. */
static int verify(struct remote *r, const struct keyring *kr, struct db *db, const char *idx,
		  size_t ilen, const char *sig, size_t slen, const char *sigsrc)
{
	struct index ix = {0};
	/* nothing in the index is looked at before its signature checks out */
	if (sign_verify(kr, idx, ilen, sig, slen, sigsrc, r->key_id) < 0 ||
	    index_parse(idx, ilen, INDEX_FILE, &ix) < 0) {
		kr_err_prefix("%s", r->url);
		return -1;
	}
	for (size_t i = 0; i < kr->n; i++)
		if (!strcmp(kr->v[i].id, r->key_id))
			r->key_path = xstrdup(kr->v[i].path);
	sha256_hex(idx, ilen, r->index_sha256);
	r->name = ix.name;
	r->arch = ix.arch;
	r->version = ix.version;
	r->expires = ix.expires;
	r->pkgs = ix.pkgs;
	r->n = ix.n;
	memcpy(r->feeds, ix.feeds, sizeof r->feeds);
	char *src = xasprintf("%s: index of repository %s version %llu", r->url, ix.name,
			      (unsigned long long)ix.version);
	int rc = index_check_expiry(&ix, time(NULL), src);
	free(src);
	return rc < 0 ? -1 : check_version(r, db);
}

static char *read_small(const char *path, size_t max, size_t *len)
{
	char *data = NULL;
	struct stat st;
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > max ||
	    read_file(path, &data, len) < 0)
		return NULL;
	return data;
}

/* What the last fetch of the timestamp told us for a conditional GET. */
static void cond_load(const char *cdir, struct transport_cond *c, char **etag)
{
	size_t len;
	char *p = cdir ? path_join(cdir, "timestamp.http") : NULL;
	char *d = p ? read_small(p, 512, &len) : NULL;
	*etag = NULL;
	if (d) {
		/* our own small file, but hostile like the rest of the cache:
		 * transport_get_cond sends only a printable one-line tag */
		char *nl = memchr(d, '\n', len);
		if (nl && !strncmp(d, "etag ", 5)) {
			*etag = xstrndup(d + 5, (size_t)(nl - d - 5));
			c->mtime = strtoll(nl + 1, NULL, 10);
		}
	}
	c->etag = *etag && **etag ? *etag : NULL;
	free(d);
	free(p);
}

struct tuf {
	struct timestamp ts;
	char *tsraw, *idx, *sig;
	size_t tslen, slen;
	int idx_cached, sig_cached;
	struct transport_cond cond;
};

/* The index the timestamp names: the cached one if it is that index (the
 * cache is checked like a download), else the delta from the cached one,
 * else INDEX.zst; each download capped at its signed size and checked
 * against its signed sha256 before it is decompressed. */
static int tuf_index(struct remote *r, struct tuf *u, const char *cdir, const char *dir)
{
	const struct timestamp *t = &u->ts;
	char *cpath = cdir ? path_join(cdir, INDEX_FILE) : NULL;
	size_t clen = 0;
	char *cached = cpath ? read_small(cpath, INDEX_MAX_BYTES, &clen) : NULL;
	char hex[SHA256_HEX_LEN + 1] = "";
	int rc = -1;
	if (cached)
		sha256_hex(cached, clen, hex);
	free(cpath);
	if (cached && clen == t->index_size && !strcmp(hex, t->index_sha256)) {
		u->idx = cached;
		u->idx_cached = 1;
		return 0;
	}
	int delta = cached && t->delta_size && !strcmp(hex, t->delta_from);
	char *file = delta ? index_delta_name(t->delta_from) : xstrdup(INDEX_ZST_FILE);
	char *src = url_join(r->url, file), *z = NULL;
	size_t zlen;
	if (fetch_data(r->url, file, dir, delta ? t->delta_size : t->zst_size,
		       delta ? t->delta_sha256 : t->zst_sha256, &z, &zlen) == 0 &&
	    zst_decompress(z, zlen, delta ? cached : NULL, delta ? clen : 0, t->index_size, src,
			   &u->idx) == 0) {
		sha256_hex(u->idx, t->index_size, hex);
		if (strcmp(hex, t->index_sha256))
			kr_err("%s: decompresses to sha256 %s, the timestamp names %s: refused",
			       src, hex, t->index_sha256);
		else
			rc = 0;
	}
	free(z);
	free(src);
	free(file);
	free(cached);
	return rc;
}

/* The signature: the cached one while the index is the cached one and it
 * still verifies, else fetched. */
static int tuf_sig(struct remote *r, struct tuf *u, const struct keyring *kr, const char *cdir,
		   const char *dir)
{
	if (u->idx_cached) {
		char *p = path_join(cdir, INDEX_SIG_FILE);
		u->sig = read_small(p, SIG_MAX_BYTES, &u->slen);
		free(p);
		if (u->sig && sign_verify(kr, u->idx, u->ts.index_size, u->sig, u->slen, "cache",
					  NULL) == 0) {
			u->sig_cached = 1;
			return 0;
		}
		free(u->sig);
		u->sig = NULL;
	}
	return fetch_data(r->url, INDEX_SIG_FILE, dir, SIG_MAX_BYTES, NULL, &u->sig, &u->slen);
}

/* Returns 1 when url publishes no timestamp (an older repository). */
static int tuf_open(struct remote *r, const struct keyring *kr, struct db *db, const char *dir,
		    int no_cache, struct tuf *u)
{
	const char *pinned = db_pin(db, r->url);
	char *cdir = pinned && !no_cache ? path_join(dir, pinned) : NULL, *etag = NULL;
	char *tsurl = url_join(r->url, TIMESTAMP_FILE);
	char *dest = xasprintf("%s/.fetch-%s", dir, TIMESTAMP_FILE);
	int rc = -1;
	cond_load(cdir, &u->cond, &etag);
	/* a local repository's straight into memory (no temp file, no 304) */
	int t = transport_read_local(tsurl, TIMESTAMP_MAX_BYTES, NULL, &u->tsraw, &u->tslen);
	int local = t != 1;
	if (!local)
		t = transport_get_cond(tsurl, dest, TIMESTAMP_MAX_BYTES, NULL, TRANSPORT_FRESH,
				       &u->cond);
	if (!local && t == 1) { /* 304: the cached copy, verified below like a download */
		char *p = path_join(cdir, TIMESTAMP_FILE);
		u->tsraw = read_small(p, TIMESTAMP_MAX_BYTES, &u->tslen);
		free(p);
		if (!u->tsraw) { /* cache damaged: once more, unconditionally */
			u->cond.etag = NULL;
			u->cond.mtime = 0;
			t = transport_get_cond(tsurl, dest, TIMESTAMP_MAX_BYTES, NULL,
					       TRANSPORT_FRESH, &u->cond);
		}
	}
	if (t == -2) {
		char *key = pinned ? xasprintf("%s#timestamp", pinned) : NULL;
		if (key && db_repo_version(db, key)) {
			kr_err_prefix("%s: refused: this repository published a timestamp before "
				      "(version %llu accepted), a downgrade to the index alone",
				      r->url, (unsigned long long)db_repo_version(db, key));
		} else {
			rc = 1;
		}
		free(key);
		goto out;
	}
	if (t < 0 || (t == 0 && !local && read_file(dest, &u->tsraw, &u->tslen) < 0))
		goto out;
	if (timestamp_verify(kr, u->tsraw, u->tslen, tsurl, time(NULL), &u->ts) < 0) {
		/* a 304 for a cached copy that no longer verifies: the cache is
		 * hostile too; fetch the file itself once (and verify that) */
		if (local || t != 1)
			goto out;
		free(u->tsraw);
		u->tsraw = NULL;
		u->cond.etag = NULL;
		u->cond.mtime = 0;
		if (transport_get_cond(tsurl, dest, TIMESTAMP_MAX_BYTES, NULL, TRANSPORT_FRESH,
				       &u->cond) != 0 ||
		    read_file(dest, &u->tsraw, &u->tslen) < 0 ||
		    timestamp_verify(kr, u->tsraw, u->tslen, tsurl, time(NULL), &u->ts) < 0)
			goto out;
	}
	char *key = ts_key(u->ts.name, u->ts.arch);
	uint64_t last = db_repo_version(db, key);
	if (u->ts.version < last)
		kr_err("%s: timestamp version %llu of repository %s/%s is older than version %llu "
		       "accepted before: refused (a rollback)",
		       tsurl, (unsigned long long)u->ts.version, u->ts.name, u->ts.arch,
		       (unsigned long long)last);
	free(key);
	if (u->ts.version < last)
		goto out;
	/* the cache of the repository the timestamp names (pin checked below) */
	free(cdir);
	cdir = no_cache ? NULL : xasprintf("%s/%s/%s", dir, u->ts.name, u->ts.arch);
	if (tuf_index(r, u, cdir, dir) < 0 || tuf_sig(r, u, kr, cdir, dir) < 0)
		goto out;
	rc = 0;
out:
	unlink(dest);
	free(dest);
	free(tsurl);
	free(cdir);
	free(etag);
	return rc;
}

/* Keep the verified files as DIR/NAME/ARCH/{INDEX,INDEX.sig,timestamp}:
 * replaced atomically but never synced, as the cache is checked again on
 * every use and what a power loss tears is fetched again. */
static int cache_write(const char *d, const char *name, const char *data, size_t len)
{
	char *p = path_join(d, name);
	int rc = write_file_replace(p, data, len, 0644);
	free(p);
	return rc;
}

static int tuf_cache(struct remote *r, struct tuf *u, const char *dir)
{
	char *d = xasprintf("%s/%s/%s", dir, r->name, r->arch);
	int rc = mkdir_p(d, 0755);
	if (rc == 0 && !u->idx_cached)
		rc = cache_write(d, INDEX_FILE, u->idx, u->ts.index_size);
	if (rc == 0 && !u->sig_cached)
		rc = cache_write(d, INDEX_SIG_FILE, u->sig, u->slen);
	if (rc == 0)
		rc = cache_write(d, TIMESTAMP_FILE, u->tsraw, u->tslen);
	if (rc == 0) {
		char *h = xasprintf("etag %s\n%lld\n", u->cond.etag_out, u->cond.mtime_out);
		rc = cache_write(d, "timestamp.http", h, strlen(h));
		free(h);
	}
	if (rc < 0)
		kr_err_prefix("%s: cannot cache the index", d);
	free(d);
	return rc;
}

/* An older repository: INDEX and INDEX.sig, fetched whole. */
static int legacy_open(struct remote *r, const struct keyring *kr, struct db *db, const char *dir,
		       int no_cache)
{
	char *idx = NULL, *sig = NULL, *sigsrc = url_join(r->url, INDEX_SIG_FILE);
	size_t ilen, slen;
	int rc = -1;
	if (fetch_data(r->url, INDEX_FILE, dir, INDEX_MAX_BYTES, NULL, &idx, &ilen) == 0 &&
	    fetch_data(r->url, INDEX_SIG_FILE, dir, SIG_MAX_BYTES, NULL, &sig, &slen) == 0)
		rc = verify(r, kr, db, idx, ilen, sig, slen, sigsrc);
	if (rc == 0 && !no_cache) {
		char *d = xasprintf("%s/%s/%s", dir, r->name, r->arch);
		rc = mkdir_p(d, 0755);
		if (rc == 0)
			rc = cache_write(d, INDEX_FILE, idx, ilen);
		if (rc == 0)
			rc = cache_write(d, INDEX_SIG_FILE, sig, slen);
		free(d);
	}
	free(sigsrc);
	free(idx);
	free(sig);
	return rc;
}

int remote_open(struct remote *r, const char *url, const char *keys, struct db *db, const char *dir,
		int no_cache)
{
	memset(r, 0, sizeof *r);
	/* one spelling per URL for the pin: "http://h/repo/" is "http://h/repo" */
	size_t n = strlen(url);
	while (n > 1 && url[n - 1] == '/' && !(n >= 3 && !strncmp(url + n - 3, "://", 3)))
		n--;
	r->url = xstrndup(url, n);
	if (strpbrk(r->url, "\n\t\r")) {
		kr_err("repository URL with a newline, tab or CR refused");
		remote_free(r);
		return -1;
	}
	struct keyring kr;
	if (keyring_load(&kr, keys) < 0) {
		remote_free(r);
		return -1;
	}
	struct tuf u = {0};
	int rc = tuf_open(r, &kr, db, dir, no_cache, &u);
	if (rc == 1) {
		rc = legacy_open(r, &kr, db, dir, no_cache);
	} else if (rc == 0) {
		char *sigsrc = url_join(r->url, INDEX_SIG_FILE);
		rc = verify(r, &kr, db, u.idx, u.ts.index_size, u.sig, u.slen, sigsrc);
		free(sigsrc);
		/* the timestamp and the index it names agree on what they say */
		if (rc == 0 && (strcmp(u.ts.name, r->name) || strcmp(u.ts.arch, r->arch) ||
				u.ts.index_version != r->version ||
				u.ts.index_expires != (time_t)r->expires)) {
			kr_err("%s: the timestamp names index %s/%s version %llu, the index is "
			       "%s/%s version %llu: refused",
			       r->url, u.ts.name, u.ts.arch, (unsigned long long)u.ts.index_version,
			       r->name, r->arch, (unsigned long long)r->version);
			rc = -1;
		}
		if (rc == 0) {
			char *key = ts_key(r->name, r->arch);
			db_set_repo_version(db, key, u.ts.version);
			free(key);
		}
		if (rc == 0 && !no_cache)
			rc = tuf_cache(r, &u, dir);
	}
	keyring_free(&kr);
	timestamp_free(&u.ts);
	free(u.tsraw);
	free(u.idx);
	free(u.sig);
	if (rc < 0)
		remote_free(r); /* the url and any index parsed before a refusal */
	return rc;
}

void remote_free(struct remote *r)
{
	struct index ix = {.name = r->name,
			   .arch = r->arch,
			   .version = r->version,
			   .expires = (time_t)r->expires,
			   .pkgs = r->pkgs,
			   .n = r->n,
			   .cap = r->n};
	index_free(&ix);
	free(r->url);
	free(r->key_path);
	memset(r, 0, sizeof *r);
}

char *remote_fetch_pkg(const struct remote *r, const struct pkginfo *p, const char *dir)
{
	char *d = xasprintf("%s/%s/%s", dir, r->name, r->arch);
	char *dest = path_join(d, p->file);
	char sha[SHA256_HEX_LEN + 1];
	uint64_t size;
	int rc = mkdir_p(d, 0755);
	free(d);
	/* A cached copy is used only when it still matches the index. */
	if (rc == 0 && path_exists(dest) && sha256_file(dest, sha, &size) == 0 && size == p->size &&
	    !strcmp(sha, p->sha256))
		return dest;
	char *url = url_join(r->url, p->file);
	/* no partial download survives a failed run: no resuming here */
	if (rc == 0)
		rc = transport_get_ex(url, dest, p->size, p->sha256, TRANSPORT_FRESH);
	free(url);
	if (rc < 0) {
		free(dest);
		return NULL;
	}
	return dest;
}

int remote_read_pkg(const struct remote *r, const struct pkginfo *p, char **data, size_t *len,
		    char **name)
{
	char *url = url_join(r->url, p->file);
	int rc = transport_read_local(url, p->size, p->sha256, data, len);
	if (rc == 0)
		*name = url;
	else
		free(url);
	return rc == 1 ? 1 : rc < 0 ? -1 : 0;
}

int remote_fetch_feed(const struct remote *r, int which, const char *dir)
{
	const struct index_feed *f = &r->feeds[which];
	if (!f->size)
		return 1;
	char *d = xasprintf("%s/%s/%s", dir, r->name, r->arch);
	char *dest = path_join(d, index_feed_files[which]);
	char sha[SHA256_HEX_LEN + 1];
	uint64_t size;
	int rc = mkdir_p(d, 0755);
	free(d);
	if (rc == 0 && path_exists(dest) && sha256_file(dest, sha, &size) == 0 && size == f->size &&
	    !strcmp(sha, f->sha256)) {
		free(dest);
		return 0;
	}
	char *url = url_join(r->url, index_feed_files[which]);
	if (rc == 0 && transport_get_ex(url, dest, f->size, f->sha256, TRANSPORT_FRESH) < 0) {
		kr_err_prefix("%s: security feed refused (the signed index names %llu bytes "
			      "with sha256 %.16s...)",
			      url, (unsigned long long)f->size, f->sha256);
		rc = -1;
	}
	free(url);
	free(dest);
	return rc;
}
