/* graph.c - see graph.h
 *
 * Ordering edges: a port needs, before it builds, the providers of its
 * build-depends and everything those packages depend on at run time
 * (transitively), since all of that is installed into its sysroot; the
 * same for its test-depends (installed into the test root). Cycles are
 * searched on these edges; runtime-only cycles are allowed, as in apk.
 */
#include "graph.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "srctree.h"

static const char *const reserved[] = {
	"all",	 "bench",   "check",  "check-san", "clean",  "distclean", "format",    "fuzz",
	"graph", "help",    "images", "index",	   "lint",   "man",	  "new-port",  "outdated",
	"ports", "prereqs", "repro",  "shell",	   "source", "tools",	  "toolchain", "world",
};

int graph_reserved_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(reserved); i++)
		if (!strcmp(reserved[i], name))
			return 1;
	return 0;
}

static int arch_ok(const struct recipe *r, const char *arch)
{
	if (!r->arches.n || !arch)
		return 1;
	for (size_t i = 0; i < r->arches.n; i++)
		if (!strcmp(r->arches.v[i].s, arch))
			return 1;
	return 0;
}

void graph_add_with(struct graph *g, size_t from, const struct strlist *names)
{
	for (size_t i = from; i < g->n; i++) {
		struct pstrlist *w = &g->ports[i].with;
		w->v = xcalloc(names->n ? names->n : 1, sizeof *w->v);
		w->n = names->n;
		for (size_t j = 0; j < names->n; j++)
			w->v[j].s = xstrdup(names->v[j]);
	}
}

int graph_load(struct graph *g, const char *dir, const char *arch, struct diags *d)
{
	struct strlist names = STRLIST_INIT;
	if (!g->arch)
		g->arch = xstrdup(arch ? arch : "host");
	if (list_dir(dir, &names) < 0) {
		diag_add(d, dir, (struct pos){0, 0}, "%s", kr_errmsg());
		return -1;
	}
	/* Appends: the bootstrap stages are loaded first, then the ports. */
	g->ports = xrealloc(g->ports, (g->n + names.n) * sizeof *g->ports);
	memset(g->ports + g->n, 0, names.n * sizeof *g->ports);
	for (size_t i = 0; i < names.n; i++) {
		if (names.v[i][0] == '.')
			continue;
		char *pdir = path_join(dir, names.v[i]);
		if (!is_dir(pdir)) {
			free(pdir);
			continue;
		}
		char *path = path_join(pdir, "port.yaml");
		free(pdir);
		if (!path_exists(path)) {
			diag_add(d, path, (struct pos){0, 0},
				 "missing: every folder of %s needs a port.yaml", dir);
			free(path);
			continue;
		}
		size_t before = d->n;
		struct recipe *r = recipe_load(path, d);
		int named = r && r->name.s && valid_pkgname(r->name.s);
		if (named && strcmp(r->name.s, names.v[i])) {
			diag_add(d, path, r->name.pos,
				 "name '%s' differs from its folder '%s', expected them equal",
				 r->name.s, names.v[i]);
			named = 0;
		}
		if (named && graph_reserved_name(r->name.s)) {
			diag_add(d, path, r->name.pos,
				 "name '%s' is a make target of Krill's own, expected another name",
				 r->name.s);
			named = 0;
		}
		free(path);
		/* A recipe with problems but a good name still provides its names,
		 * so its dependents do not report it as missing as well. */
		if (!named) {
			recipe_free(r);
			continue;
		}
		struct port *p = &g->ports[g->n++];
		*p = (struct port){0};
		p->r = r;
		p->broken = d->n > before;
		p->enabled = arch_ok(r, arch);
	}
	sl_free(&names);
	return d->n ? -1 : 0;
}

struct port *graph_find(const struct graph *g, const char *name)
{
	return strmap_get(&g->providers, name);
}

