/* install.c - see install.h */
#include "install.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dep.h"
#include "fsroot.h"
#include "pkgread.h"
#include "solver.h"
#include "strmap.h"

/* One member to install. type: 'R' file, 'H' hardlink, 'L' symlink, 'D' dir. */
struct entry {
	char type;
	mode_t mode;
	char *path; /* cleaned */
	char *link; /* symlink target (as is) or hardlink target (cleaned) */
	char *tmp;  /* staged temp name (not for 'D') */
	char *dst;  /* final name: path, or path.krill-new for a kept conffile */
	char sha256[65];
	size_t off, len; /* a regular file's data in pkg.data, when held */
};

struct pkg {
	const struct install_item *item;
	struct pkginfo info;
	struct entry *e;
	size_t ne, cap;
	/* the file data, kept from the scan when the transaction is small: the
	 * package is then decompressed and parsed once, not twice */
	char *data;
	size_t dlen;
	int held;
};

/* How much file data one transaction keeps in memory between its scan and
 * its staging; a larger one reads its packages a second time. */
#define HOLD_MAX (16u << 20)

/* ---- reading package files (pkgread.h checks their shape) ---- */

/* A copy of a pkginfo (it owns its strings). */
static int info_copy(const struct pkginfo *in, struct pkginfo *out, const char *src)
{
	struct sb text = SB_INIT;
	pkginfo_write(in, &text);
	size_t pos = 0;
	int line = 1;
	int r = pkginfo_parse(sb_str(&text), text.len, &pos, &line, src, 0, out);
	sb_free(&text);
	return r == 1 ? 0 : -1;
}

int pkgfile_info(const char *path, struct pkginfo *out)
{
	struct pkgread *r = pkgread_open(path);
	if (!r)
		return -1;
	int rc = info_copy(pkgread_info(r), out, path);
	pkgread_close(r);
	return rc;
}

/* ---- pass 1: what is in each package ---- */

static struct entry *add_entry(struct pkg *p)
{
	if (p->ne == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 32;
		p->e = xrealloc(p->e, p->cap * sizeof *p->e);
	}
	struct entry *e = &p->e[p->ne++];
	memset(e, 0, sizeof *e);
	return e;
}

/* path is dir or below it / path is a proper ancestor of dir */
static int under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return !strncmp(path, dir, n) && (!path[n] || path[n] == '/');
}
static int above(const char *path, const char *dir)
{
	size_t n = strlen(path);
	return !strncmp(dir, path, n) && dir[n] == '/';
}

/* The client's own state is never written by a package (a package could
 * otherwise replace the database, its journal or the cached index), and
 * the trusted keys only by the keyring package. A non-directory above
 * them (var/lib as a symlink) would redirect them: refused too. */
static const char *const state_dirs[] = {"var/lib/krill", "var/cache/krill"};
#define KEYS_DIR "etc/krill/keys"

static int check_reserved(const struct pkg *p, const char *path, char type, const char *where)
{
	for (size_t i = 0; i < ARRAY_LEN(state_dirs); i++)
		if (under(path, state_dirs[i]) || (type != 'D' && above(path, state_dirs[i]))) {
			kr_err("%s: '%s' is in %s, the client's own state: no package may write "
			       "there, refused",
			       where, path, state_dirs[i]);
			return -1;
		}
	if (!p->info.keyring &&
	    ((under(path, KEYS_DIR) && (type != 'D' || strcmp(path, KEYS_DIR))) ||
	     (type != 'D' && above(path, KEYS_DIR)))) {
		kr_err("%s: '%s': only the keyring package (keyring: yes in its .PKGINFO) may "
		       "install trusted keys in " KEYS_DIR ", refused",
		       where, path);
		return -1;
	}
	return 0;
}

static int classify(struct pkg *p, const struct pkg_entry *pe, const char *where)
{
	char *path = fsr_clean(pe->path, where);
	if (!path)
		return -1;
	char t = pe->type == PKG_DIR ? 'D' : 'F';
	if (check_reserved(p, path, t, where) < 0) {
		free(path);
		return -1;
	}
	struct entry *e = add_entry(p);
	e->path = path;
	e->mode = pe->mode & 07777;
	switch (pe->type) {
	case PKG_HARDLINK:
		e->type = 'H';
		e->link = fsr_clean(pe->link, where);
		return e->link ? 0 : -1;
	case PKG_FILE: e->type = 'R'; return 0;
	case PKG_DIR: e->type = 'D'; return 0;
	case PKG_SYMLINK:
		if (strchr(pe->link, '\n')) {
			kr_err("%s: symlink '%s' has a multi-line target", where, path);
			return -1;
		}
		e->type = 'L';
		e->link = xstrdup(pe->link);
		return 0;
	default:
		kr_err("%s: '%s' is a device node, fifo or socket: refused (packages may hold "
		       "only files, directories and links)",
		       where, path);
		return -1;
	}
}

