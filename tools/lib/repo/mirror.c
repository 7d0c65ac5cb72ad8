/* mirror.c - see mirror.h */
#include "mirror.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "repo.h"
#include "transport.h"
#include "tuf.h"

#define RETAINED_NOTE ".retained"

struct retained {
	struct strlist lines; /* "SHA256 DROPPED-EPOCH FILE", sorted by FILE */
};

struct sync {
	const struct mirror_opts *o;
	struct mirror_stats *st;
	char *state, *staging, *pool;
	struct index nix, cix;	  /* new (from SRC) and current (DST) */
	struct strlist new_files; /* nix's file names, sorted for lookups */
	int have_cur;
	char *raw, *sig;
	size_t rawlen, siglen;
	/* the timestamp, INDEX.zst and the delta, when SRC publishes them */
	int has_ts;
	struct timestamp ts;
	char *tsraw, *zst, *delta, *dname;
	size_t tslen, zstlen, deltalen;
	struct strlist prov_names, prov_targets; /* provenance carried, by pool sha */
	char *feeds[FEED_N];			 /* the security feeds the index names */
	size_t feedlen[FEED_N];
};

static char *src_url(const char *src, const char *file)
{
	return xasprintf("%s%s%s", src, str_ends(src, "/") ? "" : "/", file);
}

/* The timestamp's own rollback and downgrade checks against DST's copy. */
static int check_timestamp(struct sync *s)
{
	char *path = path_join(s->o->dst, TIMESTAMP_FILE), *data = NULL;
	size_t len;
	struct stat st;
	int rc = 0;
	if (stat(path, &st) < 0 && errno == ENOENT) {
		free(path);
		return 0;
	}
	struct timestamp cur;
	struct sig_envelope env;
	size_t body;
	if (read_file(path, &data, &len) < 0 ||
	    timestamp_parse(data, len, path, &cur, &env, &body) < 0) {
		kr_err_prefix("cannot read DST's current timestamp");
		free(path);
		free(data);
		return -1;
	}
	if (s->has_ts && (strcmp(s->ts.name, cur.name) || strcmp(s->ts.arch, cur.arch))) {
		kr_err("%s: offers repository %s/%s but %s mirrors %s/%s, refused", s->o->src,
		       s->ts.name, s->ts.arch, s->o->dst, cur.name, cur.arch);
		rc = -1;
	} else if (!s->has_ts) {
		kr_err("%s: publishes no timestamp, but %s has one (version %" PRIu64
		       "): refused, a downgrade to the index alone",
		       s->o->src, s->o->dst, cur.version);
		rc = -1;
	} else if (s->ts.version < cur.version) {
		kr_err("%s: timestamp rollback refused: offers timestamp version %" PRIu64
		       ", %s already has %" PRIu64,
		       s->o->src, s->ts.version, s->o->dst, cur.version);
		rc = -1;
	} else if (s->ts.version == cur.version &&
		   (len != s->tslen || memcmp(data, s->tsraw, len))) {
		kr_err("%s: refused: timestamp version %" PRIu64
		       " differs from %s's copy of the same version",
		       s->o->src, s->ts.version, s->o->dst);
		rc = -1;
	}
	timestamp_free(&cur);
	free(data);
	free(path);
	return rc;
}

/* Fetch SRC/file into staging (fresh, capped, hash-checked if sha) and
 * read it; -2 when SRC has no such file. */
static int fetch_small(struct sync *s, const char *file, uint64_t max, const char *sha, char **data,
		       size_t *len)
{
	char *u = src_url(s->o->src, file), *p = path_join(s->staging, file);
	int rc = transport_get_ex(u, p, max, sha, TRANSPORT_FRESH);
	if (rc == 0)
		rc = read_file(p, data, len);
	free(u);
	free(p);
	return rc;
}

/* The timestamp names INDEX.zst by size and sha256 (so a bomb or a
 * truncated file never reaches the decompressor), INDEX.zst gives INDEX,
 * whose own signature is checked as always. */
