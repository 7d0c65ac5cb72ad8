/* solver.c - see solver.h */
#include "solver.h"

#include <stdlib.h>
#include <string.h>

#include "version.h"

/* "VERSION" or "VERSION-rN" */
static int valid_full_version(const char *v)
{
	const char *d = strrchr(v, '-');
	if (!d)
		return valid_version(v);
	if (d[1] != 'r' || !d[2] || strspn(d + 2, "0123456789") != strlen(d + 2))
		return 0;
	char *up = xstrndup(v, (size_t)(d - v));
	int ok = valid_version(up);
	free(up);
	return ok;
}

int dep_split(const char *dep, char **name, char **op, char **ver)
{
	size_t n = str_starts(dep, "so:") ? strlen(dep) : strcspn(dep, "<>=");
	const char *o = dep + n;
	size_t ol = strspn(o, "<>=");
	static const char *const ops[] = {"", "<", "<=", "=", ">=", ">"};
	int ok = n > 0 && !strchr(dep, ' ');
	if (ok) {
		ok = 0;
		for (size_t i = 0; i < ARRAY_LEN(ops); i++)
			if (strlen(ops[i]) == ol && !strncmp(ops[i], o, ol))
				ok = 1;
	}
	if (ok && ol && !valid_full_version(o + ol))
		ok = 0;
	if (!ok) {
		kr_err("dependency '%s': expected NAME, NAME OP VERSION (OP one of < <= = >= >) "
		       "or so:SONAME",
		       dep);
		return -1;
	}
	*name = xstrndup(dep, n);
	*op = xstrndup(o, ol);
	*ver = xstrdup(o + ol);
	return 0;
}

static int provides(const struct pkginfo *p, const char *name, const char *op, const char *ver)
{
	if (!strcmp(p->name, name) && (!*op || version_satisfies(p->version, op, ver)))
		return 1;
	size_t nl = strlen(name);
	for (size_t i = 0; i < p->provides.n; i++) {
		const char *pv = p->provides.v[i];
		if (strncmp(pv, name, nl))
			continue;
		if (!pv[nl] && !*op)
			return 1;
		if (pv[nl] == '=' && (!*op || version_satisfies(pv + nl + 1, op, ver)))
			return 1;
	}
	return 0;
}

int dep_satisfied_by(const char *dep, const struct pkginfo *p)
{
	char *name, *op, *ver;
	if (dep_split(dep, &name, &op, &ver) < 0)
		return -1;
	int r = provides(p, name, op, ver);
	free(name);
	free(op);
	free(ver);
	return r;
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
		if (provides(c->inst[i], name, op, ver))
			goto done; /* installed: nothing to do */
	for (size_t i = 0; i < c->navail; i++) {
		if (!provides(c->avail[i], name, op, ver))
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
