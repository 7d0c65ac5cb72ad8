/* solver.h - choose the packages that satisfy a request.
 *
 * Dependencies and what satisfies one: dep.h.
 *
 * The rules, in order: a dependency an installed package satisfies needs
 * nothing; one a package already chosen in this solution satisfies takes
 * it; else the candidate with the highest version wins, ties going to the
 * package whose name is the dependency's, then to the smaller name, then
 * to the earlier one in `avail` (the earlier repository). Greedy, no
 * backtracking; the same input always gives the same answer. Cycles among
 * runtime dependencies are fine. A failure names the chain that led to it:
 * "a -> b -> c: nothing provides so:libfoo.so.1".
 */
#ifndef KRILL_SOLVER_H
#define KRILL_SOLVER_H

#include "pkginfo.h"

struct solution {
	const struct pkginfo **v; /* into avail; dependencies before dependents
				   * except inside a cycle */
	size_t n;
};

int solve(const struct pkginfo *const *avail, size_t navail, const struct pkginfo *const *installed,
	  size_t ninstalled, const struct strlist *requests, struct solution *out);
void solution_free(struct solution *s);

#endif