static int fetch_tuf(struct sync *s)
{
	const struct timestamp *t = &s->ts;
	char *src = src_url(s->o->src, INDEX_ZST_FILE);
	int rc = -1;
	if (fetch_small(s, INDEX_ZST_FILE, t->zst_size, t->zst_sha256, &s->zst, &s->zstlen) < 0 ||
	    zst_decompress(s->zst, s->zstlen, NULL, 0, t->index_size, src, &s->raw) < 0)
		goto out;
	s->rawlen = t->index_size;
	char hex[SHA256_HEX_LEN + 1];
	sha256_hex(s->raw, s->rawlen, hex);
	if (strcmp(hex, t->index_sha256)) {
		kr_err("%s: decompresses to sha256 %s, the timestamp names %s: refused", src, hex,
		       t->index_sha256);
		goto out;
	}
	if (t->delta_size) {
		s->dname = index_delta_name(t->delta_from);
		if (fetch_small(s, s->dname, t->delta_size, t->delta_sha256, &s->delta,
				&s->deltalen) < 0)
			goto out;
	}
	rc = 0;
out:
	free(src);
	return rc;
}

static int fetch_index(struct sync *s)
{
	char *iu = src_url(s->o->src, INDEX_FILE);
	char *ip = path_join(s->staging, INDEX_FILE), *sp = path_join(s->staging, INDEX_SIG_FILE);
	char *tu = src_url(s->o->src, TIMESTAMP_FILE);
	int rc = -1;
	/* fresh every time: a resumed index could splice two versions */
	if (rm_rf(s->staging) < 0 || mkdir_p(s->staging, 0755) < 0)
		goto out;
	int t = fetch_small(s, TIMESTAMP_FILE, TIMESTAMP_MAX_BYTES, NULL, &s->tsraw, &s->tslen);
	if (t == -1)
		goto out;
	s->has_ts = t == 0;
	if (s->has_ts &&
	    timestamp_verify(s->o->keys, s->tsraw, s->tslen, tu, s->o->now, &s->ts) < 0) {
		kr_err_prefix("%s: new index refused", s->o->src);
		goto out;
	}
	/* the timestamp's checks come before any index file is fetched */
	if (check_timestamp(s) < 0)
		goto out;
	if (s->has_ts) {
		if (fetch_tuf(s) < 0) {
			kr_err_prefix("%s: new index refused", s->o->src);
			goto out;
		}
		if (write_file_atomic(ip, s->raw, s->rawlen, 0644) < 0)
			goto out;
	} else if (transport_get(iu, ip, INDEX_MAX_BYTES, NULL) < 0) {
		goto out;
	}
	if (fetch_small(s, INDEX_SIG_FILE, SIG_MAX_BYTES, NULL, &s->sig, &s->siglen) < 0)
		goto out;
	free(s->raw);
	s->raw = NULL;
	if (repo_read_verified(ip, sp, s->o->keys, &s->nix, &s->raw, &s->rawlen, NULL) < 0 ||
	    index_check_expiry(&s->nix, s->o->now, iu) < 0) {
		kr_err_prefix("%s: new index refused", s->o->src);
		goto out;
	}
	/* the timestamp and the index it names must agree on what they say */
	if (s->has_ts &&
	    (strcmp(s->ts.name, s->nix.name) || strcmp(s->ts.arch, s->nix.arch) ||
	     s->ts.index_version != s->nix.version || s->ts.index_expires != s->nix.expires)) {
		kr_err("%s: the timestamp names index %s/%s version %" PRIu64
		       ", the index is %s/%s version %" PRIu64 ": refused",
		       s->o->src, s->ts.name, s->ts.arch, s->ts.index_version, s->nix.name,
		       s->nix.arch, s->nix.version);
		goto out;
	}
	rc = 0;
out:
	free(iu);
	free(tu);
	free(ip);
	free(sp);
	return rc;
}

/* The security feeds travel with the index that names them: each fetched
 * capped at its signed size and checked against its signed sha256. */
static int fetch_feeds(struct sync *s)
{
	for (int f = 0; f < FEED_N; f++) {
		const struct index_feed *x = &s->nix.feeds[f];
		if (x->size && fetch_small(s, index_feed_files[f], x->size, x->sha256, &s->feeds[f],
					   &s->feedlen[f]) < 0) {
			kr_err_prefix("%s: security feed %s refused", s->o->src,
				      index_feed_files[f]);
			return -1;
		}
	}
	return 0;
}

