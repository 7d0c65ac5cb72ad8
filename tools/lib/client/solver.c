/* solver.c - see solver.h */
#include "solver.h"

#include <stdlib.h>
#include <string.h>

#include <solv/pool.h>
#include <solv/poolarch.h>
#include <solv/problems.h>
#include <solv/repo.h>
#include <solv/rules.h>
#include <solv/solver.h>

#include "dep.h"
#include "strmap.h"
#include "version.h"

/* A candidate: a package of avail, or an installed one no repository has. */
struct cand {
	const struct pkginfo *p;
	const char *tag; /* "" untagged */
	long prio;	 /* provider-priority, -1 unset */
	int inst;	 /* this exact version is installed */
	int kept;	 /* inst and not being upgraded: preferred */
	int allowed;	 /* a candidate at all (tags) */
	size_t order;	 /* input position: earlier repository first */
	Id sid;
	Queue prov, req, con, sup; /* synthetic dependency ids */
};

/* A dependency string turned into a pool name of its own. */
struct sdep {
	char *text; /* as written, without '!' */
	Id id;
	int bad; /* malformed: kr_err text in why */
	char *why;
	int *prov; /* candidates satisfying it */
	size_t nprov;
	int versioned; /* the name has a versioned provider or a package of that name */
	char *name;
};

struct ctx {
	const struct solve_req *r;
	struct cand *c;
	size_t n;
	struct strmap byname; /* name -> struct ilist of candidates */
	struct strmap deps;   /* text -> struct sdep */
	struct sdep **dv;     /* by creation */
	size_t ndv;
	Pool *pool;
	Repo *repo;
	Solver *solv;
	struct strlist jobdesc; /* per job pair: world entry text or "" */
};

struct ilist {
	int *v;
	size_t n;
};

static void il_push(struct ilist *l, int x)
{
	if (l->n && l->v[l->n - 1] == x)
		return;
	l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	l->v[l->n++] = x;
}

static void index_name(struct ctx *x, const char *name, int ci)
{
	struct ilist *l = strmap_get(&x->byname, name);
	if (!l) {
		l = xcalloc(1, sizeof *l);
		strmap_put(&x->byname, name, l);
	}
	il_push(l, ci);
}

/* The name part of a provide ("so:x", "cmd=1" -> "cmd") */
static char *prov_name(const char *pv)
{
	return str_starts(pv, "so:") ? xstrdup(pv) : xstrndup(pv, strcspn(pv, "="));
}

/* The version a candidate gives name under (NULL: versionless). */
static const char *prov_version(const struct pkginfo *p, const char *name)
{
	if (!strcmp(p->name, name))
		return p->version;
	size_t nl = strlen(name);
	for (size_t i = 0; i < p->provides.n; i++)
		if (!strncmp(p->provides.v[i], name, nl) && p->provides.v[i][nl] == '=')
			return p->provides.v[i] + nl + 1;
	return NULL;
}

static int self_provide(const struct pkginfo *p, const char *pv)
{
	size_t nl = strlen(p->name);
	return !strncmp(pv, p->name, nl) && (!pv[nl] || pv[nl] == '=');
}

static int cand_has_name(const struct cand *c, const char *name)
{
	if (!strcmp(c->p->name, name))
		return 1;
	for (size_t i = 0; i < c->p->provides.n; i++) {
		char *n = prov_name(c->p->provides.v[i]);
		int m = !strcmp(n, name) && !self_provide(c->p, c->p->provides.v[i]);
		free(n);
		if (m)
			return 1;
	}
	return 0;
}

/* The synthetic id of a dependency (name/op/ver already split). */
static struct sdep *sdep_get(struct ctx *x, const char *text, const char *name, const char *op,
			     const char *ver, const char *bad)
{
	struct sdep *d = strmap_get(&x->deps, text);
	if (d)
		return d;
	d = xcalloc(1, sizeof *d);
	d->text = xstrdup(text);
	char *pn = xasprintf("\x01%s", text);
	d->id = pool_str2id(x->pool, pn, 1);
	free(pn);
	if (bad) {
		d->bad = 1;
		d->why = xstrdup(bad);
	} else {
		d->name = xstrdup(name);
		struct ilist *l = strmap_get(&x->byname, name);
		for (size_t i = 0; l && i < l->n; i++) {
			struct cand *c = &x->c[l->v[i]];
			if (!c->allowed)
				continue;
			/* dep_provides, minus a self-provide (ignored) */
			struct strlist pv = STRLIST_INIT;
			for (size_t k = 0; k < c->p->provides.n; k++)
				if (!self_provide(c->p, c->p->provides.v[k]))
					sl_push(&pv, c->p->provides.v[k]);
			if (dep_provides(c->p->name, c->p->version, &pv, name, op, ver)) {
				d->prov = xrealloc(d->prov, (d->nprov + 1) * sizeof *d->prov);
				d->prov[d->nprov++] = l->v[i];
				queue_push(&c->prov, d->id);
				if (prov_version(c->p, name))
					d->versioned = 1;
			}
			sl_free(&pv);
		}
	}
	strmap_put(&x->deps, text, d);
	x->dv = xrealloc(x->dv, (x->ndv + 1) * sizeof *x->dv);
	x->dv[x->ndv++] = d;
	return d;
}