/* The package is what the signed index says it is: a validly signed
 * repository's entry "lie-name" must not install a package calling itself
 * "base 9.0" (nor another arch, version or origin). */
static int check_entry_match(const struct pkg *p)
{
	const struct pkginfo *x = p->item->entry, *got = &p->info;
	if (!x)
		return 0;
	const char *what[] = {"name", "version", "arch", "origin"};
	const char *want[] = {x->name, x->version, x->arch, x->origin};
	const char *have[] = {got->name, got->version, got->arch, got->origin};
	for (size_t i = 0; i < ARRAY_LEN(what); i++)
		if (strcmp(want[i], have[i])) {
			kr_err("%s: %s '%s' in its .PKGINFO does not match the index entry's '%s': "
			       "refused",
			       p->item->path, what[i], have[i], want[i]);
			return -1;
		}
	if (x->installed_size != got->installed_size) {
		kr_err("%s: installed-size %llu in its .PKGINFO does not match the index entry's "
		       "%llu: refused",
		       p->item->path, (unsigned long long)got->installed_size,
		       (unsigned long long)x->installed_size);
		return -1;
	}
	return 0;
}

static void free_map(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->keys[i])
			free(m->vals[i]);
	strmap_free(m);
}

/* The current entry's data appended to p->data: never more in all than the
 * package's installed-size (which is what held it to HOLD_MAX), whatever
 * a header claims. */
static int hold_data(struct pkg *p, struct pkgread *rd, struct entry *e, uint64_t size)
{
	if (size > p->info.installed_size - p->dlen) {
		kr_err("%s: more file data than its installed-size of %llu bytes, refused",
		       p->item->path, (unsigned long long)p->info.installed_size);
		return -1;
	}
	e->off = p->dlen;
	p->data = xrealloc(p->data, p->dlen + size + 1);
	size_t got = 0;
	ssize_t n;
	while (got < size && (n = pkgread_data(rd, p->data + p->dlen + got, size - got)) > 0)
		got += (size_t)n;
	char extra;
	if (got != size || pkgread_data(rd, &extra, 1) != 0) {
		kr_err("%s: '%s' holds other than its %llu bytes", p->item->path, e->path,
		       (unsigned long long)size);
		return -1;
	}
	e->len = size;
	p->dlen += size;
	return 0;
}

static int scan_pkg(struct pkg *p, uint64_t *held)
{
	const struct install_item *it = p->item;
	/* (verify_file checked an item with a sha256 before) */
	int fl = PKGREAD_SUMS_ENOUGH | (it->sha256 ? PKGREAD_VERIFIED : 0);
	struct pkgread *rd = it->data ? pkgread_open_memory_flags(it->data, it->len, it->path, fl)
				      : pkgread_open_flags(it->path, fl);
	if (!rd)
		return -1;
	int r = info_copy(pkgread_info(rd), &p->info, p->item->path);
	if (r == 0)
		r = check_entry_match(p);
	char *where = xasprintf("%s (%s)", p->item->path, p->info.name ? p->info.name : "?");
	p->held = r == 0 && *held + p->info.installed_size <= HOLD_MAX;
	if (p->held)
		*held += p->info.installed_size;
	struct pkg_entry pe;
	while (r == 0 && (r = pkgread_next(rd, &pe)) == 1) {
		r = classify(p, &pe, where);
		if (r == 0 && pe.sha256)
			memcpy(p->e[p->ne - 1].sha256, pe.sha256, 64);
		if (r == 0 && p->held && p->e[p->ne - 1].type == 'R')
			r = hold_data(p, rd, &p->e[p->ne - 1], pe.size);
	}
	free(where);
	/* each file's sha256 from the package's .SHA256SUMS, or in a package
	 * without one from its SBOM (the package itself was checked against
	 * the signed index): staging then only copies; a file neither names
	 * is hashed while it is written */
	struct strmap sums = STRMAP_INIT;
	if (r == 0 && pkgread_sbom_sha256s(rd, &sums))
		for (size_t i = 0; i < p->ne; i++) {
			const char *v = p->e[i].type == 'R' ? strmap_get(&sums, p->e[i].path) : NULL;
			if (v)
				memcpy(p->e[i].sha256, v, sizeof p->e[i].sha256);
		}
	free_map(&sums);
	pkgread_close(rd);
	return r;
}

/* ---- checks before anything is touched ---- */

struct owner {
	struct pkg *p;
	struct entry *e;
};

static const struct strlist *removing; /* install_opts.remove, for this call */
static struct strlist *removing_kept;

static int replaced(struct pkg *ps, size_t n, const char *name)
{
	if (removing && sl_has(removing, name))
		return 1;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(ps[i].info.name, name))
			return 1;
	return 0;
}