/* Refuse rollback, replay of a different same-version index, and a
 * different repository; the current index is our own verified copy. */
static int check_against_current(struct sync *s)
{
	char *path = path_join(s->o->dst, INDEX_FILE), *data = NULL;
	size_t len;
	int rc = -1;
	struct stat st;
	/* none yet, or a first sync was killed before its switch (dangling link) */
	if (stat(path, &st) < 0 && errno == ENOENT) {
		free(path);
		return 0;
	}
	if (read_file(path, &data, &len) < 0 || index_parse(data, len, path, &s->cix) < 0) {
		kr_err_prefix("cannot read DST's current index");
		goto out;
	}
	s->have_cur = 1;
	s->st->previous = s->cix.version;
	if (strcmp(s->cix.name, s->nix.name) || strcmp(s->cix.arch, s->nix.arch))
		kr_err("%s: offers repository %s/%s but %s mirrors %s/%s, refused", s->o->src,
		       s->nix.name, s->nix.arch, s->o->dst, s->cix.name, s->cix.arch);
	else if (s->nix.version < s->cix.version)
		kr_err("%s: rollback refused: offers index version %" PRIu64
		       ", %s already has %" PRIu64,
		       s->o->src, s->nix.version, s->o->dst, s->cix.version);
	else if (s->nix.version == s->cix.version &&
		 (len != s->rawlen || memcmp(data, s->raw, len)))
		kr_err("%s: refused: index version %" PRIu64
		       " differs from %s's copy of the same version",
		       s->o->src, s->nix.version, s->o->dst);
	else
		rc = 0;
out:
	free(data);
	free(path);
	return rc;
}

/* Put the provenance file at path into the pool under its own sha256. */
static int pool_provenance(struct sync *s, const char *name, const char *path, int move)
{
	char hex[SHA256_HEX_LEN + 1];
	uint64_t size;
	if (sha256_file(path, hex, &size) < 0)
		return -1;
	char *blob = path_join(s->pool, hex);
	int rc = 0;
	if (move && rename(path, blob) < 0) {
		kr_err("%s: cannot move into the pool: %s", blob, strerror(errno));
		rc = -1;
	}
	free(blob);
	if (rc == 0) {
		sl_push(&s->prov_names, name);
		sl_push(&s->prov_targets, hex);
	}
	return rc;
}

/* The build provenance beside a package travels with it: fetched with
 * the package (optional: a repository may have none), checked to name
 * exactly that package and sha256; kept from the current snapshot while
 * the package is unchanged. */
static int carry_provenance(struct sync *s, const struct pkginfo *p, const char *cursnap)
{
	char *name = repo_provenance_name(p->file), *path = NULL, *msg = NULL;
	int rc = 0;
	if (!name)
		return 0;
	const struct pkginfo *old = s->have_cur ? index_find_file(&s->cix, p->file) : NULL;
	if (old && !strcmp(old->sha256, p->sha256)) {
		/* served already: keep what the current snapshot has (a package
		 * served without one is not asked for again on every sync) */
		path = cursnap ? path_join(cursnap, name) : NULL;
		if (path && path_exists(path))
			rc = pool_provenance(s, name, path, 0);
	} else {
		char *url = src_url(s->o->src, name);
		path = path_join(s->staging, name);
		int t = transport_get_ex(url, path, PROVENANCE_MAX_BYTES, NULL, TRANSPORT_FRESH);
		free(url);
		if (t == 0 && (msg = repo_provenance_check(path, p)))
			rc = -1;
		else if (t == 0)
			rc = pool_provenance(s, name, path, 1);
		else if (t == -1)
			rc = -1;
		if (msg)
			kr_err("%s", msg);
	}
	if (rc < 0)
		kr_err_prefix("%s: provenance refused", s->o->src);
	free(msg);
	free(path);
	free(name);
	return rc;
}

