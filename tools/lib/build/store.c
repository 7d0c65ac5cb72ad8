/* store.c - see store.h */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "install.h"
#include "pkginfo.h"
#include "solver.h"

#define STORE_FORMAT "krill-store-tc 1"

/* The content key of the result dir a package file lies in (its `done`
 * stamp's key: line), else NULL. */
static char *result_key(const char *pkgfile)
{
	char *dir = path_dirname(pkgfile);
	char *done = path_join(dir, "done"), *data = NULL, *key = NULL;
	size_t n;
	if (read_file(done, &data, &n) == 0) {
		char *k = strstr(data, "key: ");
		if (k && (k == data || k[-1] == '\n')) {
			k += 5;
			key = xstrndup(k, strcspn(k, "\n"));
			if (strlen(key) != SHA256_HEX_LEN || !is_hex(key, SHA256_HEX_LEN)) {
				free(key);
				key = NULL;
			}
		}
	}
	free(data);
	free(done);
	free(dir);
	return key;
}

/* KEY: over the requested names and every package file offered (sorted),
 * each by its result's key and name (or its sha256): the same inputs give
 * the same entry, whichever port asks. */
static int entry_key(const struct strlist *pkgfiles, const struct strlist *names, char *out)
{
	struct strlist lines = STRLIST_INIT, req = STRLIST_INIT;
	int rc = 0;
	for (size_t i = 0; !rc && i < pkgfiles->n; i++) {
		char *k = result_key(pkgfiles->v[i]);
		char hex[SHA256_HEX_LEN + 1];
		if (!k && (rc = sha256_file(pkgfiles->v[i], hex, NULL)) == 0)
			k = xstrdup(hex);
		if (k)
			sl_push_own(&lines,
				    xasprintf("pkg %s %s", k, path_basename(pkgfiles->v[i])));
		free(k);
	}
	for (size_t i = 0; i < names->n; i++)
		sl_push_own(&req, xasprintf("want %s", names->v[i]));
	sl_sort(&lines);
	sl_sort(&req);
	struct hasher *h = hasher_new();
	hasher_adds(h, STORE_FORMAT);
	for (size_t i = 0; i < req.n; i++)
		hasher_adds(h, req.v[i]);
	for (size_t i = 0; i < lines.n; i++)
		hasher_adds(h, lines.v[i]);
	hasher_end(h, out);
	sl_free(&lines);
	sl_free(&req);
	return rc;
}

/* One manifest line for an entry of root/ (hash: the sha256 of a regular
 * file, computed by the caller, or NULL to leave it out of the compare). */