/* Paths of the set: no path twice (except directories), no path below a
 * non-directory of the set, hardlinks to a file of the same package. */
static int check_set(struct pkg *ps, size_t n, struct strmap *map)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < ps[i].ne; j++) {
			struct entry *e = &ps[i].e[j];
			struct owner *o = strmap_get(map, e->path);
			if (o && (e->type != 'D' || o->e->type != 'D')) {
				kr_err("%s: conflict: in both %s and %s", e->path, o->p->info.name,
				       ps[i].info.name);
				return -1;
			}
			if (!o) {
				o = xmalloc(sizeof *o);
				*o = (struct owner){&ps[i], e};
				strmap_put(map, e->path, o);
			}
			if (e->type == 'H') {
				struct owner *t = strmap_get(map, e->link);
				if (!t || t->p != &ps[i] || t->e->type != 'R') {
					kr_err("%s (%s): hardlink '%s' -> '%s' refused: the target "
					       "must be "
					       "an earlier regular file of the same package",
					       ps[i].item->path, ps[i].info.name, e->path, e->link);
					return -1;
				}
			}
		}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < ps[i].ne; j++) {
			char *pre = xstrdup(ps[i].e[j].path);
			for (char *s = strrchr(pre, '/'); s; s = strrchr(pre, '/')) {
				*s = 0;
				struct owner *o = strmap_get(map, pre);
				if (o && o->e->type != 'D') {
					kr_err("%s (%s): '%s' goes through '%s', a non-directory "
					       "of %s: "
					       "refused",
					       ps[i].item->path, ps[i].info.name, ps[i].e[j].path,
					       pre, o->p->info.name);
					free(pre);
					return -1;
				}
			}
			free(pre);
		}
	return 0;
}

/* lstat in the root while planning, which writes nothing: a path under a
 * directory already found missing is missing too, without a system call,
 * so an empty root costs a lookup per top-level directory, not per file
 * (packages list a directory before what is in it). */
static int plan_lstat(int rootfd, const char *path, struct stat *st, struct strmap *absent)
{
	char *d = xstrdup(path);
	int gone = 0;
	for (char *s = strchr(d, '/'); s && !gone; s = strchr(s + 1, '/')) {
		*s = 0;
		gone = strmap_get(absent, d) != NULL;
		*s = '/';
	}
	free(d);
	if (gone) {
		errno = ENOENT;
		return -1;
	}
	if (fsr_lstat(rootfd, path, st) == 0)
		return 0;
	int e = errno;
	if (e == ENOENT)
		strmap_put(absent, path, absent);
	errno = e;
	return -1;
}

/* Against the installed packages and the root as it is. */
static int check_root(struct db *db, int rootfd, struct pkg *ps, size_t n, struct strmap *owned)
{
	struct strmap absent = STRMAP_INIT;
	int rc = 0;
	for (size_t i = 0; i < db->n; i++)
		for (size_t j = 0; j < db->pkgs[i].nfiles; j++)
			if (db->pkgs[i].files[j].type != 'D')
				strmap_put(owned, db->pkgs[i].files[j].path, db->pkgs[i].info.name);
	for (size_t i = 0; rc == 0 && i < n; i++)
		for (size_t j = 0; rc == 0 && j < ps[i].ne; j++) {
			struct entry *e = &ps[i].e[j];
			const char *other = strmap_get(owned, e->path);
			if (e->type != 'D' && other && !replaced(ps, n, other) &&
			    !sl_has(&ps[i].info.replaces, other)) {
				kr_err("%s: conflict: already installed by %s, also in %s", e->path,
				       other, ps[i].info.name);
				rc = -1;
				break;
			}
			struct stat st;
			if (plan_lstat(rootfd, e->path, &st, &absent) < 0) {
				if (errno == ENOENT)
					continue;
				kr_err("%s (%s): '%s': the way there goes through a symlink or a "
				       "non-directory in the root: refused",
				       ps[i].item->path, ps[i].info.name, e->path);
				rc = -1;
			} else if ((e->type == 'D') != !!S_ISDIR(st.st_mode)) {
				kr_err("%s (%s): '%s' is a %s in the root but a %s in the package: "
				       "refused",
				       ps[i].item->path, ps[i].info.name, e->path,
				       S_ISDIR(st.st_mode)   ? "directory"
				       : S_ISLNK(st.st_mode) ? "symlink (never written through)"
							     : "non-directory",
				       e->type == 'D' ? "directory" : "non-directory");
				rc = -1;
			}
		}
	strmap_free(&absent);
	return rc;
}

