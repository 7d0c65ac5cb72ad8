/* cachegc.c - see cachegc.h. */
#include "cachegc.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"

#define STALE_TEMP_S 3600

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* l sorted: a cache of 2,000 ports holds many thousand results */
static int in_sorted(const struct strlist *l, const char *s)
{
	return l->n && bsearch(&s, l->v, l->n, sizeof *l->v, cmp_str) != NULL;
}

static int is_key(const char *s)
{
	return strlen(s) == SHA256_HEX_LEN && is_hex(s, SHA256_HEX_LEN);
}

int cache_add_root(const char *cache_dir, const char *keys_file)
{
	char *abs = realpath(keys_file, NULL);
	if (!abs) {
		kr_err("%s: %s", keys_file, strerror(errno));
		return -1;
	}
	char id[SHA256_HEX_LEN + 1];
	sha256_hex(abs, strlen(abs), id);
	id[16] = 0;
	char *dir = path_join(cache_dir, "gcroots");
	char *link = path_join(dir, id);
	char *tmp = xasprintf("%s.tmp.%ld", link, (long)getpid());
	int rc = mkdir_p(dir, 0755);
	if (!rc) {
		char cur[4096];
		ssize_t n = readlink(link, cur, sizeof cur - 1);
		if (n > 0 && (size_t)n == strlen(abs) && !memcmp(cur, abs, (size_t)n))
			goto out; /* registered already */
		unlink(tmp);
		if (symlink(abs, tmp) < 0 || rename(tmp, link) < 0) {
			kr_err("%s: cannot register the GC root: %s", link, strerror(errno));
			unlink(tmp);
			rc = -1;
		}
	}
out:
	free(tmp);
	free(link);
	free(dir);
	free(abs);
	return rc;
}

/* Every key-looking first word of a keys file's lines. */
static void read_keys(const char *path, struct strlist *keys)
{
	char *data;
	size_t len;
	if (read_file(path, &data, &len) < 0)
		return;
	struct strlist lines = STRLIST_INIT;
	sl_split(&lines, data, "\n");
	for (size_t i = 0; i < lines.n; i++) {
		char *w = lines.v[i];
		w[strcspn(w, " \t")] = 0;
		if (is_key(w))
			sl_push(keys, w);
	}
	sl_free(&lines);
	free(data);
}

int cache_roots(const char *cache_dir, int dry_run, struct strlist *keys, size_t *roots,
		size_t *stale)
{
	char *dir = path_join(cache_dir, "gcroots");
	struct strlist l = STRLIST_INIT;
	*roots = *stale = 0;
	if (list_dir(dir, &l) < 0 && errno != ENOENT) {
		free(dir);
		return -1;
	}
	for (size_t i = 0; i < l.n; i++) {
		char *p = path_join(dir, l.v[i]);
		struct stat st;
		if (strstr(l.v[i], ".tmp.")) {
			/* a registration that died before its rename */
		} else if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
			read_keys(p, keys);
			(*roots)++;
		} else {
			(*stale)++;
			if (!dry_run)
				unlink(p);
		}
		free(p);
	}
	sl_free(&l);
	sl_sort(keys);
	sl_uniq(keys);
	if (*roots == 0) {
		kr_err("%s: no GC root is registered (each checkout registers its own when make "
		       "builds its graph: run `make graph` or any build there first); nothing removed",
		       dir);
		free(dir);
		return -1;
	}
	free(dir);
	return 0;
}

struct du {
	uint64_t bytes;
};

static int du_visit(const char *rel, const char *full, const struct stat *st, void *arg)
{
	(void)rel;
	(void)full;
	((struct du *)arg)->bytes += (uint64_t)st->st_blocks * 512;
	return 0;
}

static uint64_t disk_usage(const char *path)
{
	struct du d = {0};
	struct stat st;
	if (lstat(path, &st) == 0)
		d.bytes = (uint64_t)st.st_blocks * 512;
	if (S_ISDIR(st.st_mode))
		walk_tree(path, du_visit, &d);
	return d.bytes;
}

/* Rename path aside, then remove it: a reader sees it whole or not at
 * all. Counts its size into st. */
static int drop(const struct gc_opts *o, struct gc_stats *st, const char *path, const char *why)
{
	uint64_t n = disk_usage(path);
	if (o->log)
		fprintf(o->log, "%s %s (%s, %llu bytes)\n", o->dry_run ? "would remove" : "removed",
			path, why, (unsigned long long)n);
	st->bytes += n;
	if (o->dry_run)
		return 0;
	char *aside = xasprintf("%s.gc.%ld", path, (long)getpid());
	int rc = rename(path, aside) == 0 ? rm_rf(aside) : rm_rf(path);
	free(aside);
	return rc;
}

