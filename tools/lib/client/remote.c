/* remote.c - see remote.h */
#include "remote.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "index.h"
#include "repo.h"
#include "sign.h"
#include "transport.h"

static char *url_join(const char *base, const char *file)
{
	size_t n = strlen(base);
	return xasprintf("%s%s%s", base, n && base[n - 1] == '/' ? "" : "/", file);
}

/* Fetch url/file (capped at max bytes) to dir/.fetch-file: a fixed name
 * (the caller holds the root's lock), fetched afresh (an index is never
 * resumed: that could splice two versions) and never left behind partial. */
static char *fetch(const char *url, const char *file, const char *dir, uint64_t max)
{
	char *src = url_join(url, file);
	char *dest = xasprintf("%s/.fetch-%s", dir, file);
	if (transport_get_ex(src, dest, max, NULL, TRANSPORT_FRESH) < 0) {
		free(dest);
		dest = NULL;
	}
	free(src);
	return dest;
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

/* Signature over the exact bytes, the parse, the expiry, the version. */
static int verify(struct remote *r, const char *keys, struct db *db, const char *itmp,
		  const char *stmp)
{
	struct keyring kr;
	if (keyring_load(&kr, keys) < 0)
		return -1;
	struct index ix = {0};
	char *raw = NULL;
	size_t rawlen = 0;
	int rc = repo_read_verified(itmp, stmp, &kr, &ix, &raw, &rawlen, r->key_id);
	for (size_t i = 0; rc == 0 && i < kr.n; i++)
		if (!strcmp(kr.v[i].id, r->key_id))
			r->key_path = xstrdup(kr.v[i].path);
	keyring_free(&kr);
	if (rc < 0) {
		kr_err_prefix("%s", r->url);
		return -1;
	}
	sha256_hex(raw, rawlen, r->index_sha256);
	free(raw);
	r->name = ix.name;
	r->arch = ix.arch;
	r->version = ix.version;
	r->expires = ix.expires;
	r->pkgs = ix.pkgs;
	r->n = ix.n;
	char *src = xasprintf("%s: index of repository %s version %llu", r->url, ix.name,
			      (unsigned long long)ix.version);
	rc = index_check_expiry(&ix, time(NULL), src);
	free(src);
	return rc < 0 ? -1 : check_version(r, db);
}

/* Keep the verified index and signature as DIR/NAME/ARCH/INDEX{,.sig}. */
static int cache(struct remote *r, const char *dir, const char *itmp, const char *stmp)
{
	char *d = xasprintf("%s/%s/%s", dir, r->name, r->arch);
	char *i = path_join(d, INDEX_FILE), *s = path_join(d, INDEX_SIG_FILE);
	int rc = mkdir_p(d, 0755);
	if (rc == 0 && (rename(stmp, s) < 0 || rename(itmp, i) < 0)) {
		kr_err("%s: cannot cache the index: %s", d, strerror(errno));
		rc = -1;
	}
	if (rc == 0)
		rc = fsync_dir(d);
	free(d);
	free(i);
	free(s);
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
	char *itmp = fetch(url, INDEX_FILE, dir, INDEX_MAX_BYTES);
	char *stmp = itmp ? fetch(url, INDEX_SIG_FILE, dir, SIG_MAX_BYTES) : NULL;
	int rc = itmp && stmp ? verify(r, keys, db, itmp, stmp) : -1;
	if (rc == 0 && !no_cache)
		rc = cache(r, dir, itmp, stmp);
	if (itmp)
		unlink(itmp);
	if (stmp)
		unlink(stmp);
	free(itmp);
	free(stmp);
	if (rc < 0)
		remote_free(r); /* the url and any index parsed before a refusal */
	return rc;
}

void remote_free(struct remote *r)
{
	struct index ix = {r->name, r->arch, r->version, (time_t)r->expires, r->pkgs, r->n, r->n};
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