/* Register name -> p; a clash names both places. */
static void provide(struct graph *g, struct port *p, const char *name, struct pos pos,
		    struct diags *d)
{
	struct port *old = strmap_get(&g->providers, name);
	if (old) {
		if (old == p)
			diag_add(d, p->r->path, pos,
				 "'%s' is provided twice by port '%s', expected each name once",
				 name, p->r->name.s);
		else {
			const struct pos *w = strmap_get(&g->where, name);
			diag_add(d, p->r->path, pos,
				 "'%s' is already provided by port '%s' (%s:%d:%d), expected each "
				 "name once",
				 name, old->r->name.s, old->r->path, w ? w->line : 0,
				 w ? w->col : 0);
		}
		return;
	}
	strmap_put(&g->providers, name, p);
	struct pos *w = xmalloc(sizeof *w);
	*w = pos;
	strmap_put(&g->where, name, w);
}

/* Resolve one dependency list into port indices (so: names resolve later,
 * from the packages' ELF data). */
static void add_edge(size_t **out, size_t **via, size_t *n, size_t to, size_t v)
{
	*out = xrealloc(*out, (*n + 1) * sizeof **out);
	if (via) {
		*via = xrealloc(*via, (*n + 1) * sizeof **via);
		(*via)[*n] = v;
	}
	(*out)[(*n)++] = to;
}

static void resolve_list(struct graph *g, struct port *p, const struct pstrlist *l,
			 const char *what, size_t **out, size_t **via, size_t *nout,
			 struct diags *d)
{
	for (size_t i = 0; i < l->n; i++) {
		char *name, *op, *ver;
		/* A malformed entry is the recipe's error, reported there. */
		if (dep_split(l->v[i].s, &name, &op, &ver) < 0)
			continue;
		if (str_starts(name, "so:")) {
			free(name);
			free(op);
			free(ver);
			continue;
		}
		struct port *q = strmap_get(&g->providers, name);
		if (!q)
			diag_add(d, p->r->path, l->v[i].pos,
				 "port '%s' %s '%s', but no port or subpackage provides it, "
				 "expected a port, subpackage or provides entry named '%s'",
				 p->r->name.s, what, name, name);
		else if (!q->enabled)
			diag_add(d, p->r->path, l->v[i].pos,
				 "port '%s' %s '%s', but its provider '%s' is not built for %s",
				 p->r->name.s, what, name, q->r->name.s, g->arch);
		else if (*op && q->r->version.s) {
			if (!version_satisfies(q->r->version.s, op, ver))
				diag_add(d, p->r->path, l->v[i].pos,
					 "port '%s' %s '%s', but port '%s' has version %s",
					 p->r->name.s, what, l->v[i].s, q->r->name.s,
					 q->r->version.s);
		}
		if (q && q->enabled && q != p) {
			size_t qi = (size_t)(q - g->ports);
			size_t j;
			for (j = 0; j < *nout; j++)
				if ((*out)[j] == qi)
					break;
			if (j == *nout)
				add_edge(out, via, nout, qi, NO_VIA);
		} else if (q == p && str_starts(what, "test-depends"))
			diag_add(d, p->r->path, l->v[i].pos,
				 "port '%s' test-depends on itself ('%s'), expected another port "
				 "(its own packages are in the test root already)",
				 p->r->name.s, name);
		else if (q == p && str_starts(what, "build-depends"))
			diag_add(d, p->r->path, l->v[i].pos,
				 "port '%s' build-depends on itself ('%s'), expected another port",
				 p->r->name.s, name);
		free(name);
		free(op);
		free(ver);
	}
}

/* Add q's runtime closure to the ordering edges of p; `via` is the build
 * dep it starts from (named when such an edge is part of a cycle). */
static void add_runtime_closure(struct graph *g, struct port *p, size_t qi, size_t via,
				unsigned gen, unsigned *seen)
{
	struct port *q = &g->ports[qi];
	for (size_t i = 0; i < q->nrdeps; i++) {
		size_t ri = q->rdeps[i];
		if (seen[ri] == gen || &g->ports[ri] == p)
			continue;
		seen[ri] = gen;
		size_t j;
		for (j = 0; j < p->nbdeps; j++)
			if (p->bdeps[j] == ri)
				break;
		if (j == p->nbdeps)
			add_edge(&p->bdeps, &p->via, &p->nbdeps, ri, via);
		add_runtime_closure(g, p, ri, via, gen, seen);
	}
}