static int verify_file(const struct install_item *it)
{
	if (!it->sha256)
		return 0;
	if (!it->verified) { /* else: checked by the caller in this run */
		char got[SHA256_HEX_LEN + 1];
		uint64_t size = it->len;
		if (it->data)
			sha256_hex(it->data, it->len, got);
		else if (sha256_file(it->path, got, &size) < 0)
			return -1;
		if (size != it->size) {
			kr_err("%s: size %llu, but the index lists %llu: refused", it->path,
			       (unsigned long long)size, (unsigned long long)it->size);
			return -1;
		}
		if (strcmp(got, it->sha256)) {
			kr_err("%s: sha256 mismatch: the index lists %s, the file has %s: refused",
			       it->path, it->sha256, got);
			return -1;
		}
	}
	if (!it->entry) {
		kr_err("%s: no index entry to check the package against", it->path);
		return -1;
	}
	return 0;
}

/* ---- the plan ---- */

static int is_conffile(const struct pkginfo *p, const char *path)
{
	return sl_has(&p->conffiles, path);
}

/* Recorded sha256 of path in the installed package `name`, or NULL. */
static const char *recorded_sha(struct db *db, const char *name, const char *path)
{
	struct db_pkg *p = db_find(db, name);
	for (size_t i = 0; p && i < p->nfiles; i++)
		if (p->files[i].type == 'R' && !strcmp(p->files[i].path, path))
			return p->files[i].sha256;
	return NULL;
}

/* A conffile the user changed since it was installed? */
static int user_modified(struct db *db, int rootfd, const char *name, const char *path)
{
	const char *rec = recorded_sha(db, name, path);
	char now[SHA256_HEX_LEN + 1];
	return rec && fsr_sha256(rootfd, path, now) == 0 && strcmp(now, rec);
}

/* Keep the root's copy of a conffile (and write the package's beside it)?
 * Yes when the user changed it since this package installed it, or when
 * it was there before any package owned it (local configuration). */
static int keep_local(struct db *db, int rootfd, const struct pkg *p, const char *path)
{
	struct stat st;
	if (recorded_sha(db, p->info.name, path))
		return user_modified(db, rootfd, p->info.name, path);
	return fsr_lstat(rootfd, path, &st) == 0 && S_ISREG(st.st_mode);
}

static void plan_mkdirs(int rootfd, struct pkg *ps, size_t n, struct journal *j)
{
	struct strmap seen = STRMAP_INIT, absent = STRMAP_INIT;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < ps[i].ne; k++) {
			char *d = xstrdup(ps[i].e[k].path);
			struct strlist chain = STRLIST_INIT;
			if (ps[i].e[k].type == 'D')
				sl_push(&chain, d);
			for (char *s = strrchr(d, '/'); s; s = strrchr(d, '/')) {
				*s = 0;
				sl_push(&chain, d);
			}
			for (size_t c = chain.n; c-- > 0;) { /* parents first */
				struct stat st;
				if (strmap_get(&seen, chain.v[c]))
					continue;
				strmap_put(&seen, chain.v[c], &seen);
				if (plan_lstat(rootfd, chain.v[c], &st, &absent) < 0 && errno == ENOENT)
					sl_push(&j->mkdirs, chain.v[c]);
			}
			sl_free(&chain);
			free(d);
		}
	strmap_free(&seen);
	strmap_free(&absent);
}

static char *tmp_name(const char *path, const char *txid, size_t k)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xasprintf(".krill-%s-%zu", txid, k);
	return xasprintf("%.*s/.krill-%s-%zu", (int)(slash - path), path, txid, k);
}

static struct entry *find_entry(struct pkg *p, const char *path)
{
	for (size_t i = 0; i < p->ne; i++)
		if (!strcmp(p->e[i].path, path))
			return &p->e[i];
	return NULL;
}

/* The installed package listing path (any type), or NULL. */
static const char *listed_by(struct db *db, const char *path)
{
	for (size_t i = 0; i < db->n; i++)
		for (size_t k = 0; k < db->pkgs[i].nfiles; k++)
			if (!strcmp(db->pkgs[i].files[k].path, path))
				return db->pkgs[i].info.name;
	return NULL;
}

/* PATH.krill-new is a path like any other: it must not be another
 * package's (installed or in the set), nor a directory or symlink's way in
 * the root, or the rename after the commit point would fail or overwrite
 * it. Checked here, before anything is touched. */
static int check_krill_new(struct db *db, int rootfd, struct pkg *ps, size_t n, size_t i,
			   const char *dst)
{
	const char *other = listed_by(db, dst);
	if (other && strcmp(other, ps[i].info.name)) {
		kr_err("%s: conflict: already installed by %s, and %s writes the new version of "
		       "its kept conffile there: refused",
		       dst, other, ps[i].info.name);
		return -1;
	}
	for (size_t k = 0; k < n; k++)
		if (find_entry(&ps[k], dst)) {
			kr_err("%s: conflict: in both %s and %s (the new version of a kept "
			       "conffile)",
			       dst, ps[k].info.name, ps[i].info.name);
			return -1;
		}
	struct stat st;
	if (fsr_lstat(rootfd, dst, &st) == 0 && S_ISDIR(st.st_mode)) {
		kr_err("%s (%s): '%s' is a directory in the root: the new version of the kept "
		       "conffile cannot go there, refused",
		       ps[i].item->path, ps[i].info.name, dst);
		return -1;
	}
	return 0;
}