/* A package's dependency line ("!" for a conflict). */
static struct sdep *pkgdep(struct ctx *x, const char *dep, int *conflict)
{
	*conflict = dep[0] == '!';
	if (*conflict)
		dep++;
	struct sdep *d = strmap_get(&x->deps, dep);
	if (d)
		return d;
	char *name, *op, *ver;
	if (dep_split(dep, &name, &op, &ver) < 0)
		return sdep_get(x, dep, NULL, NULL, NULL, kr_errmsg());
	d = sdep_get(x, dep, name, op, ver, NULL);
	free(name);
	free(op);
	free(ver);
	return d;
}

static int upgrading(const struct solve_req *r, const char *name)
{
	return r->upgrade_all || (r->upgrade && sl_has(r->upgrade, name));
}

/* The preference order: > 0 when a is better than b. */
static const struct ctx *sort_ctx;
static int better(const struct cand *a, const struct cand *b)
{
	if (a->kept != b->kept)
		return a->kept - b->kept;
	const struct pkginfo *pa = a->p, *pb = b->p;
	if (!strcmp(pa->name, pb->name)) {
		int ta = !!*a->tag, tb = !!*b->tag;
		if (ta != tb)
			return ta - tb; /* allowed from a pinned tag: preferred */
		int c = version_cmp(pa->version, pb->version);
		if (c)
			return c;
		return a->order < b->order ? 1 : a->order > b->order ? -1 : 0;
	}
	/* a name both answer to */
	const char *shared = NULL;
	char *own = NULL;
	if (cand_has_name(b, pa->name))
		shared = pa->name;
	for (size_t i = 0; !shared && i < pa->provides.n; i++) {
		free(own);
		own = prov_name(pa->provides.v[i]);
		if (!self_provide(pa, pa->provides.v[i]) && cand_has_name(b, own))
			shared = own;
	}
	int r = 0;
	if (shared) {
		const char *va = prov_version(pa, shared), *vb = prov_version(pb, shared);
		if (va && vb)
			r = version_cmp(va, vb);
		else
			r = !!va - !!vb;
		if (!r && a->prio != b->prio)
			r = a->prio > b->prio ? 1 : -1;
		if (!r)
			r = !strcmp(pa->name, shared) - !strcmp(pb->name, shared);
		if (!r)
			r = version_cmp(pa->version, pb->version);
	}
	free(own);
	if (!r)
		r = -strcmp(pa->name, pb->name);
	if (!r)
		r = a->order < b->order ? 1 : a->order > b->order ? -1 : 0;
	return r;
}

static int cmp_pref(const void *ap, const void *bp)
{
	const struct cand *a = &sort_ctx->c[*(const int *)ap], *b = &sort_ctx->c[*(const int *)bp];
	return better(a, b); /* ascending: least preferred first */
}

static int same_pkg(const struct pkginfo *a, const struct pkginfo *b)
{
	return !strcmp(a->name, b->name) && !strcmp(a->version, b->version);
}