/* ---- cycles: Tarjan's SCC, then one path per component ---- */
struct tarjan {
	struct graph *g;
	int *index, *low, *onstack;
	size_t *stack, sp;
	int counter;
	struct diags *d;
};

/* Shortest path from `from` to `to` inside component cid (BFS); fills
 * path[0..len) with from .. to. Returns len, 0 if there is none. */
static size_t bfs_path(const struct graph *g, size_t from, size_t to, const int *comp, int cid,
		       size_t *path)
{
	size_t *prev = xmalloc(g->n * sizeof *prev), *queue = xmalloc(g->n * sizeof *queue);
	for (size_t i = 0; i < g->n; i++)
		prev[i] = NO_VIA;
	size_t head = 0, tail = 0, len = 0;
	queue[tail++] = from;
	prev[from] = from;
	while (head < tail && prev[to] == NO_VIA) {
		const struct port *p = &g->ports[queue[head++]];
		for (size_t i = 0; i < p->nbdeps; i++) {
			size_t nx = p->bdeps[i];
			if (comp[nx] == cid && prev[nx] == NO_VIA) {
				prev[nx] = queue[head - 1];
				queue[tail++] = nx;
			}
		}
	}
	if (prev[to] != NO_VIA) {
		for (size_t v = to;; v = prev[v]) {
			path[len++] = v;
			if (v == from)
				break;
		}
		for (size_t i = 0; i < len / 2; i++) {
			size_t t = path[i];
			path[i] = path[len - 1 - i];
			path[len - 1 - i] = t;
		}
	}
	free(prev);
	free(queue);
	return len;
}

static size_t edge_index(const struct port *p, size_t to)
{
	for (size_t i = 0; i < p->nbdeps; i++)
		if (p->bdeps[i] == to)
			return i;
	return NO_VIA;
}

/* "a -> b -> c -> a", starting at the alphabetically first port so the
 * output is stable. An edge that comes from a build dep's runtime
 * dependencies names that build dep: "a -> c [via b] -> a". */
static char *format_cycle(const struct graph *g, const size_t *cyc, size_t n)
{
	size_t start = 0;
	for (size_t i = 1; i < n; i++)
		if (strcmp(g->ports[cyc[i]].r->name.s, g->ports[cyc[start]].r->name.s) < 0)
			start = i;
	struct sb b = SB_INIT;
	sb_adds(&b, g->ports[cyc[start]].r->name.s);
	for (size_t k = 0; k < n; k++) {
		const struct port *from = &g->ports[cyc[(start + k) % n]];
		size_t to = cyc[(start + k + 1) % n];
		size_t via = from->via[edge_index(from, to)];
		sb_printf(&b, " -> %s", g->ports[to].r->name.s);
		if (via != NO_VIA)
			sb_printf(&b, " [via %s]", g->ports[via].r->name.s);
	}
	return sb_steal(&b);
}

static int cmp_name(const void *a, const void *b, void *arg)
{
	const struct graph *g = arg;
	return strcmp(g->ports[*(const size_t *)a].r->name.s,
		      g->ports[*(const size_t *)b].r->name.s);
}

/* Every cycle of one strongly connected component: for each edge u -> v in
 * it not yet on a printed cycle, the shortest cycle through that edge. So
 * every edge that lies on some cycle is shown, in at most as many messages
 * as the component has edges (listing all elementary cycles could be
 * exponential). */