static char *manifest_line(const char *rel, const char *full, const struct stat *st,
			   const char *hash)
{
	char type = S_ISDIR(st->st_mode) ? 'D' : S_ISLNK(st->st_mode) ? 'L' : 'R';
	char target[4096] = "";
	if (type == 'L') {
		ssize_t n = readlink(full, target, sizeof target - 1);
		target[n < 0 ? 0 : n] = 0;
	}
	long long mt = (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
	return xasprintf("%c %04o %lld %lld %llu %s %s", type, (unsigned)(st->st_mode & 07777),
			 type == 'R' ? (long long)st->st_size : 0LL, type == 'D' ? 0LL : mt,
			 (unsigned long long)st->st_ino,
			 type == 'R'   ? (hash ? hash : "-")
			 : type == 'L' ? target
				       : "-",
			 rel);
}

struct mk_ctx {
	struct strlist lines;
	int rc;
};

/* Seal the tree: files and links read-only (a-w), then each line. */
static int seal_visit(const char *rel, const char *full, const struct stat *st, void *arg)
{
	struct mk_ctx *c = arg;
	struct stat s = *st;
	char hex[SHA256_HEX_LEN + 1];
	if (S_ISREG(st->st_mode)) {
		if (chmod(full, st->st_mode & 07555) < 0 || lstat(full, &s) < 0 ||
		    sha256_file(full, hex, NULL) < 0) {
			kr_err("%s: cannot seal: %s", full, strerror(errno));
			return -1;
		}
	}
	sl_push_own(&c->lines, manifest_line(rel, full, &s, S_ISREG(s.st_mode) ? hex : NULL));
	return 0;
}

struct verify_ctx {
	const struct strlist *want; /* manifest lines, in walk order */
	size_t i;
	int full;
	const char *dir;
};

/* The fields of a manifest line but the hash (field 6). */
static int same_but_hash(const char *a, const char *b, int with_hash)
{
	if (with_hash)
		return !strcmp(a, b);
	/* compare fields 1-5 and 7 */
	const char *pa = a, *pb = b;
	for (int f = 0; f < 5; f++) {
		pa = strchr(pa, ' ');
		pb = strchr(pb, ' ');
		if (!pa || !pb)
			return 0;
		pa++, pb++;
	}
	if ((size_t)(pa - a) != (size_t)(pb - b) || strncmp(a, b, (size_t)(pa - a)))
		return 0;
	const char *ra = strchr(pa, ' '), *rb = strchr(pb, ' ');
	return ra && rb && !strcmp(ra, rb);
}

static int verify_visit(const char *rel, const char *full, const struct stat *st, void *arg)
{
	struct verify_ctx *c = arg;
	char hex[SHA256_HEX_LEN + 1];
	int hashed = c->full && S_ISREG(st->st_mode);
	if (hashed && sha256_file(full, hex, NULL) < 0)
		return -1;
	char *line = manifest_line(rel, full, st, hashed ? hex : NULL);
	int ok = c->i < c->want->n &&
		 same_but_hash(line, c->want->v[c->i], hashed || !S_ISREG(st->st_mode));
	if (!ok) {
		const char *w = c->i < c->want->n ? c->want->v[c->i] : "(nothing more)";
		kr_err("%s: root/%s does not match the manifest (found '%s', expected '%s')",
		       c->dir, rel, line, w);
	}
	free(line);
	c->i++;
	return ok ? 0 : -1;
}

int store_verify(const char *dir, int full)
{
	char *mpath = path_join(dir, "manifest"), *done = path_join(dir, "done");
	char *root = path_join(dir, "root"), *data = NULL;
	size_t n;
	int rc = -1;
	if (!path_exists(done))
		kr_err("%s: no done stamp (an unfinished entry)", dir);
	else if (read_file(mpath, &data, &n) == 0) {
		struct strlist want = STRLIST_INIT;
		sl_split(&want, data, "\n");
		if (!want.n || strcmp(want.v[0], STORE_FORMAT))
			kr_err("%s: manifest: expected '%s' first", dir, STORE_FORMAT);
		else {
			/* (the format line is no entry) */
			struct strlist body = {want.v + 1, want.n - 1, 0};
			struct verify_ctx c = {&body, 0, full, dir};
			rc = walk_tree(root, verify_visit, &c);
			if (!rc && c.i != body.n) {
				kr_err("%s: root/%s is missing (in the manifest)", dir,
				       strrchr(body.v[c.i], ' ') + 1);
				rc = -1;
			}
		}
		sl_free(&want);
	}
	free(data);
	free(root);
	free(done);
	free(mpath);
	return rc;
}

/* Make a new entry at dir: fill() writes tmp/root (and whatever else it
 * keeps beside it), then the tree is sealed, the manifest and done
 * written, and tmp renamed into place. */
static int make_entry(const char *dir, store_fill_fn fill, void *arg)
{
	char *tmp = xasprintf("%s.tmp.%ld", dir, (long)getpid());
	char *root = path_join(tmp, "root");
	struct mk_ctx c = {STRLIST_INIT, 0};
	int rc = rm_rf(tmp);
	if (!rc)
		rc = mkdir_p(tmp, 0755);
	if (!rc)
		rc = fill(tmp, arg);
	if (!rc)
		rc = walk_tree(root, seal_visit, &c);
	if (!rc) {
		struct sb m = SB_INIT;
		sb_printf(&m, "%s\n", STORE_FORMAT);
		for (size_t i = 0; i < c.lines.n; i++)
			sb_printf(&m, "%s\n", c.lines.v[i]);
		char *mp = path_join(tmp, "manifest"), *dp = path_join(tmp, "done");
		rc = write_file_atomic(mp, m.s, m.len, 0444);
		if (!rc)
			rc = write_file_atomic(dp, "ok\n", 3, 0444);
		free(mp);
		free(dp);
		sb_free(&m);
	}
	if (!rc && rename(tmp, dir) < 0) {
		kr_err("%s: cannot move the store entry into place: %s", dir, strerror(errno));
		rc = -1;
	}
	if (rc)
		rm_rf(tmp);
	else {
		char *parent = path_dirname(dir);
		fsync_dir(parent);
		free(parent);
	}
	sl_free(&c.lines);
	free(root);
	free(tmp);
	return rc;
}

int store_lock(const char *dir, int op)
{
	char *lockp = xasprintf("%s.lock", dir);
	int fd = -1;
	for (;;) {
		fd = open(lockp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			break;
		if (flock(fd, op) < 0) {
			int e = errno;
			close(fd);
			fd = -1;
			errno = e;
			break;
		}
		struct stat a, b;
		if (fstat(fd, &a) == 0 && stat(lockp, &b) == 0 && a.st_ino == b.st_ino &&
		    a.st_dev == b.st_dev)
			break;
		close(fd); /* unlinked by gc while we waited: lock the new one */
	}
	free(lockp);
	return fd;
}

int store_get(const char *cache_dir, const char *kind, const char *key, store_fill_fn fill,
	      void *arg, struct store_entry *out)
{
	memset(out, 0, sizeof *out);
	char *sub = xasprintf("store/%s", kind);
	char *base = path_join(cache_dir, sub);
	free(sub);
	if (mkdir_p(base, 0755) < 0) {
		free(base);
		return -1;
	}
	out->key = xstrdup(key);
	out->dir = path_join(base, key);
	out->root = path_join(out->dir, "root");
	/* Users hold a shared lock for as long as they use the entry (gc takes
	 * it exclusively, and never waits); making or remaking one needs it
	 * exclusively: one maker per key, the others wait and find it made. */
	const char *v = getenv("KRILL_STORE_VERIFY");
	int full = v && !strcmp(v, "full"), rc = 0;
	int lock = store_lock(out->dir, LOCK_SH);
	if (path_exists(out->dir) && store_verify(out->dir, full) == 0)
		goto done;
	if (lock >= 0)
		close(lock);
	lock = store_lock(out->dir, LOCK_EX);
	if (path_exists(out->dir)) {
		if (store_verify(out->dir, full) == 0)
			goto done;
		/* never used: aside (whatever it holds), and made again */
		fprintf(stderr, "krill build: %s store: %s; making it again\n",
			!strcmp(kind, "tc") ? "toolchain" : "source", kr_errmsg());
		char *bad = xasprintf("%s.bad.%ld", out->dir, (long)getpid());
		rc = rename(out->dir, bad) < 0 ? rm_rf(out->dir) : rm_rf(bad);
		free(bad);
		out->remade = 1;
		if (rc)
			goto done;
	}
	rc = make_entry(out->dir, fill, arg);
	out->made = rc == 0;
	if (rc)
		kr_err_prefix("%s store %s", kind, out->dir);
done:
	if (rc == 0 && lock >= 0 && flock(lock, LOCK_SH) == 0) {
		/* held while the build uses the entry; done's mtime: last use */
		char *dp = path_join(out->dir, "done");
		utimensat(AT_FDCWD, dp, NULL, 0);
		free(dp);
		out->locked = 1;
		out->lock = lock;
	} else if (lock >= 0) {
		close(lock);
	}
	free(base);
	return rc;
}

struct tc_fill {
	const struct strlist *pkgfiles, *names;
	const struct sb *inputs; /* the `inputs` file */
};

static int fill_toolchain(const char *tmp, void *arg)
{
	struct tc_fill *f = arg;
	char *root = path_join(tmp, "root");
	int rc = install_local(root, f->pkgfiles, f->names);
	free(root);
	if (!rc) {
		char *p = path_join(tmp, "inputs");
		rc = write_file_atomic(p, sb_str(f->inputs), f->inputs->len, 0444);
		free(p);
	}
	return rc;
}

/* The package files the names need (solved as install_local would into an
 * empty root): only they make the key, so ports with other build
 * dependencies share the entry. */
static int closure(const struct strlist *pkgfiles, const struct strlist *names,
		   struct strlist *out)
{
	size_t n = pkgfiles->n;
	struct pkginfo *infos = xcalloc(n + 1, sizeof *infos);
	const struct pkginfo **avail = xcalloc(n + 1, sizeof *avail);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		rc = pkgfile_info(pkgfiles->v[i], &infos[i]);
		avail[i] = &infos[i];
	}
	struct solution sol = {0};
	if (rc == 0)
		rc = solve(avail, n, NULL, 0, names, &sol);
	for (size_t i = 0; rc == 0 && i < sol.n; i++)
		sl_push(out, pkgfiles->v[sol.v[i] - infos]);
	solution_free(&sol);
	for (size_t i = 0; i < n; i++)
		pkginfo_free(&infos[i]);
	free(infos);
	free(avail);
	if (rc)
		kr_err_prefix("the toolchain store's packages");
	return rc;
}

int store_toolchain(const char *cache_dir, const struct strlist *pkgfiles,
		    const struct strlist *names, struct store_entry *out)
{
	char key[SHA256_HEX_LEN + 1];
	struct strlist need = STRLIST_INIT;
	memset(out, 0, sizeof *out);
	int rc = closure(pkgfiles, names, &need);
	if (!rc)
		rc = entry_key(&need, names, key);
	/* what the entry is made from, for gc (files without a result have no
	 * line: nothing removes them from under it) */
	struct strlist keys = STRLIST_INIT;
	for (size_t i = 0; !rc && i < need.n; i++) {
		char *k = result_key(need.v[i]);
		if (k)
			sl_push_own(&keys, k);
	}
	sl_sort(&keys);
	sl_uniq(&keys);
	struct sb in = SB_INIT;
	for (size_t i = 0; i < keys.n; i++)
		sb_printf(&in, "%s\n", keys.v[i]);
	sl_free(&keys);
	struct tc_fill f = {&need, names, &in};
	if (!rc)
		rc = store_get(cache_dir, "tc", key, fill_toolchain, &f, out);
	sl_free(&need);
	sb_free(&in);
	return rc;
}

struct link_ctx {
	const char *root, *sysroot;
};

static int link_visit(const char *rel, const char *full, const struct stat *st, void *arg)
{
	struct link_ctx *c = arg;
	/* the toolchain is mounted, the database copied (it is rewritten) */
	if (!strcmp(rel, "toolchain") || !strcmp(rel, "var/lib/krill"))
		return S_ISDIR(st->st_mode) ? 1 : 0;
	char *dst = path_join(c->sysroot, rel);
	int rc = 0;
	if (S_ISDIR(st->st_mode))
		rc = mkdir(dst, 0755) < 0 && errno != EEXIST ? -1 : 0;
	else if (S_ISLNK(st->st_mode)) {
		char target[4096];
		ssize_t n = readlink(full, target, sizeof target - 1);
		target[n < 0 ? 0 : n] = 0;
		rc = n < 0 || symlink(target, dst) < 0 ? -1 : 0;
	} else if (link(full, dst) < 0)
		rc = errno == EXDEV ? copy_file(full, dst) : -1;
	if (rc)
		kr_err("%s: cannot link from the toolchain store: %s", dst, strerror(errno));
	free(dst);
	return rc;
}

int store_link_runtime(const struct store_entry *e, const char *sysroot)
{
	struct link_ctx c = {e->root, sysroot};
	if (mkdir_p(sysroot, 0755) < 0 || walk_tree(e->root, link_visit, &c) < 0)
		return -1;
	char *from = path_join(e->root, "var/lib/krill/installed");
	char *dbdir = path_join(sysroot, "var/lib/krill");
	char *to = path_join(dbdir, "installed");
	int rc = mkdir_p(dbdir, 0755);
	if (!rc && path_exists(from))
		rc = copy_file(from, to);
	if (!rc)
		rc = chmod(to, 0644) < 0 && errno != ENOENT ? -1 : 0;
	free(from);
	free(to);
	free(dbdir);
	return rc;
}

void store_entry_free(struct store_entry *e)
{
	if (e->locked)
		close(e->lock);
	free(e->key);
	free(e->dir);
	free(e->root);
	memset(e, 0, sizeof *e);
}