/* Packages of tagged repositories that a pinned world entry reaches. */
static void allow_pinned(struct ctx *x, struct world_dep *w, size_t nw)
{
	int *queue = xcalloc(x->n + 1, sizeof *queue);
	size_t qh = 0, qt = 0;
	for (size_t i = 0; i < nw; i++) {
		if (!*w[i].tag || w[i].conflict)
			continue;
		struct ilist *l = strmap_get(&x->byname, w[i].name);
		for (size_t k = 0; l && k < l->n; k++) {
			struct cand *c = &x->c[l->v[k]];
			if (!c->allowed && !strcmp(c->tag, w[i].tag) &&
			    dep_provides(c->p->name, c->p->version, &c->p->provides, w[i].name,
					 w[i].op, w[i].ver)) {
				c->allowed = 1;
				queue[qt++] = l->v[k];
			}
		}
	}
	while (qh < qt) {
		const struct cand *from = &x->c[queue[qh++]];
		for (size_t d = 0; d < from->p->depends.n; d++) {
			char *name, *op, *ver;
			const char *dep = from->p->depends.v[d];
			if (dep[0] == '!' || dep_split(dep, &name, &op, &ver) < 0)
				continue;
			struct ilist *l = strmap_get(&x->byname, name);
			for (size_t k = 0; l && k < l->n; k++) {
				struct cand *c = &x->c[l->v[k]];
				if (!c->allowed && !strcmp(c->tag, from->tag) &&
				    dep_provides(c->p->name, c->p->version, &c->p->provides, name,
						 op, ver)) {
					c->allowed = 1;
					queue[qt++] = l->v[k];
				}
			}
			free(name);
			free(op);
			free(ver);
		}
	}
	free(queue);
}

/* Names reachable from the upgrade names through dependencies (add -u). */
static void expand_upgrade(struct ctx *x, struct strlist *names)
{
	for (size_t i = 0; i < names->n; i++) {
		struct ilist *l = strmap_get(&x->byname, names->v[i]);
		for (size_t k = 0; l && k < l->n; k++) {
			const struct pkginfo *p = x->c[l->v[k]].p;
			if (!x->c[l->v[k]].inst)
				continue;
			for (size_t d = 0; d < p->depends.n; d++) {
				char *name, *op, *ver;
				if (p->depends.v[d][0] == '!' ||
				    dep_split(p->depends.v[d], &name, &op, &ver) < 0)
					continue;
				struct ilist *m = strmap_get(&x->byname, name);
				for (size_t j = 0; m && j < m->n; j++)
					if (x->c[m->v[j]].inst &&
					    !sl_has(names, x->c[m->v[j]].p->name))
						sl_push(names, x->c[m->v[j]].p->name);
				free(name);
				free(op);
				free(ver);
			}
		}
	}
}

/* ---- explanations ---- */

static int cand_of(const struct ctx *x, Id sid)
{
	for (size_t i = 0; i < x->n; i++)
		if (x->c[i].sid == sid)
			return (int)i;
	return -1;
}

static struct sdep *sdep_of(const struct ctx *x, Id id)
{
	for (size_t i = 0; i < x->ndv; i++)
		if (x->dv[i]->id == id)
			return x->dv[i];
	return NULL;
}

/* "a -> b -> c": the shortest path of dependencies from a world entry to
 * candidate `to` (just its name when no path exists). */
static char *chain_to(const struct ctx *x, const struct world_dep *w, size_t nw, int to)
{
	int *prev = xcalloc(x->n + 1, sizeof *prev), *queue = xcalloc(x->n + 1, sizeof *queue);
	char *seen = xcalloc(x->n + 1, 1);
	size_t qh = 0, qt = 0;
	for (size_t i = 0; i < nw; i++) {
		if (w[i].conflict)
			continue;
		char *t = xasprintf("%s%s%s", w[i].name, w[i].op, w[i].ver);
		struct sdep *d = strmap_get(&x->deps, t);
		free(t);
		for (size_t k = 0; d && k < d->nprov; k++)
			if (!seen[d->prov[k]]) {
				seen[d->prov[k]] = 1;
				prev[d->prov[k]] = -1;
				queue[qt++] = d->prov[k];
			}
	}
	while (qh < qt && !seen[to]) {
		int at = queue[qh++];
		const struct pkginfo *p = x->c[at].p;
		for (size_t i = 0; i < p->depends.n; i++) {
			const char *dep = p->depends.v[i][0] == '!' ? "" : p->depends.v[i];
			struct sdep *d = strmap_get(&x->deps, dep);
			for (size_t k = 0; d && k < d->nprov; k++)
				if (!seen[d->prov[k]]) {
					seen[d->prov[k]] = 1;
					prev[d->prov[k]] = at;
					queue[qt++] = d->prov[k];
				}
		}
	}
	struct strlist path = STRLIST_INIT;
	if (seen[to])
		for (int at = to; at >= 0; at = prev[at])
			sl_push(&path, x->c[at].p->name);
	else
		sl_push(&path, x->c[to].p->name);
	struct sb s = SB_INIT;
	for (size_t i = path.n; i-- > 0;)
		sb_printf(&s, "%s%s", i + 1 < path.n ? " -> " : "", path.v[i]);
	sl_free(&path);
	free(prev);
	free(queue);
	free(seen);
	return sb_steal(&s);
}