static void report_cycles(struct tarjan *t, size_t *members, size_t nm)
{
	struct graph *g = t->g;
	int *comp = xcalloc(g->n, sizeof *comp);
	for (size_t i = 0; i < nm; i++)
		comp[members[i]] = 1;
	qsort_r(members, nm, sizeof *members, cmp_name, g);
	char **covered = xcalloc(g->n, sizeof *covered);
	for (size_t i = 0; i < nm; i++)
		covered[members[i]] = xcalloc(g->ports[members[i]].nbdeps + 1, 1);
	size_t *path = xmalloc((g->n + 1) * sizeof *path);
	struct strlist seen = STRLIST_INIT;
	for (size_t i = 0; i < nm; i++) {
		size_t u = members[i];
		struct port *p = &g->ports[u];
		size_t *order = xmalloc((p->nbdeps + 1) * sizeof *order);
		memcpy(order, p->bdeps, p->nbdeps * sizeof *order);
		qsort_r(order, p->nbdeps, sizeof *order, cmp_name, g);
		for (size_t e = 0; e < p->nbdeps; e++) {
			size_t v = order[e], ei = edge_index(p, v);
			if (!comp[v] || covered[u][ei])
				continue;
			/* path = u, v, ..., u; the cycle is its first m nodes */
			path[0] = u;
			size_t m = bfs_path(g, v, u, comp, 1, path + 1);
			for (size_t k = 0; k < m; k++) {
				const struct port *from = &g->ports[path[k]];
				covered[path[k]][edge_index(from, path[k + 1])] = 1;
			}
			char *msg = format_cycle(g, path, m);
			if (!sl_has(&seen, msg)) {
				const struct recipe *r = g->ports[u].r;
				diag_add(t->d, r->path, r->name.pos,
					 "dependency cycle %s, expected build dependencies without "
					 "cycles",
					 msg);
				sl_push_own(&seen, msg);
			} else
				free(msg);
		}
		free(order);
	}
	sl_free(&seen);
	for (size_t i = 0; i < nm; i++)
		free(covered[members[i]]);
	free(covered);
	free(path);
	free(comp);
}

static void strongconnect(struct tarjan *t, size_t v)
{
	t->index[v] = t->low[v] = ++t->counter;
	t->stack[t->sp++] = v;
	t->onstack[v] = 1;
	struct port *p = &t->g->ports[v];
	for (size_t i = 0; i < p->nbdeps; i++) {
		size_t w = p->bdeps[i];
		if (!t->index[w]) {
			strongconnect(t, w);
			if (t->low[w] < t->low[v])
				t->low[v] = t->low[w];
		} else if (t->onstack[w] && t->index[w] < t->low[v])
			t->low[v] = t->index[w];
	}
	if (t->low[v] != t->index[v])
		return;
	size_t top = t->sp;
	size_t w;
	do {
		w = t->stack[--t->sp];
		t->onstack[w] = 0;
	} while (w != v);
	size_t nm = top - t->sp;
	if (nm > 1)
		report_cycles(t, &t->stack[t->sp], nm);
}