static int fetch_packages(struct sync *s)
{
	char *cursnap = repo_current_snapshot(s->o->dst);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < s->nix.n; i++) {
		const struct pkginfo *p = &s->nix.pkgs[i];
		char *blob = path_join(s->pool, p->sha256);
		struct stat st;
		if (stat(blob, &st) == 0 && (uint64_t)st.st_size == p->size) {
			s->st->reused++;
		} else {
			char *url = src_url(s->o->src, p->file);
			rc = transport_get(url, blob, p->size, p->sha256);
			free(url);
			s->st->fetched += rc == 0;
		}
		free(blob);
		if (rc < 0)
			kr_err_prefix("%s: package refused", p->file);
		else
			rc = carry_provenance(s, p, cursnap);
	}
	free(cursnap);
	return rc;
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Membership in a sorted list (10,000 packages make linear scans show). */
static int sorted_has(const struct strlist *l, const char *s)
{
	return l->n && bsearch(&s, l->v, l->n, sizeof *l->v, cmp_strp) != NULL;
}

static int in_new(const struct sync *s, const char *file)
{
	return sorted_has(&s->new_files, file);
}

/* A dropped package can stay only if its bytes are in the pool (a DST
 * that started as a plain copy has none) under a plain file name. */
static int retainable(const struct sync *s, const char *sha, const char *file)
{
	char *blob = path_join(s->pool, sha);
	int ok = path_exists(blob) && !strchr(file, '/') && file[0] != '.';
	free(blob);
	return ok;
}

/* Names the new index drops keep being served for the grace period. */
static void compute_retained(struct sync *s, struct retained *r)
{
	struct strlist files = STRLIST_INIT;
	for (size_t i = 0; s->have_cur && i < s->cix.n; i++) {
		const struct pkginfo *p = &s->cix.pkgs[i];
		if (!in_new(s, p->file) && retainable(s, p->sha256, p->file)) {
			sl_push_own(&r->lines, xasprintf("%s %lld %s", p->sha256,
							 (long long)s->o->now, p->file));
			sl_push(&files, p->file);
		}
	}
	char *snap = repo_current_snapshot(s->o->dst), *note = NULL;
	char *path = snap ? path_join(snap, RETAINED_NOTE) : NULL;
	size_t len;
	struct strlist old = STRLIST_INIT;
	if (path && read_file(path, &note, &len) == 0)
		sl_split(&old, note, "\n");
	for (size_t i = 0; i < old.n; i++) {
		char sha[65], file[4096];
		long long dropped;
		if (sscanf(old.v[i], "%64s %lld %4095s", sha, &dropped, file) != 3 ||
		    strlen(sha) != 64 || !is_hex(sha, 64))
			continue; /* our own file; a bad line only costs a retained name */
		if (in_new(s, file) || sl_has(&files, file) || dropped + s->o->grace <= s->o->now ||
		    !retainable(s, sha, file))
			continue;
		sl_push(&r->lines, old.v[i]);
		sl_push(&files, file);
	}
	sl_free(&old);
	sl_free(&files);
	free(note);
	free(path);
	free(snap);
	sl_sort(&r->lines);
}

static void add_link(struct repo_links *l, const char *file, const char *sha)
{
	sl_push(&l->names, file);
	sl_push_own(&l->targets, xasprintf("../../pool/%s", sha));
}

