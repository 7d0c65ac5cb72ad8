/* dep.h - the grammar of package names, versions and dependencies, and
 * whether a package satisfies a dependency.
 *
 * One grammar for every layer: recipe validation and the ports graph, the
 * package metadata reader, the index, the solver and the installer use it,
 * so none of them needs the recipe layer (or libyaml) for it.
 *
 * - A package name is lowercase letters, digits and + . _ -, starting with
 *   a letter or digit ("zlib", "libstdc++6").
 * - A version is digits and letters in segments separated by '.', '+' or
 *   '_', starting with a digit, with an optional "~pre" suffix that sorts
 *   before the release it precedes (order: version.h). A full version adds
 *   the recipe's release: "1.3-r0".
 * - A dependency is "NAME", "NAME OP VERSION" (OP one of < <= = >= >, no
 *   spaces: "zlib>=1.3" or "zlib>=1.3-r0") or "so:SONAME" (never
 *   versioned). A recipe's own constraints carry no release (recipe.c).
 * - A package satisfies a dependency when its name is NAME and its version
 *   satisfies the constraint, or when it provides NAME: an unversioned
 *   provide satisfies only an unversioned dependency, "NAME=VER" is checked
 *   against VER (as in apk). so: names are matched as names: only a
 *   provide "so:SONAME" satisfies them.
 */
#ifndef KRILL_DEP_H
#define KRILL_DEP_H

#include "util.h"

int valid_pkgname(const char *s);
int valid_version(const char *s);
/* "VERSION-rN" */
int valid_full_version(const char *s);

/* Split a dependency; *op and *ver are "" when unversioned. 0, or -1 with
 * kr_err naming the dependency and the grammar. */
int dep_split(const char *dep, char **name, char **op, char **ver);

/* Does the package (name, version, provides) satisfy the split dependency
 * (name, op, ver) from dep_split? */
int dep_provides(const char *pkgname, const char *pkgver, const struct strlist *provides,
		 const char *name, const char *op, const char *ver);
/* The same for an unsplit dependency; -1 (with kr_err) when it is malformed. */
int dep_satisfied_by(const char *dep, const char *pkgname, const char *pkgver,
		     const struct strlist *provides);

/* A world entry (apk-world(5)): "[!]DEP[@TAG]" where DEP is a dependency
 * as above (the tag may also come right after the name: "foo@edge>=2"), and
 * the name may start with '.' (a virtual package made by `add -t`).
 * '!' makes it a conflict: nothing satisfying DEP may be installed. */
struct world_dep {
	int conflict;
	char *name, *op, *ver; /* as dep_split */
	char *tag;	       /* "" when untagged */
};
/* 0, or -1 with kr_err naming the entry and the grammar; also -1 when the
 * version is one apk orders differently (dep_apk_differs). */
int world_dep_parse(const char *entry, struct world_dep *out);
void world_dep_free(struct world_dep *w);
/* A virtual package name: '.' then a package name (".build-deps"). */
int valid_virtual_name(const char *s);
/* NULL, or why apk would order version v differently from krill (a static
 * sentence): a pre-release suffix _alpha/_beta/_pre/_rc (after the release
 * in krill, before it in apk) or a number with a leading zero after the
 * first component (1.01 == 1.1 in krill, below it in apk). */
const char *dep_apk_differs(const char *v);

#endif