/* NAME.tmp.PID, NAME.bad.PID, NAME.gc.PID of a process that is gone. */
static int stale_temp(const struct gc_opts *o, const char *dir, const char *name)
{
	const char *dot = strrchr(name, '.');
	if (!dot || dot == name)
		return 0;
	size_t stem = (size_t)(dot - name);
	int kind = (stem > 4 && !memcmp(dot - 4, ".tmp", 4)) ||
		   (stem > 4 && !memcmp(dot - 4, ".bad", 4)) ||
		   (stem > 3 && !memcmp(dot - 3, ".gc", 3));
	char *end;
	long pid = strtol(dot + 1, &end, 10);
	if (!kind || *end || pid <= 0)
		return 0;
	if (kill((pid_t)pid, 0) == 0 || errno == EPERM)
		return 0;
	char *p = path_join(dir, name);
	struct stat st;
	int old = lstat(p, &st) == 0 && o->now - st.st_mtime > STALE_TEMP_S;
	free(p);
	return old;
}

static int gc_results(const struct gc_opts *o, const struct strlist *live, struct gc_stats *st,
		      struct strlist *gone)
{
	char *dir = path_join(o->cache_dir, "results");
	struct strlist l = STRLIST_INIT;
	int rc = 0;
	if (list_dir(dir, &l) < 0) {
		rc = errno == ENOENT ? 0 : -1;
		goto out;
	}
	for (size_t i = 0; i < l.n && !rc; i++) {
		const char *n = l.v[i];
		char *p = path_join(dir, n);
		if (is_key(n)) {
			if (in_sorted(live, n))
				st->results_kept++;
			else if ((rc = drop(o, st, p, "no root names its key")) == 0) {
				st->results_removed++;
				sl_push(gone, n);
			}
		} else if (stale_temp(o, dir, n)) {
			if ((rc = drop(o, st, p, "left by a build that no longer runs")) == 0)
				st->temps_removed++;
		}
		free(p);
	}
out:
	sl_free(&l);
	free(dir);
	return rc;
}

/* Why a store entry is garbage, or NULL. tc entries die with an input
 * (gone: the results this run removed, or would in a dry run). */
static const char *store_dead(const struct gc_opts *o, const char *kind, const char *edir,
			      const struct strlist *gone)
{
	static char why[160];
	char *done = path_join(edir, "done");
	struct stat st;
	const char *r = NULL;
	if (stat(done, &st) < 0)
		r = "unfinished";
	else if (o->now - st.st_mtime > o->store_days * 86400) {
		snprintf(why, sizeof why, "unused for %.0f days",
			 (double)(o->now - st.st_mtime) / 86400);
		r = why;
	}
	free(done);
	if (r || strcmp(kind, "tc"))
		return r;
	struct strlist in = STRLIST_INIT;
	char *inputs = path_join(edir, "inputs");
	read_keys(inputs, &in);
	free(inputs);
	for (size_t i = 0; i < in.n && !r; i++) {
		char *sub = xasprintf("results/%s/done", in.v[i]);
		char *p = path_join(o->cache_dir, sub);
		if (!path_exists(p) || sl_has(gone, in.v[i])) {
			snprintf(why, sizeof why, "its input result %.16s is gone", in.v[i]);
			r = why;
		}
		free(p);
		free(sub);
	}
	sl_free(&in);
	return r;
}

static int gc_store(const struct gc_opts *o, const char *kind, struct gc_stats *st,
		    const struct strlist *gone)
{
	char *sub = xasprintf("store/%s", kind);
	char *dir = path_join(o->cache_dir, sub);
	struct strlist l = STRLIST_INIT;
	int rc = 0;
	free(sub);
	if (list_dir(dir, &l) < 0) {
		rc = errno == ENOENT ? 0 : -1;
		goto out;
	}
	for (size_t i = 0; i < l.n && !rc; i++) {
		const char *n = l.v[i];
		char *p = path_join(dir, n);
		if (is_key(n)) {
			int lock = store_lock(p, LOCK_EX | LOCK_NB);
			const char *why = lock < 0 ? NULL : store_dead(o, kind, p, gone);
			if (lock < 0)
				st->store_busy++;
			else if (!why)
				st->store_kept++;
			else if ((rc = drop(o, st, p, why)) == 0) {
				st->store_removed++;
				if (!o->dry_run) {
					/* a waiter re-locks the path's new file (store_lock) */
					char *lp = xasprintf("%s.lock", p);
					unlink(lp);
					free(lp);
				}
			}
			if (lock >= 0)
				close(lock);
		} else if (stale_temp(o, dir, n)) {
			if ((rc = drop(o, st, p, "left by a process that no longer runs")) == 0)
				st->temps_removed++;
		}
		free(p);
	}
out:
	sl_free(&l);
	free(dir);
	return rc;
}

int cache_gc(const struct gc_opts *o, struct gc_stats *st)
{
	struct strlist live = STRLIST_INIT, gone = STRLIST_INIT;
	memset(st, 0, sizeof *st);
	int rc = cache_roots(o->cache_dir, o->dry_run, &live, &st->roots, &st->stale_roots);
	/* results first: the tc entries made from removed results go with them */
	if (!rc)
		rc = gc_results(o, &live, st, &gone);
	if (!rc)
		rc = gc_store(o, "tc", st, &gone);
	if (!rc)
		rc = gc_store(o, "src", st, &gone);
	if (rc)
		kr_err_prefix("cache gc %s", o->cache_dir);
	sl_free(&live);
	sl_free(&gone);
	return rc;
}
