/* solver.c - see solver.h */
#include "solver.h"

#include <stdlib.h>
#include <string.h>

#include "dep.h"
#include "version.h"

static int pkg_provides(const struct pkginfo *p, const char *name, const char *op, const char *ver)
{
	return dep_provides(p->name, p->version, &p->provides, name, op, ver);
}

struct ctx {
	const struct pkginfo *const *avail;
	size_t navail;
	const struct pkginfo *const *inst;
	size_t ninst;
	char *chosen; /* per avail index: picked (visiting or done) */
	struct strlist chain;
	struct solution *out;
};

static void fail_chain(struct ctx *c, const char *fmt, const char *dep, const char *extra)
{
	char *chain = sl_join(&c->chain, " -> ");
	struct sb msg = SB_INIT;
	if (c->chain.n)
		sb_printf(&msg, "%s: ", chain);
	sb_printf(&msg, fmt, dep, extra);
	kr_err("%s", sb_str(&msg));
	sb_free(&msg);
	free(chain);
}

/* Is candidate a better than b for dependency `name`? */
static int better(const struct pkginfo *a, const struct pkginfo *b, const char *name)
{
	int c = version_cmp(a->version, b->version);
	if (c)
		return c > 0;
	int an = !strcmp(a->name, name), bn = !strcmp(b->name, name);
	if (an != bn)
		return an;
	return strcmp(a->name, b->name) < 0;
}

static int visit(struct ctx *c, size_t idx);

static int resolve(struct ctx *c, const char *dep)
{
	char *name, *op, *ver;
	if (dep_split(dep, &name, &op, &ver) < 0) {
		kr_err_prefix("%s", c->chain.n ? c->chain.v[c->chain.n - 1] : "request");
		return -1;
	}
	int r = 0;
	size_t best = (size_t)-1;
	for (size_t i = 0; i < c->ninst; i++)
		if (pkg_provides(c->inst[i], name, op, ver))
			goto done; /* installed: nothing to do */
	for (size_t i = 0; i < c->navail; i++) {
		if (!pkg_provides(c->avail[i], name, op, ver))
			continue;
		if (c->chosen[i]) {
			best = i;
			break;
		}
		if (best == (size_t)-1 || better(c->avail[i], c->avail[best], name))
			best = i;
	}
	if (best == (size_t)-1) {
		struct sb have = SB_INIT;
		for (size_t i = 0; i < c->navail; i++)
			if (!strcmp(c->avail[i]->name, name))
				sb_printf(&have, "%s%s",
					  have.len ? ", " : " (available: ", c->avail[i]->version);
		if (have.len)
			sb_addc(&have, ')');
		fail_chain(c, "nothing provides %s%s", dep, sb_str(&have));
		sb_free(&have);
		r = -1;
		goto done;
	}
	/* Two versions of one name cannot both be installed. */
	for (size_t i = 0; i < c->navail; i++)
		if (i != best && c->chosen[i] && !strcmp(c->avail[i]->name, c->avail[best]->name)) {
			char *both = xasprintf("%s-%s is already chosen", c->avail[i]->name,
					       c->avail[i]->version);
			fail_chain(c, "%s conflicts: %s", dep, both);
			free(both);
			r = -1;
			goto done;
		}
	r = visit(c, best);
done:
	free(name);
	free(op);
	free(ver);
	return r;
}

static int visit(struct ctx *c, size_t idx)
{
	if (c->chosen[idx])
		return 0; /* done, or on the stack: a cycle, which is fine */
	c->chosen[idx] = 1;
	const struct pkginfo *p = c->avail[idx];
	sl_push(&c->chain, p->name);
	for (size_t i = 0; i < p->depends.n; i++)
		if (resolve(c, p->depends.v[i]) < 0)
			return -1;
	free(c->chain.v[--c->chain.n]);
	c->out->v = xrealloc(c->out->v, (c->out->n + 1) * sizeof *c->out->v);
	c->out->v[c->out->n++] = p;
	return 0;
}

int solve(const struct pkginfo *const *avail, size_t navail, const struct pkginfo *const *installed,
	  size_t ninstalled, const struct strlist *requests, struct solution *out)
{
	memset(out, 0, sizeof *out);
	struct ctx c = {avail,	      navail, installed, ninstalled, xcalloc(navail + 1, 1),
			STRLIST_INIT, out};
	int r = 0;
	for (size_t i = 0; i < requests->n && r == 0; i++)
		r = resolve(&c, requests->v[i]);
	free(c.chosen);
	sl_free(&c.chain);
	if (r < 0)
		solution_free(out);
	return r;
}

void solution_free(struct solution *s)
{
	free(s->v);
	memset(s, 0, sizeof *s);
}
