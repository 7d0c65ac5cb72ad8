/* split.c - see split.h */
#include "split.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ldscript.h"

/* ---- globs ---- */

static int match_segs(char **p, size_t np, char **s, size_t ns)
{
	if (np == 0)
		return ns == 0;
	if (!strcmp(p[0], "**")) {
		if (np == 1)
			return ns >= 1;
		for (size_t i = 0; i <= ns; i++)
			if (match_segs(p + 1, np - 1, s + i, ns - i))
				return 1;
		return 0;
	}
	return ns > 0 && fnmatch(p[0], s[0], 0) == 0 && match_segs(p + 1, np - 1, s + 1, ns - 1);
}

int glob_match(const char *pattern, const char *path)
{
	struct strlist p = STRLIST_INIT, s = STRLIST_INIT;
	sl_split(&p, pattern, "/");
	sl_split(&s, path, "/");
	int m = match_segs(p.v, p.n, s.v, s.n);
	sl_free(&p);
	sl_free(&s);
	return m;
}

/* ---- default rules ---- */

static const char *const dev_globs[] = {
	"usr/include/**",	  "usr/lib/*.a",
	"usr/lib/*.la",		  "usr/lib/pkgconfig/**",
	"usr/share/pkgconfig/**", "usr/share/aclocal/**",
	"usr/lib/cmake/**",
};
static const char *const doc_globs[] = {
	"usr/share/man/**",
	"usr/share/info/**",
	"usr/share/doc/**",
};

static int any_match(const char *const *globs, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (glob_match(globs[i], path))
			return 1;
	return 0;
}

/* The link-time name libNAME.so: a symlink, or a linker script (glibc's
 * libc.so); a real ELF library of that name is a runtime file. */
static int is_dev_file(const char *path, mode_t mode, int ldscript)
{
	if (any_match(dev_globs, ARRAY_LEN(dev_globs), path))
		return 1;
	return (S_ISLNK(mode) || ldscript) && glob_match("usr/lib/lib*.so", path);
}

/* ---- walking ---- */

struct entry {
	char *path;
	mode_t mode;
	int ldscript; /* a regular usr/lib/lib*.so that is a linker script */
};

struct entries {
	struct entry *v;
	size_t n, cap;
};

static void add_entry(struct entries *e, const char *path, mode_t mode, int ldscript)
{
	if (e->n == e->cap) {
		e->cap = e->cap ? 2 * e->cap : 64;
		e->v = xrealloc(e->v, e->cap * sizeof *e->v);
	}
	e->v[e->n++] = (struct entry){xstrdup(path), mode, ldscript};
}

static int check_layout(const char *rel, const struct stat *st)
{
	static const char *const legacy[] = {"bin", "sbin", "lib", "lib32", "lib64"};
	for (size_t i = 0; i < ARRAY_LEN(legacy); i++)
		if (S_ISDIR(st->st_mode) && !strcmp(rel, legacy[i])) {
			kr_err("%s: a real directory at the top of the install root; Krill is "
			       "merged-/usr, "
			       "expected usr/%s (or a symlink)",
			       rel, legacy[i]);
			return -1;
		}
	if (!S_ISDIR(st->st_mode) && !S_ISREG(st->st_mode) && !S_ISLNK(st->st_mode)) {
		kr_err("%s: a device, fifo or socket, expected a regular file, symlink or "
		       "directory",
		       rel);
		return -1;
	}
	return 0;
}

static int walk(const char *rel, const char *full, const struct stat *st, void *arg)
{
	struct entries *out = arg;
	if (check_layout(rel, st) < 0)
		return -1;
	if (S_ISDIR(st->st_mode)) {
		struct strlist names = STRLIST_INIT;
		int rc = list_dir(full, &names);
		if (rc == 0 && !names.n)
			add_entry(out, rel, st->st_mode, 0); /* empty directory */
		sl_free(&names);
		return rc;
	}
	int script = 0;
	if (S_ISREG(st->st_mode) && glob_match("usr/lib/lib*.so", rel)) {
		struct strlist ignored = STRLIST_INIT;
		script = ldscript_file_sonames(full, &ignored);
		sl_free(&ignored);
		if (script < 0)
			return -1;
	}
	add_entry(out, rel, st->st_mode, script > 0);
	return 0;
}

/* ---- assignment ---- */

static size_t pkg_index(struct split *s, const char *name, const char *summary)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].name, name))
			return i;
	s->v = xrealloc(s->v, (s->n + 1) * sizeof *s->v);
	s->v[s->n] = (struct split_pkg){.name = xstrdup(name), .summary = xstrdup(summary)};
	return s->n++;
}

static void copy_names(struct strlist *dst, const struct pstrlist *src)
{
	for (size_t i = 0; i < src->n; i++)
		sl_push(dst, src->v[i].s);
}

/* NAME-SUFFIX, made on first use with the summary "SUMMARY (what)". */
static size_t default_pkg(const struct recipe *r, struct split *s, const char *suffix,
			  const char *what)
{
	char *n = xasprintf("%s-%s", r->name.s, suffix);
	char *summary = xasprintf("%s (%s)", r->summary, what);
	size_t k = pkg_index(s, n, summary);
	free(summary);
	free(n);
	return k;
}