int graph_resolve(struct graph *g, struct diags *d)
{
	size_t before = d->n;
	/* 1. providers: the port name, NAME-dev and NAME-doc (default splits),
	 * subpackages and provides. */
	for (size_t i = 0; i < g->n; i++) {
		struct port *p = &g->ports[i];
		struct recipe *r = p->r;
		provide(g, p, r->name.s, r->name.pos, d);
		for (size_t j = 0; j < r->nsubpackages; j++)
			provide(g, p, r->subpackages[j].name.s, r->subpackages[j].name.pos, d);
		for (size_t j = 0; j < r->provides.n; j++) {
			char *nm = xstrndup(r->provides.v[j].s, strcspn(r->provides.v[j].s, "<>="));
			provide(g, p, nm, r->provides.v[j].pos, d);
			free(nm);
		}
		for (size_t j = 0; j < r->nsubpackages; j++)
			for (size_t k = 0; k < r->subpackages[j].provides.n; k++) {
				const struct pstr *s = &r->subpackages[j].provides.v[k];
				char *nm = xstrndup(s->s, strcspn(s->s, "<>="));
				provide(g, p, nm, s->pos, d);
				free(nm);
			}
	}
	/* The default NAME-dev and NAME-doc subpackages (unless the port declares
	 * a subpackage of that name itself): another port claiming the name
	 * would make two packages of one name. */
	for (size_t i = 0; i < g->n; i++) {
		struct port *p = &g->ports[i];
		static const char *const sfx[] = {"-dev", "-doc"};
		for (size_t k = 0; k < 2; k++) {
			char *nm = xasprintf("%s%s", p->r->name.s, sfx[k]);
			struct port *old = strmap_get(&g->providers, nm);
			if (!old)
				strmap_put(&g->providers, nm, p);
			else if (old != p)
				diag_add(d, old->r->path, old->r->name.pos,
					 "port '%s' provides '%s', which is the default %s "
					 "subpackage of port '%s' (%s), expected each name once",
					 old->r->name.s, nm, sfx[k], p->r->name.s, p->r->path);
			free(nm);
		}
	}
	/* 2. resolve dependency lists (missing, arch, versions). */
	for (size_t i = 0; i < g->n; i++) {
		struct port *p = &g->ports[i];
		if (!p->enabled)
			continue;
		resolve_list(g, p, &p->r->depends, "depends on", &p->rdeps, NULL, &p->nrdeps, d);
		for (size_t j = 0; j < p->r->nsubpackages; j++)
			resolve_list(g, p, &p->r->subpackages[j].depends, "depends on", &p->rdeps,
				     NULL, &p->nrdeps, d);
	}
	for (size_t i = 0; i < g->n; i++) {
		struct port *p = &g->ports[i];
		if (!p->enabled)
			continue;
		resolve_list(g, p, &p->r->build_depends, "build-depends on", &p->bdeps, &p->via,
			     &p->nbdeps, d);
		/* test-depends order the build like build-depends (their
		 * packages must exist when the test runs) and so enter the key
		 * and the cycle check the same way */
		resolve_list(g, p, &p->r->test_depends, "test-depends on", &p->bdeps, &p->via,
			     &p->nbdeps, d);
		resolve_list(g, p, &p->with, "needs (as part of the toolchain)", &p->bdeps, &p->via,
			     &p->nbdeps, d);
	}
	/* 3. runtime closures of build deps join the ordering edges. */
	unsigned *seen = xcalloc(g->n, sizeof *seen);
	for (size_t i = 0; i < g->n; i++) {
		struct port *p = &g->ports[i];
		size_t n = p->nbdeps;
		for (size_t j = 0; j < n; j++)
			add_runtime_closure(g, p, p->bdeps[j], p->bdeps[j], (unsigned)i + 1, seen);
	}
	free(seen);
	/* 4. cycles on the ordering edges. */
	struct tarjan t = {g,
			   xcalloc(g->n, sizeof(int)),
			   xcalloc(g->n, sizeof(int)),
			   xcalloc(g->n, sizeof(int)),
			   xcalloc(g->n, sizeof(size_t)),
			   0,
			   0,
			   d};
	for (size_t i = 0; i < g->n; i++)
		if (!t.index[i] && g->ports[i].enabled)
			strongconnect(&t, i);
	free(t.index);
	free(t.low);
	free(t.onstack);
	free(t.stack);
	return d->n > before ? -1 : 0;
}

/* ---- content keys ---- */

/* Hash a folder's files (patches/, files/) by relative path, kind, exec
 * bit and content, in sorted order. */
static int hash_tree(struct hasher *h, const char *root, const char *rel)
{
	char *dir = rel ? path_join(root, rel) : xstrdup(root);
	struct strlist names = STRLIST_INIT;
	if (!is_dir(dir)) {
		free(dir);
		return 0;
	}
	if (list_dir(dir, &names) < 0) {
		free(dir);
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; i < names.n && !rc; i++) {
		char *relp = rel ? path_join(rel, names.v[i]) : xstrdup(names.v[i]);
		char *full = path_join(root, relp);
		struct stat st;
		if (lstat(full, &st) < 0) {
			kr_err("%s: %s", full, strerror(errno));
			rc = -1;
		} else if (S_ISDIR(st.st_mode)) {
			hasher_adds(h, "dir");
			hasher_adds(h, relp);
			rc = hash_tree(h, root, relp);
		} else if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t n = readlink(full, target, sizeof target - 1);
			target[n < 0 ? 0 : n] = 0;
			hasher_adds(h, "link");
			hasher_adds(h, relp);
			hasher_adds(h, target);
		} else {
			char hex[65];
			if (sha256_file(full, hex, NULL) < 0)
				rc = -1;
			hasher_adds(h, st.st_mode & 0111 ? "exec" : "file");
			hasher_adds(h, relp);
			hasher_adds(h, hex);
		}
		free(relp);
		free(full);
	}
	sl_free(&names);
	free(dir);
	return rc;
}

