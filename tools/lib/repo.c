/* repo.c - see repo.h */
#include "repo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "index.h"
#include "sign.h"
#include "transport.h"

/* Caps on what a server may send before it is verified (endless data). */
#define INDEX_MAX ((uint64_t)256 << 20)
#define SIG_MAX ((uint64_t)4096)

static char *url_join(const char *base, const char *file)
{
	size_t n = strlen(base);
	return xasprintf("%s%s%s", base, n && base[n - 1] == '/' ? "" : "/", file);
}

/* Fetch url/file to dir/.fetch-PID-file and read it in. */
static char *fetch(const char *url, const char *file, const char *dir, uint64_t max, char **data,
		   size_t *len)
{
	char *src = url_join(url, file);
	char *dest = xasprintf("%s/.fetch-%ld-%s", dir, (long)getpid(), file);
	*data = NULL;
	if (transport_get(src, dest, max, NULL) < 0 || read_file(dest, data, len) < 0) {
		unlink(dest);
		free(dest);
		dest = NULL;
	}
	free(src);
	return dest;
}

static int check_fresh(const struct repo *r, const struct db *db, const char *key)
{
	time_t now = time(NULL);
	char when[21];
	rfc3339_format((time_t)r->expires, when);
	if ((time_t)r->expires <= now) {
		kr_err("%s: index of repository %s (version %llu) expired at %s: refused (a stale or "
		       "frozen repository)",
		       r->url, r->name, (unsigned long long)r->version, when);
		return -1;
	}
	uint64_t last = db_repo_version(db, key);
	if (r->version < last) {
		kr_err("%s: index version %llu of repository %s is older than version %llu accepted "
		       "before: refused (a rollback)",
		       r->url, (unsigned long long)r->version, key, (unsigned long long)last);
		return -1;
	}
	return 0;
}

/* Signature over the exact bytes, then the parse, then freshness. */
static int verify(struct repo *r, const char *keys, struct db *db, const char *idx, size_t ilen,
		  const char *sig, size_t slen)
{
	struct keyring kr;
	if (keyring_load(&kr, keys) < 0)
		return -1;
	char *src = url_join(r->url, INDEX_SIG_FILE);
	int rc = sign_verify(&kr, idx, ilen, sig, slen, src, NULL);
	keyring_free(&kr);
	free(src);
	if (rc < 0)
		return -1;
	struct index ix = {0};
	src = url_join(r->url, INDEX_FILE);
	rc = index_parse(idx, ilen, src, &ix);
	free(src);
	if (rc < 0)
		return -1;
	r->name = ix.name;
	r->arch = ix.arch;
	r->version = ix.version;
	r->expires = ix.expires;
	r->pkgs = ix.pkgs;
	r->n = ix.n;
	char *key = xasprintf("%s/%s", r->name, r->arch);
	rc = check_fresh(r, db, key);
	if (rc == 0)
		db_set_repo_version(db, key, r->version);
	free(key);
	return rc;
}

/* Keep the verified index and signature as CACHE/NAME/ARCH/INDEX{,.sig}. */
static int cache(struct repo *r, const char *dir, const char *idx_tmp, const char *sig_tmp)
{
	char *d = xasprintf("%s/%s/%s", dir, r->name, r->arch);
	char *i = path_join(d, INDEX_FILE), *s = path_join(d, INDEX_SIG_FILE);
	int rc = mkdir_p(d, 0755);
	if (rc == 0 && (rename(sig_tmp, s) < 0 || rename(idx_tmp, i) < 0)) {
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

int repo_open(struct repo *r, const char *url, const char *keys, struct db *db,
	      const char *dir, int no_cache)
{
	memset(r, 0, sizeof *r);
	r->url = xstrdup(url);
	char *idx = NULL, *sig = NULL;
	size_t ilen = 0, slen = 0;
	char *itmp = fetch(url, INDEX_FILE, dir, INDEX_MAX, &idx, &ilen);
	char *stmp = itmp ? fetch(url, INDEX_SIG_FILE, dir, SIG_MAX, &sig, &slen) : NULL;
	int rc = itmp && stmp ? verify(r, keys, db, idx, ilen, sig, slen) : -1;
	if (rc == 0 && !no_cache)
		rc = cache(r, dir, itmp, stmp);
	if (itmp)
		unlink(itmp);
	if (stmp)
		unlink(stmp);
	free(itmp);
	free(stmp);
	free(idx);
	free(sig);
	return rc;
}

void repo_free(struct repo *r)
{
	struct index ix = {r->name, r->arch, r->version, (time_t)r->expires, r->pkgs, r->n, r->n};
	index_free(&ix);
	free(r->url);
	memset(r, 0, sizeof *r);
}

char *repo_fetch_pkg(const struct repo *r, const struct pkginfo *p, const char *dir)
{
	char *d = xasprintf("%s/%s/%s", dir, r->name, r->arch);
	char *dest = path_join(d, p->file);
	char sha[SHA256_HEX_LEN + 1];
	uint64_t size;
	int rc = mkdir_p(d, 0755);
	free(d);
	/* A cached copy is used only when it still matches the index. */
	if (rc == 0 && path_exists(dest) && sha256_file(dest, sha, &size) == 0 &&
	    size == p->size && !strcmp(sha, p->sha256))
		return dest;
	char *url = url_join(r->url, p->file);
	if (rc == 0)
		rc = transport_get(url, dest, p->size, p->sha256);
	free(url);
	if (rc < 0) {
		free(dest);
		return NULL;
	}
	return dest;
}