/* Temp names and final names; what the replaced versions leave behind. */
static int plan_files(struct db *db, int rootfd, struct pkg *ps, size_t n, struct journal *j)
{
	char txid[32];
	snprintf(txid, sizeof txid, "%lx%lx", (unsigned long)getpid(), (unsigned long)time(NULL));
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t m = 0; m < ps[i].ne; m++) {
			struct entry *e = &ps[i].e[m];
			if (e->type == 'D')
				continue;
			e->tmp = tmp_name(e->path, txid, k++);
			if (is_conffile(&ps[i].info, e->path) &&
			    keep_local(db, rootfd, &ps[i], e->path)) {
				e->dst = xasprintf("%s.krill-new", e->path);
				if (check_krill_new(db, rootfd, ps, n, i, e->dst) < 0)
					return -1;
			} else {
				e->dst = xstrdup(e->path);
			}
			sl_push(&j->tmp, e->tmp);
			sl_push(&j->dst, e->dst);
		}
	plan_mkdirs(rootfd, ps, n, j);
	/* what the set ships: a path a replaced version leaves may have moved
	 * to another package of the set, and must not be removed after it */
	struct strmap shipped = STRMAP_INIT;
	for (size_t i = 0; i < n; i++)
		for (size_t m = 0; m < ps[i].ne; m++) {
			strmap_put(&shipped, ps[i].e[m].path, &shipped);
			if (ps[i].e[m].dst)
				strmap_put(&shipped, ps[i].e[m].dst, &shipped);
		}
	for (size_t i = 0; i < n; i++) {
		struct db_pkg *old = db_find(db, ps[i].info.name);
		for (size_t f = 0; old && f < old->nfiles; f++) {
			struct db_file *of = &old->files[f];
			if (strmap_get(&shipped, of->path))
				continue;
			if (of->type == 'D' && !db_dir_used(db, of->path, old->info.name))
				sl_push(&j->rmdirs, of->path); /* rmdir: only if empty */
			else if (of->type != 'D' &&
				 !(is_conffile(&old->info, of->path) &&
				   user_modified(db, rootfd, old->info.name, of->path)))
				sl_push(&j->rm, of->path);
		}
	}
	for (size_t i = 0; removing && i < removing->n; i++) {
		struct db_pkg *old = db_find(db, removing->v[i]);
		for (size_t f = 0; old && f < old->nfiles; f++) {
			struct db_file *of = &old->files[f];
			if (of->type == 'D')
				sl_push(&j->rmdirs, of->path); /* filtered after the db update */
			else if (strmap_get(&shipped, of->path))
				continue;
			else if (is_conffile(&old->info, of->path) &&
				 user_modified(db, rootfd, old->info.name, of->path)) {
				if (removing_kept)
					sl_push(removing_kept, of->path);
			} else
				sl_push(&j->rm, of->path);
		}
	}
	strmap_free(&shipped);
	/* deepest first, so a directory is empty when its turn comes */
	sl_sort(&j->rmdirs);
	for (size_t a = 0, b = j->rmdirs.n ? j->rmdirs.n - 1 : 0; a < b; a++, b--) {
		char *t = j->rmdirs.v[a];
		j->rmdirs.v[a] = j->rmdirs.v[b];
		j->rmdirs.v[b] = t;
	}
	return 0;
}

/* ---- pass 2: staging ---- */

/* The entry's data into fd, from rd or else from mem (len bytes); hashed
 * into sha unless it holds one already. */
static int write_data(struct pkgread *rd, const char *mem, size_t mlen, int fd, const char *what,
		      char sha[65])
{
	struct hasher *h = sha[0] ? NULL : hasher_new();
	static char buf[1 << 16];
	ssize_t n;
	int once = !rd;
	while ((n = rd ? pkgread_data(rd, buf, sizeof buf) : once ? (ssize_t)mlen : 0) > 0) {
		const char *p = rd ? buf : mem;
		size_t len = (size_t)n;
		once = 0;
		if (h)
			hasher_add(h, p, len);
		while (len) {
			ssize_t w = write(fd, p, len);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				kr_err("%s: write error: %s", what, strerror(errno));
				if (h)
					hasher_end(h, sha);
				return -1;
			}
			p += w;
			len -= (size_t)w;
		}
	}
	if (h)
		hasher_end(h, sha);
	return n < 0 ? -1 : 0;
}

/* The umask of this process: a mode it leaves whole and without setuid,
 * setgid or sticky bits can be given at creation, saving a chmod per file;
 * any other is set afterwards (a setuid file only once it is complete). */