static int key_one(struct graph *g, struct port *p)
{
	if (p->mark == 2)
		return 0;
	if (p->mark == 1) {
		kr_err("%s: dependency cycle through '%s'", p->r->path, p->r->name.s);
		return -1;
	}
	p->mark = 1;
	/* Dependencies first, then sorted by name so the key is order-free. */
	struct strlist deps = STRLIST_INIT;
	for (size_t i = 0; i < p->nbdeps; i++) {
		struct port *q = &g->ports[p->bdeps[i]];
		if (key_one(g, q) < 0) {
			sl_free(&deps);
			return -1;
		}
		sl_push_own(&deps, xasprintf("%s %s", q->r->name.s, q->key));
	}
	sl_sort(&deps);
	struct hasher *h = hasher_new();
	hasher_adds(h, "krill-key-v1");
	hasher_adds(h, g->arch);
	hasher_adds(h, g->toolchain_key ? g->toolchain_key : "");
	/* krill build takes a SOURCE_DATE_EPOCH from the environment over the
	 * sources' own (buildrun.c); only then is it an input of its own */
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	if (sde && *sde) {
		hasher_adds(h, "source-date-epoch");
		hasher_adds(h, sde);
	}
	/* the recipe's bytes as parsed (hashed when read: no second read) */
	hasher_adds(h, "recipe");
	hasher_adds(h, p->r->sha256);
	/* Sources are named by sha256 inside the recipe already; a tree:
	 * source's hash is taken here, and krill build checks its copy
	 * against it (KR_TREES_<name>, --tree). */
	int rc = 0;
	sl_free(&p->trees);
	char *top = recipe_tree_top(p->r);
	for (size_t i = 0; !rc && i < p->r->nsources; i++) {
		const char *t = source_tree(&p->r->sources[i]);
		char hex[65];
		if (!t)
			continue;
		rc = tree_hash(top, t, hex);
		if (rc)
			kr_err_prefix("%s:%d:%d", p->r->path, p->r->sources[i].url.pos.line,
				      p->r->sources[i].url.pos.col);
		hasher_adds(h, "tree");
		hasher_adds(h, t);
		hasher_adds(h, rc ? "" : hex);
		sl_push_own(&p->trees, xasprintf("%s=%s", t, hex));
	}
	free(top);
	hasher_adds(h, "patches");
	char *pd = path_join(p->r->dir, "patches");
	if (!rc)
		rc = hash_tree(h, pd, NULL);
	free(pd);
	hasher_adds(h, "files");
	char *fd = path_join(p->r->dir, "files");
	if (!rc)
		rc = hash_tree(h, fd, NULL);
	free(fd);
	hasher_adds(h, "deps");
	for (size_t i = 0; i < deps.n; i++)
		hasher_adds(h, deps.v[i]);
	sl_free(&deps);
	hasher_end(h, p->key);
	p->mark = 2;
	return rc;
}

int graph_keys(struct graph *g, const char *toolchain_key)
{
	free(g->toolchain_key);
	g->toolchain_key = xstrdup(toolchain_key ? toolchain_key : "");
	for (size_t i = 0; i < g->n; i++)
		g->ports[i].mark = 0;
	for (size_t i = 0; i < g->n; i++)
		if (g->ports[i].enabled && key_one(g, &g->ports[i]) < 0)
			return -1;
	return 0;
}

