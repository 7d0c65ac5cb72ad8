/* solver.h - choose the packages a root should hold: libsolv's SAT solver
 * over krill's dependency grammar (dep.h) and version order (version.h).
 *
 * Krill decides what matches and what is better; libsolv only searches.
 * Every dependency string becomes a name of its own in the libsolv pool,
 * provided exactly by the packages dep_provides() says satisfy it, so
 * libsolv never compares a version itself; the preference between
 * candidates is one total order handed to libsolv as favour jobs.
 *
 * The rules (apk's where apk defines them; tools/doc/client.md):
 * - the result depends on the set of requests, not their order;
 * - complete: when any choice of versions satisfies everything, one is found
 *   (backtracking to older versions);
 * - one installed package per name: a package owns its name and every
 *   versioned provide (NAME=VER); two owners of one name conflict.
 *   Unversioned provides (so: names, "sh") do not own the name;
 * - preference: an installed version being kept (not upgraded), then for
 *   one name the pinned repository and the highest version, then the
 *   earlier repository; between providers of a name, the highest provided
 *   version, then the highest provider-priority, then the package carrying
 *   the name itself, then the highest version, then the smaller name;
 * - strict_virtual: a name only versionless providers answer to needs an
 *   explicit choice (the provider named in the world, or needed anyway)
 *   unless one provider-priority is the highest;
 * - NAME@TAG: packages of a tagged repository are candidates only for a
 *   request pinned to that tag and the dependencies they pull in;
 * - install_if: a package whose install-if dependencies are all installed
 *   is installed too (libsolv supplements);
 * - "!DEP" (world entry or depend: line): nothing satisfying DEP may be
 *   installed alongside.
 * A package's provide of its own name is ignored. An unsolvable request
 * returns -1 with kr_err explaining each problem as a chain:
 * "a -> b -> c: nothing provides so:libfoo.so.1".
 */
#ifndef KRILL_SOLVER_H
#define KRILL_SOLVER_H

#include "pkginfo.h"

struct solution {
	const struct pkginfo **v; /* into avail or installed; dependencies
				   * before dependents except inside a cycle */
	size_t n;
};

struct solve_req {
	const struct pkginfo *const *avail; /* in repository order */
	size_t navail;
	const char *const *tags; /* per avail package: its repository's tag
				  * ("" or NULL: untagged); NULL: none tagged */
	const struct pkginfo *const *installed;
	size_t ninstalled;
	const struct strlist *world;   /* world entries (dep.h world_dep) */
	int upgrade_all;	       /* prefer the newest of everything */
	const struct strlist *upgrade; /* or of these names (NULL: none) */
	int upgrade_deps;	       /* and of their dependencies (add -u) */
	int latest;		       /* upgraded world names take their newest */
	int available;		       /* installed versions no repository offers
					* are no candidates (virtual ones stay) */
	int strict_virtual;
};

/* The whole set the root should hold. 0, or -1 with kr_err. */
int solve_world(const struct solve_req *r, struct solution *out);

/* For the build's sysroots (install_local): the packages of avail to add
 * so that requests and every installed package are satisfied; installed
 * versions are kept when they do. */
int solve(const struct pkginfo *const *avail, size_t navail, const struct pkginfo *const *installed,
	  size_t ninstalled, const struct strlist *requests, struct solution *out);
void solution_free(struct solution *s);

#endif