static mode_t cur_umask(void)
{
	mode_t m = umask(022);
	umask(m);
	return m;
}

static int plain_mode(mode_t mode, mode_t um)
{
	return !(mode & ~(mode_t)0777) && !(mode & um);
}

static int stage_entry(int rootfd, struct pkg *p, struct entry *e, struct pkgread *rd,
		       struct strlist *made, mode_t um)
{
	const char *base;
	int dfd = fsr_open_parent(rootfd, e->type == 'D' ? e->path : e->tmp, 1, made, &base);
	if (dfd < 0)
		return -1;
	int r = 0;
	if (e->type == 'D') {
		int plain = plain_mode(e->mode, um);
		if (mkdirat(dfd, base, plain ? e->mode : 0700) == 0)
			r = plain ? 0 : fchmodat(dfd, base, e->mode, 0);
		else if (errno != EEXIST)
			r = -1;
	} else if (e->type == 'L') {
		r = symlinkat(e->link, dfd, base);
	} else if (e->type == 'H') {
		struct entry *t = find_entry(p, e->link);
		const char *tbase;
		int tfd = fsr_open_parent(rootfd, t->tmp, 0, NULL, &tbase);
		r = tfd < 0 ? -1 : linkat(tfd, tbase, dfd, base, 0);
		memcpy(e->sha256, t->sha256, sizeof e->sha256);
	} else {
		int plain = plain_mode(e->mode, um);
		int fd = openat(dfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				plain ? e->mode : 0600);
		const char *mem = p->data ? p->data + e->off : "";
		if (fd >= 0 && write_data(rd, mem, e->len, fd, e->path, e->sha256) < 0) {
			close(fd);
			kr_err_prefix("%s (%s)", p->item->path, p->info.name);
			return -1;
		}
		r = fd < 0 || (!plain && fchmod(fd, e->mode) < 0) ? -1 : 0;
		if (fd >= 0)
			close(fd);
	}
	if (r < 0)
		kr_err("%s (%s): cannot write '%s': %s", p->item->path, p->info.name, e->path,
		       strerror(errno));
	return r;
}

static int stage_pkg(int rootfd, struct pkg *p, struct strlist *made)
{
	mode_t um = cur_umask();
	if (p->held) { /* everything came with the scan */
		for (size_t m = 0; m < p->ne; m++)
			if (stage_entry(rootfd, p, &p->e[m], NULL, made, um) < 0)
				return -1;
		return 0;
	}
	const struct install_item *it = p->item;
	int fl = PKGREAD_SBOM_CHECKED | (it->sha256 ? PKGREAD_VERIFIED : 0);
	struct pkgread *rd = it->data ? pkgread_open_memory_flags(it->data, it->len, it->path, fl)
				      : pkgread_open_flags(it->path, fl);
	if (!rd)
		return -1;
	struct pkg_entry pe;
	size_t m = 0;
	int r;
	while ((r = pkgread_next(rd, &pe)) == 1) {
		/* the same file read twice: members must come in the same order */
		char *path = fsr_clean(pe.path, p->item->path);
		r = m < p->ne && path && !strcmp(path, p->e[m].path) ? 0 : -1;
		free(path);
		if (r < 0) {
			kr_err("%s: changed while being installed", p->item->path);
			break;
		}
		if (stage_entry(rootfd, p, &p->e[m++], rd, made, um) < 0) {
			r = -1;
			break;
		}
	}
	pkgread_close(rd);
	return r;
}

/* ---- the database record ---- */

static void record(struct db *db, struct pkg *p)
{
	struct db_pkg d = {0};
	d.info = p->info;
	memset(&p->info, 0, sizeof p->info);
	for (size_t i = 0; i < p->ne; i++) {
		struct entry *e = &p->e[i];
		char t = e->type == 'H' ? 'R' : e->type;
		db_pkg_add_file(&d, t, t == 'R' ? e->sha256 : NULL, e->path);
		/* PATH.krill-new is the package's too: conflicts see it, del removes it */
		if (e->dst && strcmp(e->dst, e->path))
			db_pkg_add_file(&d, t, t == 'R' ? e->sha256 : NULL, e->dst);
	}
	db_put(db, &d);
}

/* apk's replaces: a path the set takes over from a package it replaces
 * leaves that package's file list (a later del of it must not remove it). */
static void take_over(struct db *db, struct pkg *ps, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; ps[i].info.replaces.n && k < ps[i].ne; k++) {
			struct db_pkg *o;
			if (ps[i].e[k].type == 'D' || !(o = db_owner(db, ps[i].e[k].path)) ||
			    !strcmp(o->info.name, ps[i].info.name) ||
			    !sl_has(&ps[i].info.replaces, o->info.name))
				continue;
			size_t w = 0;
			for (size_t f = 0; f < o->nfiles; f++) {
				if (strcmp(o->files[f].path, ps[i].e[k].path))
					o->files[w++] = o->files[f];
				else
					free(o->files[f].path);
			}
			o->nfiles = w;
		}
}