/* ---- output ---- */
void graph_write_make(const struct graph *g, FILE *f)
{
	fprintf(f, "# Generated by `krill graph --arch %s`; do not edit.\n", g->arch);
	fprintf(f, "# Per port: KR_KEY_<name>, KR_VER_<name>, KR_DEPS_<name> (ordering deps),\n"
		   "# a rule for its result stamp and a phony target <name>.\n");
	/* the toolchain key every key above took in, for krill build to record
	 * in each provenance (--toolchain-key); not itself a key input */
	fprintf(f, "KR_TOOLCHAIN_KEY := %s\n", g->toolchain_key ? g->toolchain_key : "");
	fprintf(f, "KR_GRAPH_ARCH := %s\nKR_PORTS :=", g->arch);
	for (size_t i = 0; i < g->n; i++)
		if (g->ports[i].enabled)
			fprintf(f, " %s", g->ports[i].r->name.s);
	fputc('\n', f);
	for (size_t i = 0; i < g->n; i++) {
		const struct port *p = &g->ports[i];
		if (!p->enabled)
			continue;
		const char *n = p->r->name.s;
		fprintf(f, "KR_DIR_%s := %s\nKR_WITH_%s :=", n, p->r->dir, n);
		for (size_t j = 0; j < p->with.n; j++)
			fprintf(f, " %s", p->with.v[j].s);
		fputc('\n', f);
		fprintf(f, "KR_TREES_%s :=", n);
		for (size_t j = 0; j < p->trees.n; j++)
			fprintf(f, " %s", p->trees.v[j]);
		fputc('\n', f);
		fprintf(f, "KR_KEY_%s := %s\nKR_VER_%s := %s-r%d\nKR_DEPS_%s :=", n, p->key, n,
			p->r->version.s, p->r->release, n);
		for (size_t j = 0; j < p->nbdeps; j++)
			fprintf(f, " %s", g->ports[p->bdeps[j]].r->name.s);
		fprintf(f, "\n$(KR_RESULTS)/%s/done:", p->key);
		for (size_t j = 0; j < p->nbdeps; j++)
			fprintf(f, " $(KR_RESULTS)/%s/done", g->ports[p->bdeps[j]].key);
		fprintf(f,
			"\n\t+$(Q)$(call kr_build_port,%s)\n.PHONY: %s\n%s: "
			"$(KR_RESULTS)/%s/done\n",
			n, n, n, p->key);
	}
}

void graph_write_dot(const struct graph *g, FILE *f)
{
	fprintf(f, "digraph krill {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n");
	for (size_t i = 0; i < g->n; i++) {
		const struct port *p = &g->ports[i];
		if (!p->enabled)
			continue;
		fprintf(f, "  \"%s\" [label=\"%s\\n%s-r%d\"];\n", p->r->name.s, p->r->name.s,
			p->r->version.s, p->r->release);
		for (size_t j = 0; j < p->nbdeps; j++)
			fprintf(f, "  \"%s\" -> \"%s\";\n", p->r->name.s,
				g->ports[p->bdeps[j]].r->name.s);
		for (size_t j = 0; j < p->nrdeps; j++)
			fprintf(f, "  \"%s\" -> \"%s\" [style=dashed];\n", p->r->name.s,
				g->ports[p->rdeps[j]].r->name.s);
	}
	fprintf(f, "}\n");
}

void graph_free(struct graph *g)
{
	for (size_t i = 0; i < g->n; i++) {
		recipe_free(g->ports[i].r);
		for (size_t j = 0; j < g->ports[i].with.n; j++)
			free(g->ports[i].with.v[j].s);
		free(g->ports[i].with.v);
		free(g->ports[i].bdeps);
		free(g->ports[i].via);
		free(g->ports[i].rdeps);
		sl_free(&g->ports[i].trees);
	}
	free(g->ports);
	free(g->arch);
	free(g->toolchain_key);
	strmap_free(&g->providers);
	for (size_t i = 0; i < g->where.cap; i++)
		free(g->where.vals[i]);
	strmap_free(&g->where);
	memset(g, 0, sizeof *g);
}