static int publish(struct sync *s, const struct retained *r, struct strlist *keep)
{
	struct repo_file files[3 + FEED_N] = {
		{TIMESTAMP_FILE, s->tsraw, s->tslen},
		{INDEX_ZST_FILE, s->zst, s->zstlen},
		{s->dname, s->delta, s->deltalen},
	};
	size_t nfiles = s->has_ts ? (s->dname ? 3u : 2u) : 0u;
	for (int f = 0; f < FEED_N; f++)
		if (s->feeds[f])
			files[nfiles++] =
				(struct repo_file){index_feed_files[f], s->feeds[f], s->feedlen[f]};
	struct repo_links l = {
		STRLIST_INIT, STRLIST_INIT, RETAINED_NOTE, NULL, 0, files, nfiles};
	struct sb nb = SB_INIT;
	for (size_t i = 0; i < r->lines.n; i++)
		sb_printf(&nb, "%s\n", r->lines.v[i]);
	char *note = sb_steal(&nb), hex[SHA256_HEX_LEN + 1], tag[48];
	struct hasher *h = hasher_new();
	for (size_t i = 0; i < s->nix.n; i++) {
		add_link(&l, s->nix.pkgs[i].file, s->nix.pkgs[i].sha256);
		sl_push(keep, s->nix.pkgs[i].sha256);
	}
	for (size_t i = 0; i < r->lines.n; i++) {
		char sha[65], file[4096];
		long long d;
		sscanf(r->lines.v[i], "%64s %lld %4095s", sha, &d, file);
		add_link(&l, file, sha);
		sl_push(keep, sha);
	}
	for (size_t i = 0; i < s->prov_names.n; i++) {
		add_link(&l, s->prov_names.v[i], s->prov_targets.v[i]);
		sl_push(keep, s->prov_targets.v[i]);
	}
	l.note = note;
	l.note_len = strlen(note);
	hasher_add(h, s->raw, s->rawlen);
	hasher_add(h, note, l.note_len);
	if (s->has_ts)
		hasher_add(h, s->tsraw, s->tslen);
	for (int f = 0; f < FEED_N; f++)
		if (s->feeds[f])
			hasher_add(h, s->feeds[f], s->feedlen[f]);
	for (size_t i = 0; i < s->prov_names.n; i++)
		hasher_adds(h, s->prov_targets.v[i]);
	hasher_end(h, hex);
	snprintf(tag, sizeof tag, "v%" PRIu64 "-%.16s", s->nix.version, hex);
	int rc = repo_publish(s->o->dst, tag, s->raw, s->rawlen, s->sig, s->siglen, &l);
	s->st->switched = rc == 1;
	sl_free(&l.names);
	sl_free(&l.targets);
	free(note);
	sl_sort(keep);
	return rc < 0 ? -1 : 0;
}

/* Forget pool blobs (and partial downloads) the served snapshot does not use. */
static void prune_pool(struct sync *s, const struct strlist *keep)
{
	struct strlist l = STRLIST_INIT;
	if (list_dir(s->pool, &l) < 0)
		return;
	for (size_t i = 0; i < l.n; i++) {
		char sha[65];
		snprintf(sha, sizeof sha, "%s", l.v[i]);
		if (sorted_has(keep, sha) && strlen(l.v[i]) == 64)
			continue;
		char *p = path_join(s->pool, l.v[i]);
		if (unlink(p) == 0 && strlen(l.v[i]) == 64)
			s->st->pruned++;
		free(p);
	}
	sl_free(&l);
}

int mirror_sync(const struct mirror_opts *o, struct mirror_stats *st)
{
	struct sync s = {
		.o = o, .st = st, .prov_names = STRLIST_INIT, .prov_targets = STRLIST_INIT};
	struct retained r = {STRLIST_INIT};
	struct strlist keep = STRLIST_INIT;
	int rc = -1;
	memset(st, 0, sizeof *st);
	s.state = path_join(o->dst, REPO_STATE);
	s.staging = path_join(s.state, "staging");
	s.pool = path_join(s.state, "pool");
	if (mkdir_p(s.pool, 0755) < 0 || fetch_index(&s) < 0 || check_against_current(&s) < 0 ||
	    fetch_feeds(&s) < 0 || fetch_packages(&s) < 0)
		goto out;
	for (size_t i = 0; i < s.nix.n; i++)
		sl_push(&s.new_files, s.nix.pkgs[i].file);
	sl_sort(&s.new_files);
	compute_retained(&s, &r);
	if (publish(&s, &r, &keep) < 0)
		goto out;
	prune_pool(&s, &keep);
	st->version = s.nix.version;
	st->packages = s.nix.n;
	st->retained = r.lines.n;
	rc = 0;
out:
	rm_rf(s.staging);
	sl_free(&r.lines);
	sl_free(&keep);
	sl_free(&s.new_files);
	index_free(&s.nix);
	index_free(&s.cix);
	free(s.raw);
	free(s.sig);
	free(s.tsraw);
	free(s.zst);
	free(s.delta);
	free(s.dname);
	for (int f = 0; f < FEED_N; f++)
		free(s.feeds[f]);
	timestamp_free(&s.ts);
	sl_free(&s.prov_names);
	sl_free(&s.prov_targets);
	free(s.state);
	free(s.staging);
	free(s.pool);
	return rc;
}