/* Package of one path: explicit subpackages first, then defaults. sub[i]
 * is the split index of recipe subpackage i. */
static size_t assign(const struct recipe *r, struct split *s, const size_t *sub,
		     const struct entry *e)
{
	for (size_t i = 0; i < r->nsubpackages; i++)
		for (size_t j = 0; j < r->subpackages[i].files.n; j++)
			if (glob_match(r->subpackages[i].files.v[j].s, e->path))
				return sub[i];
	if (is_dev_file(e->path, e->mode, e->ldscript))
		return default_pkg(r, s, "dev", "development files");
	if (any_match(doc_globs, ARRAY_LEN(doc_globs), e->path))
		return default_pkg(r, s, "doc", "documentation");
	return 0;
}

static int check_nonempty(const struct recipe *r, const struct split *s, const size_t *sub)
{
	for (size_t i = 0; i < r->nsubpackages; i++)
		if (!s->v[sub[i]].files.n) {
			const struct pstr *n = &r->subpackages[i].name;
			kr_err("%s:%d:%d: subpackage '%s' matched no files, expected its globs to "
			       "match "
			       "something in the install root",
			       r->path, n->pos.line, n->pos.col, n->s);
			return -1;
		}
	return 0;
}

/* The package (index) holding the entry a symlink at ents->v[i] points to,
 * or (size_t)-1: not a link, or its target is not in the install root. */
static size_t link_owner(const char *destdir, const struct entries *ents, const size_t *owner,
			 size_t i)
{
	if (!S_ISLNK(ents->v[i].mode))
		return (size_t)-1;
	char *full = path_join(destdir, ents->v[i].path), buf[4096];
	ssize_t n = readlink(full, buf, sizeof buf - 1);
	free(full);
	if (n <= 0)
		return (size_t)-1;
	buf[n] = 0;
	char *dir = path_dirname(ents->v[i].path);
	char *target = buf[0] == '/' ? xstrdup(buf + 1) : path_join(dir, buf);
	size_t k = (size_t)-1;
	for (size_t j = 0; k == (size_t)-1 && j < ents->n; j++)
		if (!strcmp(ents->v[j].path, target))
			k = owner[j];
	free(target);
	free(dir);
	return k;
}

int split_tree(const struct recipe *r, const char *destdir, struct split *out)
{
	memset(out, 0, sizeof *out);
	struct entries ents = {0};
	if (!is_dir(destdir)) {
		kr_err("%s: install root is not a directory", destdir);
		return -1;
	}
	int rc = walk_tree(destdir, walk, &ents);
	pkg_index(out, r->name.s, r->summary);
	copy_names(&out->v[0].depends, &r->depends);
	copy_names(&out->v[0].provides, &r->provides);
	size_t *sub = xcalloc(r->nsubpackages + 1, sizeof *sub);
	size_t *owner = xcalloc(ents.n + 1, sizeof *owner);
	for (size_t i = 0; i < r->nsubpackages; i++) {
		const struct subpackage *sp = &r->subpackages[i];
		sub[i] = pkg_index(out, sp->name.s, sp->summary ? sp->summary : r->summary);
		copy_names(&out->v[sub[i]].depends, &sp->depends);
		copy_names(&out->v[sub[i]].provides, &sp->provides);
	}
	for (size_t i = 0; rc == 0 && i < ents.n; i++) {
		owner[i] = assign(r, out, sub, &ents.v[i]);
		sl_push(&out->v[owner[i]].files, ents.v[i].path);
	}
	if (rc == 0)
		rc = check_nonempty(r, out, sub);
	/* -dev needs exactly its main package (headers match the library) and
	 * exactly the packages its symlinks point into (lib*.so -> a library
	 * split off as `libfoo`): without them the link dangles. */
	char *dev = xasprintf("%s-dev", r->name.s);
	char *fullver = recipe_fullver(r);
	for (size_t i = 1; i < out->n; i++) {
		if (strcmp(out->v[i].name, dev))
			continue;
		sl_push_own(&out->v[i].depends, xasprintf("%s=%s", r->name.s, fullver));
		for (size_t j = 0; rc == 0 && j < ents.n; j++) {
			size_t k =
				owner[j] == i ? link_owner(destdir, &ents, owner, j) : (size_t)-1;
			char *d = k != (size_t)-1 && k != i && k != 0
					  ? xasprintf("%s=%s", out->v[k].name, fullver)
					  : NULL;
			if (d && !sl_has(&out->v[i].depends, d))
				sl_push(&out->v[i].depends, d);
			free(d);
		}
	}
	for (size_t i = 1; i < out->n; i++)
		sl_sort(&out->v[i].files);
	sl_sort(&out->v[0].files);
	free(fullver);
	free(dev);
	for (size_t i = 0; i < ents.n; i++)
		free(ents.v[i].path);
	free(ents.v);
	free(owner);
	free(sub);
	if (rc < 0)
		split_free(out);
	return rc;
}

void split_free(struct split *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].name);
		free(s->v[i].summary);
		sl_free(&s->v[i].files);
		sl_free(&s->v[i].depends);
		sl_free(&s->v[i].provides);
	}
	free(s->v);
	memset(s, 0, sizeof *s);
}