static void free_pkgs(struct pkg *ps, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < ps[i].ne; k++) {
			free(ps[i].e[k].path);
			free(ps[i].e[k].link);
			free(ps[i].e[k].tmp);
			free(ps[i].e[k].dst);
		}
		free(ps[i].e);
		free(ps[i].data);
		pkginfo_free(&ps[i].info);
	}
	free(ps);
}

/* Undo a transaction that failed before its commit point, keeping the
 * error message of the failure. */
static void rollback(struct db *db, int rootfd, const struct journal *j, const struct sb *snap)
{
	char *msg = xstrdup(kr_errmsg());
	journal_rollback(db, rootfd, j);
	db_restore(db, snap);
	kr_err("%s", msg);
	free(msg);
}

static int prepare(struct db *db, int rootfd, struct pkg *ps, size_t n)
{
	struct strmap set = STRMAP_INIT, owned = STRMAP_INIT;
	int r = 0;
	for (size_t i = 0; i < n && r == 0; i++)
		r = verify_file(ps[i].item);
	uint64_t held = 0;
	for (size_t i = 0; i < n && r == 0; i++)
		r = scan_pkg(&ps[i], &held);
	for (size_t i = 0; i < n && r == 0; i++)
		for (size_t k = i + 1; k < n && r == 0; k++)
			if (!strcmp(ps[i].info.name, ps[k].info.name)) {
				kr_err("%s and %s: both are package %s", ps[i].item->path,
				       ps[k].item->path, ps[i].info.name);
				r = -1;
			}
	if (r == 0)
		r = check_set(ps, n, &set);
	if (r == 0)
		r = check_root(db, rootfd, ps, n, &owned);
	free_map(&set);
	strmap_free(&owned);
	return r;
}

/* After the removed packages left the db: a directory a remaining package
 * lists stays; the others go deepest first. */
static void keep_used_dirs(struct db *db, struct journal *j)
{
	struct strlist dirs = STRLIST_INIT;
	for (size_t i = 0; i < j->rmdirs.n; i++)
		if (!db_dir_used(db, j->rmdirs.v[i], NULL))
			sl_push(&dirs, j->rmdirs.v[i]);
	sl_sort(&dirs);
	sl_uniq(&dirs);
	sl_free(&j->rmdirs);
	for (size_t i = dirs.n; i-- > 0;)
		sl_push(&j->rmdirs, dirs.v[i]);
	sl_free(&dirs);
}

int install_pkgs(struct db *db, const struct install_item *v, size_t n,
		 const struct install_opts *o)
{
	int rootfd = fsr_open_root(db->root);
	if (rootfd < 0)
		return -1;
	struct pkg *ps = xcalloc(n + 1, sizeof *ps);
	for (size_t i = 0; i < n; i++)
		ps[i].item = &v[i];
	removing = o ? o->remove : NULL;
	removing_kept = o ? o->kept : NULL;
	for (size_t i = 0; removing && i < removing->n; i++)
		if (!db_find(db, removing->v[i])) {
			kr_err("%s: not installed", removing->v[i]);
			free(ps);
			fsr_close_root(rootfd);
			return -1;
		}
	struct journal j = {0};
	int r = prepare(db, rootfd, ps, n);
	if (r == 0 && (r = plan_files(db, rootfd, ps, n, &j)) == 0)
		r = journal_begin(db, &j);
	struct sb snap = SB_INIT;
	db_snapshot(db, &snap);
	if (r == 0) {
		struct strlist made = STRLIST_INIT;
		for (size_t i = 0; i < n && r == 0; i++) {
			if (o && o->progress)
				o->progress(o->ctx, i + 1, n, &ps[i].info);
			r = stage_pkg(rootfd, &ps[i], &made);
			if (i == n / 2)
				db_crash_point("stage");
		}
		sl_free(&made);
		if (r == 0)
			take_over(db, ps, n);
		for (size_t i = 0; i < n && r == 0; i++)
			record(db, &ps[i]);
		if (r == 0 && removing && removing->n) {
			/* names the set installs are never in `remove` (install.h) */
			for (size_t i = 0; i < removing->n; i++)
				db_drop(db, removing->v[i]);
			keep_used_dirs(db, &j);
		}
		if (r == 0)
			r = journal_commit(db, rootfd, &j);
		if (r < 0)
			rollback(db, rootfd, &j, &snap);
	}
	sb_free(&snap);
	if (r == 0) {
		db_crash_point("commit");
		r = o && o->defer_done ? journal_apply(db, rootfd, &j)
				       : journal_finish(db, rootfd, &j);
	}
	if (r == 0 && db->unplaced.n) {
		/* after the commit point: the root and db stay consistent */
		char *why = db_forget_unplaced(db);
		if (why)
			kr_err("installed, except %s", why);
		free(why);
		r = -1;
	}
	journal_free(&j);
	free_pkgs(ps, n);
	fsr_close_root(rootfd);
	removing = NULL;
	removing_kept = NULL;
	return r;
}