static void available_versions(const struct ctx *x, const char *name, struct sb *out)
{
	size_t n = 0;
	for (size_t i = 0; i < x->n; i++)
		if (x->c[i].allowed && name && !strcmp(x->c[i].p->name, name))
			sb_printf(out, "%s%s", n++ ? ", " : " (available: ", x->c[i].p->version);
	if (n)
		sb_addc(out, ')');
}

static const char *pkgname_of(const struct ctx *x, Id sid, char **buf)
{
	int ci = cand_of(x, sid);
	free(*buf);
	*buf = ci < 0 ? xstrdup("?") : xasprintf("%s-%s", x->c[ci].p->name, x->c[ci].p->version);
	return *buf;
}

/* One sentence per root cause of each problem. */
static void explain(struct ctx *x, const struct world_dep *w, size_t nw, int nprob)
{
	struct strlist out = STRLIST_INIT;
	Queue rules;
	queue_init(&rules);
	for (Id prob = 1; prob <= (Id)nprob; prob++) {
		solver_findallproblemrules(x->solv, prob, &rules);
		struct strlist why = STRLIST_INIT;
		struct sb needs = SB_INIT;
		struct sdep *reqs[64];
		int reqfrom[64];
		size_t nreq = 0;
		char *inconf = xcalloc(x->n + 1, 1);
		for (int i = 0; i < rules.count; i++) {
			Id source, target, dep;
			Id rid = rules.elements[i];
			SolverRuleinfo t = solver_ruleinfo(x->solv, rid, &source, &target, &dep);
			struct sdep *d = dep ? sdep_of(x, dep) : NULL;
			const char *dt = d ? d->text : "?";
			int cs = source ? cand_of(x, source) : -1,
			    ct = target ? cand_of(x, target) : -1;
			char *a = NULL, *b = NULL, *n1 = NULL, *n2 = NULL;
			struct sb s = SB_INIT, have = SB_INIT;
			switch (t) {
			case SOLVER_RULE_JOB_NOTHING_PROVIDES_DEP:
			case SOLVER_RULE_PKG_NOTHING_PROVIDES_DEP:
				if (t == SOLVER_RULE_PKG_NOTHING_PROVIDES_DEP && cs >= 0) {
					a = chain_to(x, w, nw, cs);
					sb_printf(&s, "%s: ", a);
				}
				if (d && d->bad)
					sb_adds(&s, d->why);
				else {
					available_versions(x, d ? d->name : NULL, &have);
					sb_printf(&s, "nothing provides %s%s", dt, sb_str(&have));
				}
				break;
			case SOLVER_RULE_PKG_REQUIRES:
				if (cs >= 0 && d && nreq < 64) {
					reqs[nreq] = d;
					reqfrom[nreq++] = cs;
				}
				break;
			case SOLVER_RULE_PKG_SAME_NAME:
				if (cs >= 0 && ct >= 0)
					inconf[cs] = inconf[ct] = 1;
				sb_printf(&s, "only one version of %s can be installed: %s or %s",
					  cs >= 0 ? x->c[cs].p->name : "?",
					  pkgname_of(x, source, &n1), pkgname_of(x, target, &n2));
				break;
			case SOLVER_RULE_PKG_CONFLICTS:
				if (cs >= 0 && ct >= 0)
					inconf[cs] = inconf[ct] = 1;
				if (dt[0] == '\x02' && cs >= 0 && ct >= 0 &&
				    strcmp(x->c[cs].p->name, x->c[ct].p->name) > 0) {
					Id sw = source;
					source = target;
					target = sw;
				}
				if (dt[0] == '\x02') /* ownership of a name */
					sb_printf(&s,
						  "%s and %s both provide %s: only one can be "
						  "installed",
						  pkgname_of(x, source, &n1),
						  pkgname_of(x, target, &n2), dt + 1);
				else
					sb_printf(&s, "%s conflicts with %s (!%s)",
						  pkgname_of(x, source, &n1),
						  pkgname_of(x, target, &n2), dt);
				break;
			case SOLVER_RULE_JOB: {
				int ji = solver_rule2jobidx(x->solv, rid) - 1;
				const char *jd = ji >= 0 && (size_t)ji / 2 < x->jobdesc.n
							 ? x->jobdesc.v[ji / 2]
							 : "";
				/* a world conflict or --latest is a cause; a plain
				 * request only the start of a chain */
				Id what;
				Id how = solver_rule2job(x->solv, rid, &what);
				struct sdep *jdp =
					(how & SOLVER_SELECTMASK) == SOLVER_SOLVABLE_PROVIDES
						? sdep_of(x, what)
						: NULL;
				for (size_t k = 0; jd[0] == '!' && jdp && k < jdp->nprov; k++)
					inconf[jdp->prov[k]] = 1;
				if (jd[0] == '!' || strstr(jd, "(--latest)"))
					sb_printf(&s, "the request %s", jd);
				else if (*jd)
					sb_printf(&s, "(the request %s)", jd);
				break;
			}
			default: break;
			}
			(void)ct;
			if (s.len && !sl_has(&why, sb_str(&s)))
				sl_push(&why, sb_str(&s));
			sb_free(&s);
			sb_free(&have);
			free(a);
			free(b);
			free(n1);
			free(n2);
		}
		/* the requirements that lead to the conflicting packages */
		for (size_t i = 0; i < nreq; i++) {
			int hit = 0;
			for (size_t k = 0; k < reqs[i]->nprov && !hit; k++)
				hit = inconf[reqs[i]->prov[k]];
			if (!hit)
				continue;
			char *a = chain_to(x, w, nw, reqfrom[i]);
			sb_printf(&needs, "%s%s needs %s", needs.len ? ", " : "", a, reqs[i]->text);
			free(a);
		}
		/* a plain request only matters when it is the whole story */
		int plain = 0, other = 0;
		for (size_t i = 0; i < why.n; i++)
			*why.v[i] == '(' ? plain++ : other++;
		struct sb line = SB_INIT;
		for (size_t i = 0; i < why.n; i++) {
			if (*why.v[i] == '(' && other)
				continue;
			sb_printf(&line, "%s%s", line.len ? "; " : "", why.v[i]);
		}
		if (needs.len)
			sb_printf(&line, "; because %s", sb_str(&needs));
		free(inconf);
		if (line.len)
			sl_push(&out, sb_str(&line));
		sb_free(&line);
		sl_free(&why);
		sb_free(&needs);
	}
	queue_free(&rules);
	sl_uniq(&out);
	char *all = sl_join(&out, "\n  ");
	kr_err("%s", out.n ? all : "the request cannot be satisfied");
	free(all);
	sl_free(&out);
}