/* ---- removal ---- */

/* Does a package that stays need one that goes? */
static int check_needed(struct db *db, const struct strlist *names)
{
	for (size_t i = 0; i < db->n; i++) {
		const struct pkginfo *stay = &db->pkgs[i].info;
		if (sl_has(names, stay->name))
			continue;
		for (size_t d = 0; d < stay->depends.n; d++) {
			int others = 0, gone = 0;
			for (size_t k = 0; k < db->n; k++) {
				const struct pkginfo *q = &db->pkgs[k].info;
				if (dep_satisfied_by(stay->depends.v[d], q->name, q->version,
						     &q->provides) != 1)
					continue;
				if (sl_has(names, db->pkgs[k].info.name))
					gone = (int)k + 1;
				else
					others = 1;
			}
			if (gone && !others) {
				kr_err("cannot remove %s: %s depends on it (%s)",
				       db->pkgs[gone - 1].info.name, stay->name,
				       stay->depends.v[d]);
				return -1;
			}
		}
	}
	return 0;
}

static void plan_remove(struct db *db, int rootfd, struct db_pkg *p, struct journal *j,
			struct strlist *kept)
{
	for (size_t f = 0; f < p->nfiles; f++) {
		struct db_file *df = &p->files[f];
		if (df->type == 'D') {
			sl_push(&j->rmdirs, df->path); /* filtered once the db is updated */
		} else if (is_conffile(&p->info, df->path) &&
			   user_modified(db, rootfd, p->info.name, df->path)) {
			if (kept)
				sl_push(kept, df->path);
		} else {
			sl_push(&j->rm, df->path);
		}
	}
}

int remove_check(struct db *db, const struct strlist *names)
{
	for (size_t i = 0; i < names->n; i++)
		if (!db_find(db, names->v[i])) {
			kr_err("%s: not installed", names->v[i]);
			return -1;
		}
	return check_needed(db, names);
}

int remove_pkgs(struct db *db, const struct strlist *names, struct strlist *kept)
{
	if (remove_check(db, names) < 0)
		return -1;
	int rootfd = fsr_open_root(db->root);
	if (rootfd < 0)
		return -1;
	struct journal j = {0};
	for (size_t i = 0; i < names->n; i++)
		plan_remove(db, rootfd, db_find(db, names->v[i]), &j, kept);
	struct sb snap = SB_INIT;
	db_snapshot(db, &snap);
	for (size_t i = 0; i < names->n; i++)
		db_drop(db, names->v[i]);
	keep_used_dirs(db, &j);
	int r = journal_begin(db, &j);
	if (r == 0 && (r = journal_commit(db, rootfd, &j)) < 0)
		rollback(db, rootfd, &j, &snap);
	if (r == 0) {
		db_crash_point("commit");
		r = journal_finish(db, rootfd, &j);
	}
	sb_free(&snap);
	journal_free(&j);
	fsr_close_root(rootfd);
	return r;
}

/* ---- local installs (the build's sysroots) ---- */

int install_local(const char *root, const struct strlist *pkgfiles, const struct strlist *names)
{
	if (mkdir_p(root, 0755) < 0)
		return -1;
	struct db db;
	if (db_open(&db, root, 0) < 0) {
		db_close(&db);
		return -1;
	}
	size_t n = pkgfiles->n;
	struct pkginfo *infos = xcalloc(n + 1, sizeof *infos);
	const struct pkginfo **avail = xcalloc(n + 1, sizeof *avail);
	const struct pkginfo **inst = xcalloc(db.n + 1, sizeof *inst);
	int r = 0;
	for (size_t i = 0; i < n && r == 0; i++) {
		r = pkgfile_info(pkgfiles->v[i], &infos[i]);
		avail[i] = &infos[i];
	}
	for (size_t i = 0; i < db.n; i++)
		inst[i] = &db.pkgs[i].info;
	struct solution sol = {0};
	if (r == 0)
		r = solve(avail, n, inst, db.n, names, &sol);
	struct install_item *items = xcalloc(sol.n + 1, sizeof *items);
	for (size_t i = 0; i < sol.n; i++)
		items[i].path = pkgfiles->v[sol.v[i] - infos];
	if (r == 0 && sol.n)
		r = install_pkgs(&db, items, sol.n, NULL);
	free(items);
	solution_free(&sol);
	for (size_t i = 0; i < n; i++)
		pkginfo_free(&infos[i]);
	free(infos);
	free(avail);
	free(inst);
	db_close(&db);
	if (r < 0)
		kr_err_prefix("%s", root);
	return r;
}