/* A name only versionless providers answer to, without a priority that
 * settles it: the chosen provider must have been asked for by name or be
 * needed anyway. */
static int check_virtual(struct ctx *x, const struct world_dep *w, size_t nw, const char *chosen,
			 const char *from_world)
{
	for (size_t i = 0; i < x->ndv; i++) {
		struct sdep *d = x->dv[i];
		if (d->bad || d->versioned || d->nprov < 2 || str_starts(d->text, "so:"))
			continue; /* so: names: apk's are versioned, chosen automatically */
		size_t names = 1;
		for (size_t k = 1; k < d->nprov; k++)
			if (strcmp(x->c[d->prov[k]].p->name, x->c[d->prov[0]].p->name))
				names++;
		if (names < 2)
			continue;
		long top = -1;
		size_t ntop = 0;
		for (size_t k = 0; k < d->nprov; k++) {
			long p = x->c[d->prov[k]].prio;
			if (p > top)
				top = p, ntop = 0;
			if (p == top)
				ntop++;
		}
		if (top >= 0 && ntop == 1)
			continue;
		/* which chosen providers answer it, and is one wanted anyway */
		int used = 0, ok = 0;
		for (size_t k = 0; k < d->nprov; k++)
			if (chosen[d->prov[k]]) {
				used = 1;
				if (from_world[d->prov[k]] || x->c[d->prov[k]].kept)
					ok = 1;
			}
		if (!used || ok)
			continue;
		/* is it required at all (by the world or a chosen package)? */
		int needed = 0;
		for (size_t k = 0; k < nw && !needed; k++) {
			char *t = xasprintf("%s%s%s", w[k].name, w[k].op, w[k].ver);
			needed = !w[k].conflict && !strcmp(t, d->text);
			free(t);
		}
		for (size_t c = 0; c < x->n && !needed; c++)
			if (chosen[c])
				needed = sl_has(&x->c[c].p->depends, d->text);
		if (!needed)
			continue;
		struct strlist pn = STRLIST_INIT;
		for (size_t k = 0; k < d->nprov; k++)
			sl_push(&pn, x->c[d->prov[k]].p->name);
		sl_sort(&pn);
		sl_uniq(&pn);
		char *list = sl_join(&pn, ", ");
		kr_err("%s is provided only by packages without a version (%s): name one of them",
		       d->text, list);
		free(list);
		sl_free(&pn);
		return -1;
	}
	return 0;
}

static void order_visit(struct ctx *x, int ci, char *state, const char *chosen,
			struct solution *out)
{
	if (state[ci])
		return;
	state[ci] = 1;
	const struct pkginfo *p = x->c[ci].p;
	for (size_t i = 0; i < p->depends.n; i++) {
		struct sdep *d = strmap_get(&x->deps, p->depends.v[i]);
		for (size_t k = 0; d && k < d->nprov; k++)
			if (chosen[d->prov[k]])
				order_visit(x, d->prov[k], state, chosen, out);
	}
	out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
	out->v[out->n++] = p;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int solve_world(const struct solve_req *r, struct solution *out)
{
	memset(out, 0, sizeof *out);
	size_t nw = r->world ? r->world->n : 0;
	struct world_dep *w = xcalloc(nw + 1, sizeof *w);
	/* the world in a canonical order: the result cannot depend on it */
	char **sorted = xcalloc(nw + 1, sizeof *sorted);
	for (size_t i = 0; i < nw; i++)
		sorted[i] = r->world->v[i];
	qsort(sorted, nw, sizeof *sorted, cmp_str);
	for (size_t i = 0; i < nw; i++)
		if (world_dep_parse(sorted[i], &w[i]) < 0) {
			for (size_t k = 0; k < i; k++)
				world_dep_free(&w[k]);
			free(w);
			free(sorted);
			return -1;
		}

	struct ctx x = {.r = r};
	x.c = xcalloc(r->navail + r->ninstalled + 1, sizeof *x.c);
	struct strlist upg = STRLIST_INIT;
	for (size_t i = 0; r->upgrade && i < r->upgrade->n; i++)
		sl_push(&upg, r->upgrade->v[i]);
	struct solve_req rr = *r;
	rr.upgrade = &upg;
	for (size_t i = 0; i < r->navail; i++) {
		struct cand *c = &x.c[x.n];
		c->p = r->avail[i];
		c->tag = r->tags && r->tags[i] ? r->tags[i] : "";
		c->allowed = !*c->tag;
		c->order = x.n++;
	}
	for (size_t i = 0; i < r->ninstalled; i++) {
		const struct pkginfo *ip = r->installed[i];
		int found = 0;
		for (size_t k = 0; k < r->navail && !found; k++)
			if (same_pkg(r->avail[k], ip)) {
				x.c[k].inst = 1;
				found = 1;
			}
		if (found || (r->available && ip->name[0] != '.'))
			continue;
		struct cand *c = &x.c[x.n];
		c->p = ip;
		c->tag = "";
		c->allowed = 1;
		c->inst = 1;
		c->order = x.n++;
	}
	for (size_t i = 0; i < x.n; i++) {
		struct cand *c = &x.c[i];
		c->prio = c->p->provider_priority ? strtol(c->p->provider_priority, NULL, 10) : -1;
		queue_init(&c->prov);
		queue_init(&c->req);
		queue_init(&c->con);
		queue_init(&c->sup);
		index_name(&x, c->p->name, (int)i);
		for (size_t k = 0; k < c->p->provides.n; k++) {
			char *n = prov_name(c->p->provides.v[k]);
			if (!self_provide(c->p, c->p->provides.v[k]))
				index_name(&x, n, (int)i);
			free(n);
		}
	}
	allow_pinned(&x, w, nw);
	if (r->upgrade_deps)
		expand_upgrade(&x, &upg);
	for (size_t i = 0; i < x.n; i++)
		x.c[i].kept = x.c[i].inst && !upgrading(&rr, x.c[i].p->name);

	x.pool = pool_create();
	pool_set_flag(x.pool, POOL_FLAG_FORBIDSELFCONFLICTS, 0);
	x.repo = repo_create(x.pool, "krill");
	Queue job;
	queue_init(&job);
	int rc = 0;

	/* every dependency of every candidate, then the world */
	for (size_t i = 0; i < x.n; i++) {
		struct cand *c = &x.c[i];
		if (!c->allowed)
			continue;
		for (size_t k = 0; k < c->p->depends.n; k++) {
			int conflict;
			struct sdep *d = pkgdep(&x, c->p->depends.v[k], &conflict);
			queue_push(conflict ? &c->con : &c->req, d->id);
		}
		Id all = 0;
		for (size_t k = 0; k < c->p->install_if.n; k++) {
			int conflict;
			struct sdep *d = pkgdep(&x, c->p->install_if.v[k], &conflict);
			all = all ? pool_rel2id(x.pool, all, d->id, REL_AND, 1) : d->id;
		}
		if (all)
			queue_push(&c->sup, all);
	}
	struct sdep **wd = xcalloc(nw + 1, sizeof *wd);
	char *from_world = xcalloc(x.n + 1, 1);
	for (size_t i = 0; i < nw; i++) {
		char *t = xasprintf("%s%s%s", w[i].name, w[i].op, w[i].ver);
		wd[i] = sdep_get(&x, t, w[i].name, w[i].op, w[i].ver, NULL);
		free(t);
		if (w[i].conflict)
			continue;
		for (size_t k = 0; k < wd[i]->nprov; k++)
			if (!strcmp(x.c[wd[i]->prov[k]].p->name, w[i].name))
				from_world[wd[i]->prov[k]] = 1;
	}
	/* the solvables: names own themselves and their versioned provides */
	for (size_t i = 0; i < x.n; i++) {
		struct cand *c = &x.c[i];
		if (!c->allowed)
			continue;
		c->sid = repo_add_solvable(x.repo);
		Solvable *s = pool_id2solvable(x.pool, c->sid);
		s->name = pool_str2id(x.pool, c->p->name, 1);
		s->evr = pool_str2id(x.pool, c->p->version, 1);
		s->arch = ARCH_NOARCH;
		s->provides = repo_addid_dep(x.repo, s->provides,
					     pool_rel2id(x.pool, s->name, s->evr, REL_EQ, 1), 0);
		struct strlist owns = STRLIST_INIT;
		sl_push(&owns, c->p->name);
		for (size_t k = 0; k < c->p->provides.n; k++)
			if (strchr(c->p->provides.v[k], '=') &&
			    !self_provide(c->p, c->p->provides.v[k])) {
				char *n = prov_name(c->p->provides.v[k]);
				sl_push_own(&owns, n);
			}
		for (size_t k = 0; k < owns.n; k++) {
			char *o = xasprintf("\x02%s", owns.v[k]);
			Id oid = pool_str2id(x.pool, o, 1);
			free(o);
			queue_push(&c->prov, oid);
			queue_push(&c->con, oid);
			if (!sdep_of(&x, oid)) {
				struct sdep *d = xcalloc(1, sizeof *d);
				d->text = xasprintf("\x02%s", owns.v[k]);
				d->id = oid;
				x.dv = xrealloc(x.dv, (x.ndv + 1) * sizeof *x.dv);
				x.dv[x.ndv++] = d;
				d->versioned = 1;
			}
		}
		sl_free(&owns);
		for (int k = 0; k < c->prov.count; k++)
			s->provides = repo_addid_dep(x.repo, s->provides, c->prov.elements[k], 0);
		for (int k = 0; k < c->req.count; k++)
		s->requires = repo_addid_dep(x.repo, s->requires, c->req.elements[k], 0);
		for (int k = 0; k < c->con.count; k++)
			s->conflicts = repo_addid_dep(x.repo, s->conflicts, c->con.elements[k], 0);
		for (int k = 0; k < c->sup.count; k++)
			s->supplements =
				repo_addid_dep(x.repo, s->supplements, c->sup.elements[k], 0);
	}
	repo_internalize(x.repo);
	pool_createwhatprovides(x.pool);

	/* preference: favour jobs, least preferred first (later ones win) */
	int *rank = xcalloc(x.n + 1, sizeof *rank);
	size_t nrank = 0;
	for (size_t i = 0; i < x.n; i++)
		if (x.c[i].allowed)
			rank[nrank++] = (int)i;
	sort_ctx = &x;
	qsort(rank, nrank, sizeof *rank, cmp_pref);
	sort_ctx = NULL;
	for (size_t i = 0; i < nrank; i++) {
		queue_push2(&job, SOLVER_FAVOR | SOLVER_SOLVABLE, x.c[rank[i]].sid);
		sl_push(&x.jobdesc, "");
	}
	for (size_t i = 0; i < nw; i++) {
		queue_push2(&job,
			    (w[i].conflict ? SOLVER_ERASE : SOLVER_INSTALL) |
				    SOLVER_SOLVABLE_PROVIDES,
			    wd[i]->id);
		sl_push(&x.jobdesc, sorted[i]);
	}
	/* --latest: each upgraded world name must take its newest version */
	for (size_t i = 0; r->latest && i < nw; i++) {
		if (w[i].conflict || !upgrading(&rr, w[i].name))
			continue;
		int best = -1;
		for (size_t k = 0; k < x.n; k++)
			if (x.c[k].allowed && !strcmp(x.c[k].p->name, w[i].name) &&
			    (best < 0 || version_cmp(x.c[k].p->version, x.c[best].p->version) > 0))
				best = (int)k;
		if (best < 0)
			continue;
		queue_push2(&job, SOLVER_INSTALL | SOLVER_SOLVABLE, x.c[best].sid);
		char *d = xasprintf("%s-%s (--latest)", x.c[best].p->name, x.c[best].p->version);
		sl_push_own(&x.jobdesc, d);
	}

	x.solv = solver_create(x.pool);
	int nprob = solver_solve(x.solv, &job);
	char *chosen = xcalloc(x.n + 1, 1);
	if (nprob) {
		explain(&x, w, nw, nprob);
		rc = -1;
	} else {
		Queue dq;
		queue_init(&dq);
		solver_get_decisionqueue(x.solv, &dq);
		for (int i = 0; i < dq.count; i++) {
			Id p = dq.elements[i];
			if (p > 0 && pool_id2solvable(x.pool, p)->repo == x.repo)
				chosen[cand_of(&x, p)] = 1;
		}
		queue_free(&dq);
		if (r->strict_virtual && check_virtual(&x, w, nw, chosen, from_world) < 0)
			rc = -1;
	}
	if (rc == 0) {
		char *state = xcalloc(x.n + 1, 1);
		/* from the world entries, in their order; then anything else */
		for (size_t i = 0; i < nw; i++)
			for (size_t k = 0; !w[i].conflict && k < wd[i]->nprov; k++)
				if (chosen[wd[i]->prov[k]])
					order_visit(&x, wd[i]->prov[k], state, chosen, out);
		for (size_t i = nrank; i-- > 0;)
			if (chosen[rank[i]])
				order_visit(&x, rank[i], state, chosen, out);
		free(state);
	}
	free(chosen);
	free(rank);
	free(wd);
	free(from_world);
	queue_free(&job);
	solver_free(x.solv);
	pool_free(x.pool);
	for (size_t i = 0; i < x.ndv; i++) {
		free(x.dv[i]->text);
		free(x.dv[i]->why);
		free(x.dv[i]->name);
		free(x.dv[i]->prov);
		free(x.dv[i]);
	}
	free(x.dv);
	for (size_t i = 0; i < x.byname.cap; i++)
		if (x.byname.keys && x.byname.keys[i]) {
			struct ilist *l = x.byname.vals[i];
			free(l->v);
			free(l);
		}
	strmap_free(&x.byname);
	strmap_free(&x.deps);
	for (size_t i = 0; i < x.n; i++) {
		queue_free(&x.c[i].prov);
		queue_free(&x.c[i].req);
		queue_free(&x.c[i].con);
		queue_free(&x.c[i].sup);
	}
	free(x.c);
	sl_free(&x.jobdesc);
	sl_free(&upg);
	for (size_t i = 0; i < nw; i++)
		world_dep_free(&w[i]);
	free(w);
	free(sorted);
	if (rc < 0)
		solution_free(out);
	return rc;
}

int solve(const struct pkginfo *const *avail, size_t navail, const struct pkginfo *const *installed,
	  size_t ninstalled, const struct strlist *requests, struct solution *out)
{
	memset(out, 0, sizeof *out);
	struct strlist world = STRLIST_INIT;
	for (size_t i = 0; i < requests->n; i++) {
		struct world_dep w;
		if (world_dep_parse(requests->v[i], &w) < 0) {
			kr_err_prefix("request");
			sl_free(&world);
			return -1;
		}
		world_dep_free(&w);
		sl_push(&world, requests->v[i]);
	}
	for (size_t i = 0; i < ninstalled; i++)
		sl_push(&world, installed[i]->name);
	struct solve_req r = {.avail = avail,
			      .navail = navail,
			      .installed = installed,
			      .ninstalled = ninstalled,
			      .world = &world};
	struct solution all;
	int rc = solve_world(&r, &all);
	sl_free(&world);
	if (rc < 0)
		return -1;
	/* only what is new */
	for (size_t i = 0; i < all.n; i++) {
		int have = 0;
		for (size_t k = 0; k < ninstalled && !have; k++)
			have = same_pkg(all.v[i], installed[k]);
		if (have)
			continue;
		out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
		out->v[out->n++] = all.v[i];
	}
	solution_free(&all);
	return 0;
}

void solution_free(struct solution *s)
{
	free(s->v);
	memset(s, 0, sizeof *s);
}
