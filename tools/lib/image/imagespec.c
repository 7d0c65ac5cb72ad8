/* imagespec.c - strict images/NAME.yaml parsing over libyaml's document API.
 *
 * The walk mirrors recipe.c: each mapping is checked against a table of
 * known keys, and every problem becomes a diagnostic with the node's
 * line:col; values are YAML scalars as written (no implicit typing).
 */
#include "imagespec.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "dep.h"

struct ctx {
	yaml_document_t *doc;
	struct diags *d;
	const char *file;
};

static struct pos node_pos(const yaml_node_t *n)
{
	return (struct pos){(int)n->start_mark.line + 1, (int)n->start_mark.column + 1};
}

static const char *kind_name(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SCALAR_NODE: return n->data.scalar.length ? "a scalar" : "empty";
	case YAML_SEQUENCE_NODE: return "a list";
	case YAML_MAPPING_NODE: return "a mapping";
	default: return "nothing";
	}
}

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

#define BAD(n, ...) diag_add(c->d, c->file, node_pos(n), __VA_ARGS__)

static int want(struct ctx *c, const yaml_node_t *n, yaml_node_type_t t, const char *key,
		const char *what)
{
	if (n->type == t)
		return 1;
	BAD(n, "'%s' is %s, expected %s", key, kind_name(n), what);
	return 0;
}

/* A scalar that is one line; NUL bytes (which YAML can escape) refused. */
static int get_str(struct ctx *c, const yaml_node_t *n, const char *key, char **out)
{
	if (!want(c, n, YAML_SCALAR_NODE, key, "a string"))
		return 0;
	if (strlen(scalar(n)) != n->data.scalar.length) {
		BAD(n, "'%s' holds a NUL byte, expected text", key);
		return 0;
	}
	free(*out);
	*out = xstrdup(scalar(n));
	return 1;
}

static int get_pstr(struct ctx *c, const yaml_node_t *n, const char *key, struct ispstr *out)
{
	if (!get_str(c, n, key, &out->s))
		return 0;
	out->pos = node_pos(n);
	return 1;
}

/* A whole number 0..2^31-1 as written: ids in passwd/group and the tar. */
static int get_id(struct ctx *c, const yaml_node_t *n, const char *key, unsigned *out)
{
	if (!want(c, n, YAML_SCALAR_NODE, key, "a whole number"))
		return 0;
	const char *s = scalar(n);
	size_t len = strlen(s);
	int ok = len && len <= 10 && strspn(s, "0123456789") == len && (len == 1 || s[0] != '0');
	unsigned long long v = ok ? strtoull(s, NULL, 10) : 0;
	if (!ok || v > 2147483647ull) {
		BAD(n, "'%s' is '%s', expected a whole number from 0 to 2147483647", key, s);
		return 0;
	}
	*out = (unsigned)v;
	return 1;
}

static int get_list(struct ctx *c, const yaml_node_t *n, const char *key, struct isplist *out)
{
	if (!want(c, n, YAML_SEQUENCE_NODE, key, "a list of strings"))
		return 0;
	size_t cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	out->v = xcalloc(cnt + 1, sizeof *out->v);
	out->n = 0;
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *e = yaml_document_get_node(c->doc, *it);
		struct ispstr s = {NULL, {0, 0}};
		if (e->type != YAML_SCALAR_NODE) {
			BAD(e, "an entry of '%s' is %s, expected a string", key, kind_name(e));
			continue;
		}
		if (!get_pstr(c, e, key, &s))
			continue;
		out->v[out->n++] = s;
	}
	return 1;
}

static int get_argv(struct ctx *c, const yaml_node_t *n, const char *key, struct strlist *out)
{
	struct isplist l = {0};
	int ok = get_list(c, n, key, &l);
	if (ok && !l.n)
		BAD(n, "'%s' is an empty list, expected the program and its arguments", key);
	for (size_t i = 0; i < l.n; i++) {
		sl_push_own(out, l.v[i].s);
		l.v[i].s = NULL;
	}
	free(l.v);
	return ok;
}

static void isplist_free(struct isplist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].s);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* ---- key tables ---- */
typedef void (*key_fn)(struct ctx *c, const yaml_node_t *val, const char *key, void *obj);

struct key {
	const char *name;
	key_fn fn;
	int required;
};

/* Walk a mapping: unknown and duplicate keys, missing required ones. */
static void walk_map(struct ctx *c, const yaml_node_t *map, const char *what,
		     const struct key *keys, size_t nkeys, void *obj)
{
	int seen[32] = {0};
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
		if (k->type != YAML_SCALAR_NODE) {
			BAD(k, "%s key is %s, expected a string", what, kind_name(k));
			continue;
		}
		size_t i;
		for (i = 0; i < nkeys; i++)
			if (!strcmp(keys[i].name, scalar(k)))
				break;
		if (i == nkeys) {
			struct sb b = SB_INIT;
			for (size_t j = 0; j < nkeys; j++)
				sb_printf(&b, "%s%s", j ? ", " : "", keys[j].name);
			BAD(k, "unknown key '%.200s' in %s, expected one of: %s", scalar(k), what,
			    sb_str(&b));
			sb_free(&b);
			continue;
		}
		if (seen[i]++) {
			BAD(k, "duplicate key '%s' in %s, expected it once", scalar(k), what);
			continue;
		}
		keys[i].fn(c, v, keys[i].name, obj);
	}
	for (size_t i = 0; i < nkeys; i++)
		if (keys[i].required && !seen[i])
			BAD(map, "missing required key '%s' in %s", keys[i].name, what);
}

/* A mapping of strings to strings, in the order written. */
static void get_kvs(struct ctx *c, const yaml_node_t *n, const char *key, struct ispkv **out,
		    size_t *nout, int env)
{
	if (!want(c, n, YAML_MAPPING_NODE, key, "a mapping of names to strings"))
		return;
	size_t cnt = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	*out = xcalloc(cnt + 1, sizeof **out);
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
		char *ks = NULL, *vs = NULL;
		if (!get_str(c, k, key, &ks) || !get_str(c, v, ks, &vs)) {
			free(ks);
			continue;
		}
		int ok = *ks != 0;
		if (env)
			for (const char *q = ks; *q; q++)
				if (!(isalnum((unsigned char)*q) || *q == '_') ||
				    (q == ks && isdigit((unsigned char)*q)))
					ok = 0;
		for (size_t i = 0; ok && i < *nout; i++)
			if (!strcmp((*out)[i].key, ks)) {
				BAD(k, "duplicate name '%s' in '%s', expected it once", ks, key);
				ok = -1;
			}
		if (!ok)
			BAD(k, "bad name '%.200s' in '%s', expected %s", ks, key,
			    env ? "letters, digits and _ (not starting with a digit)"
				: "a non-empty string");
		if (ok != 1) {
			free(ks);
			free(vs);
			continue;
		}
		(*out)[*nout].key = ks;
		(*out)[(*nout)++].value = vs;
	}
}

/* ---- value checks ---- */

/* NAME or NAME OP VERSION, as krill add takes them. */
static int valid_pkgspec(const char *s)
{
	size_t n = strcspn(s, "<>=");
	char *name = xstrndup(s, n);
	int ok = valid_pkgname(name);
	free(name);
	if (ok && s[n]) {
		const char *v = s + n + strspn(s + n, "<>=");
		size_t op = (size_t)(v - (s + n));
		ok = op <= 2 && *v && !strpbrk(v, " \t<>=");
	}
	return ok;
}

/* An account name as shadow-utils accepts it (and nothing passwd cannot hold). */
static int valid_account(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 32 || !(islower((unsigned char)*s) || *s == '_'))
		return 0;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || strchr("_-", *s)))
			return 0;
	return 1;
}

/* An absolute, clean path: no "." or ".." component, no "//", no
 * trailing '/', nothing passwd/the db cannot hold. */
static int valid_abspath(const char *s)
{
	if (s[0] != '/' || strpbrk(s, "\n\t:"))
		return 0;
	if (!s[1])
		return 1;
	for (const char *p = s; *p;) {
		const char *q = ++p;
		p += strcspn(p, "/");
		size_t n = (size_t)(p - q);
		if (!n || (n == 1 && q[0] == '.') || (n == 2 && q[0] == '.' && q[1] == '.'))
			return 0;
	}
	return 1;
}

static void check_arch_vars(struct ctx *c, const struct ispstr *s)
{
	for (const char *v = strstr(s->s, "${"); v; v = strstr(v, "${")) {
		if (!strncmp(v, "${arch}", 7)) {
			v += 7;
			continue;
		}
		diag_add(c->d, c->file, s->pos,
			 "unknown variable in '%.200s', expected only ${arch}", s->s);
		return;
	}
}

/* ---- contents ---- */
#define S ((struct imagespec *)obj)

static void k_repositories(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (!get_list(c, v, k, &S->repos))
		return;
	for (size_t i = 0; i < S->repos.n; i++) {
		check_arch_vars(c, &S->repos.v[i]);
		if (!*S->repos.v[i].s || strpbrk(S->repos.v[i].s, " \t\n"))
			diag_add(c->d, c->file, S->repos.v[i].pos,
				 "bad repository '%.200s', expected a URL or path without spaces",
				 S->repos.v[i].s);
	}
}

static void k_keyring(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (!get_list(c, v, k, &S->keyring))
		return;
	for (size_t i = 0; i < S->keyring.n; i++)
		if (!str_ends(S->keyring.v[i].s, ".pub") || strstr(S->keyring.v[i].s, "://"))
			diag_add(
				c->d, c->file, S->keyring.v[i].pos,
				"bad key '%.200s', expected the path of a NAME.pub public key file",
				S->keyring.v[i].s);
}

static void k_packages(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (!get_list(c, v, k, &S->packages))
		return;
	if (!S->packages.n)
		BAD(v, "'packages' is an empty list, expected at least one package");
	for (size_t i = 0; i < S->packages.n; i++) {
		const struct ispstr *p = &S->packages.v[i];
		if (!valid_pkgspec(p->s))
			diag_add(
				c->d, c->file, p->pos,
				"bad package '%.200s', expected NAME or NAME OP VERSION (OP one of "
				"< <= = >= >)",
				p->s);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(S->packages.v[j].s, p->s))
				diag_add(c->d, c->file, p->pos,
					 "package '%s' listed twice, expected it once", p->s);
	}
}

static const struct key contents_keys[] = {
	{"repositories", k_repositories, 0},
	{"keyring", k_keyring, 0},
	{"packages", k_packages, 1},
};

static void k_contents(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (want(c, v, YAML_MAPPING_NODE, k, "a mapping (repositories, keyring, packages)"))
		walk_map(c, v, "contents", contents_keys, ARRAY_LEN(contents_keys), obj);
}

/* ---- accounts ---- */
#define G ((struct isgroup *)obj)
static void k_groupname(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (get_pstr(c, v, k, &G->name) && !valid_account(G->name.s))
		BAD(v,
		    "bad groupname '%.200s', expected lowercase letters, digits, _ and - (at "
		    "most 32, starting with a letter or _)",
		    G->name.s);
}
static void k_ggid(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	get_id(c, v, k, &G->gid);
}
static void k_members(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (!get_list(c, v, k, &G->members))
		return;
	for (size_t i = 0; i < G->members.n; i++)
		if (!valid_account(G->members.v[i].s))
			diag_add(c->d, c->file, G->members.v[i].pos,
				 "bad member '%.200s', expected an account name",
				 G->members.v[i].s);
}
static const struct key group_keys[] = {
	{"groupname", k_groupname, 1},
	{"gid", k_ggid, 1},
	{"members", k_members, 0},
};
#undef G

#define U ((struct isuser *)obj)
static void k_username(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (get_pstr(c, v, k, &U->name) && !valid_account(U->name.s))
		BAD(v,
		    "bad username '%.200s', expected lowercase letters, digits, _ and - (at "
		    "most 32, starting with a letter or _)",
		    U->name.s);
}
static void k_uid(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	get_id(c, v, k, &U->uid);
}
static void k_ugid(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	get_id(c, v, k, &U->gid);
}
static void k_homedir(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (get_str(c, v, k, &U->homedir) && !valid_abspath(U->homedir))
		BAD(v, "bad homedir '%.200s', expected an absolute path", U->homedir);
}
static void k_shell(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (get_str(c, v, k, &U->shell) && !valid_abspath(U->shell))
		BAD(v, "bad shell '%.200s', expected an absolute path", U->shell);
}
static const struct key user_keys[] = {
	{"username", k_username, 1}, {"uid", k_uid, 1},	    {"gid", k_ugid, 0},
	{"homedir", k_homedir, 0},   {"shell", k_shell, 0},
};
#undef U

/* A list of mappings, each walked with keys into a new element. */
static size_t get_objs(struct ctx *c, const yaml_node_t *v, const char *k, const char *what,
		       const struct key *keys, size_t nkeys, size_t size, void **out,
		       void (*init)(void *))
{
	if (!want(c, v, YAML_SEQUENCE_NODE, k, "a list of mappings"))
		return 0;
	size_t cnt = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start), n = 0;
	char *arr = xcalloc(cnt + 1, size);
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		yaml_node_t *e = yaml_document_get_node(c->doc, *it);
		if (e->type != YAML_MAPPING_NODE) {
			BAD(e, "an entry of '%s' is %s, expected a mapping", k, kind_name(e));
			continue;
		}
		void *obj = arr + n++ * size;
		if (init)
			init(obj);
		walk_map(c, e, what, keys, nkeys, obj);
	}
	*out = arr;
	return n;
}

static void user_init(void *obj)
{
	((struct isuser *)obj)->gid = (unsigned)-1;
}

#define A ((struct imagespec *)obj)
static void k_groups(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	void *arr = NULL;
	A->ngroups = get_objs(c, v, k, "a group", group_keys, ARRAY_LEN(group_keys),
			      sizeof *A->groups, &arr, NULL);
	A->groups = arr;
}
static void k_users(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	void *arr = NULL;
	A->nusers = get_objs(c, v, k, "a user", user_keys, ARRAY_LEN(user_keys), sizeof *A->users,
			     &arr, user_init);
	A->users = arr;
}
static void k_run_as(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	get_pstr(c, v, k, &A->run_as);
}
#undef A

static const struct key account_keys[] = {
	{"groups", k_groups, 0},
	{"users", k_users, 0},
	{"run-as", k_run_as, 0},
};

static void k_accounts(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (want(c, v, YAML_MAPPING_NODE, k, "a mapping (groups, users, run-as)"))
		walk_map(c, v, "accounts", account_keys, ARRAY_LEN(account_keys), obj);
}

/* Names and ids unique within the spec; run-as names a known user. */
static void check_accounts(struct ctx *c, struct imagespec *s)
{
	for (size_t i = 0; i < s->ngroups; i++)
		for (size_t j = 0; j < i && s->groups[i].name.s; j++)
			if (s->groups[j].name.s &&
			    (!strcmp(s->groups[i].name.s, s->groups[j].name.s) ||
			     s->groups[i].gid == s->groups[j].gid))
				diag_add(c->d, c->file, s->groups[i].name.pos,
					 "group '%s' (gid %u) clashes with group '%s' (gid %u), "
					 "expected unique names and gids",
					 s->groups[i].name.s, s->groups[i].gid, s->groups[j].name.s,
					 s->groups[j].gid);
	for (size_t i = 0; i < s->nusers; i++) {
		struct isuser *u = &s->users[i];
		if (!u->name.s)
			continue;
		if (u->gid == (unsigned)-1)
			u->gid = u->uid;
		if (!u->homedir)
			u->homedir = xasprintf("/home/%s", u->name.s);
		if (!u->shell)
			u->shell = xstrdup("/sbin/nologin");
		for (size_t j = 0; j < i; j++)
			if (s->users[j].name.s &&
			    (!strcmp(u->name.s, s->users[j].name.s) || u->uid == s->users[j].uid))
				diag_add(c->d, c->file, u->name.pos,
					 "user '%s' (uid %u) clashes with user '%s' (uid %u), "
					 "expected unique names and uids",
					 u->name.s, u->uid, s->users[j].name.s, s->users[j].uid);
	}
	if (!s->run_as.s)
		return;
	const char *r = s->run_as.s;
	size_t n = strcspn(r, ":");
	int numeric = n && strspn(r, "0123456789") == n && n <= 10;
	int known = numeric;
	for (size_t i = 0; !known && i < s->nusers; i++)
		known = s->users[i].name.s && strlen(s->users[i].name.s) == n &&
			!strncmp(s->users[i].name.s, r, n);
	const char *g = r[n] ? r + n + 1 : NULL;
	int gok = !g || (*g && strspn(g, "0123456789") == strlen(g) && strlen(g) <= 10);
	if (!known || !gok)
		diag_add(c->d, c->file, s->run_as.pos,
			 "bad run-as '%.200s', expected a user of accounts.users or a numeric "
			 "UID, optionally :GID",
			 r);
}

/* ---- paths ---- */
#define P ((struct ispath *)obj)
static void k_ppath(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (get_pstr(c, v, k, &P->path) && (!valid_abspath(P->path.s) || !P->path.s[1]))
		BAD(v,
		    "bad path '%.200s', expected an absolute path below / without '.', '..' or "
		    "'//'",
		    P->path.s);
}
static void k_ptype(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	static const char *const names[] = {"directory", "empty-file", "symlink", "permissions"};
	char *s = NULL;
	if (!get_str(c, v, k, &s))
		return;
	size_t i;
	for (i = 0; i < ARRAY_LEN(names) && strcmp(names[i], s); i++)
		;
	if (i == ARRAY_LEN(names))
		BAD(v, "bad type '%.200s', expected directory, empty-file, symlink or permissions",
		    s);
	else
		P->type = (enum ispath_type)i;
	free(s);
}
static void k_puid(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	get_id(c, v, k, &P->uid);
}
static void k_pgid(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	get_id(c, v, k, &P->gid);
}
static void k_pperm(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	char *s = NULL;
	if (!get_str(c, v, k, &s))
		return;
	size_t n = strlen(s);
	if (n < 3 || n > 4 || strspn(s, "01234567") != n)
		BAD(v, "bad permissions '%.200s', expected 3 or 4 octal digits such as \"0755\"",
		    s);
	else
		P->mode = (int)strtol(s, NULL, 8);
	free(s);
}
static void k_psource(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (get_str(c, v, k, &P->source) && (!*P->source || strpbrk(P->source, "\n\t")))
		BAD(v, "bad source '%.200s', expected a symlink target", P->source);
}
#undef P
static const struct key path_keys[] = {
	{"path", k_ppath, 1}, {"type", k_ptype, 1},	   {"uid", k_puid, 0},
	{"gid", k_pgid, 0},   {"permissions", k_pperm, 0}, {"source", k_psource, 0},
};

static void path_init(void *obj)
{
	((struct ispath *)obj)->mode = -1;
	((struct ispath *)obj)->type = (enum ispath_type) - 1;
}

static void k_paths(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	void *arr = NULL;
	S->npaths = get_objs(c, v, k, "a path", path_keys, ARRAY_LEN(path_keys), sizeof *S->paths,
			     &arr, path_init);
	S->paths = arr;
	for (size_t i = 0; i < S->npaths; i++) {
		struct ispath *p = &S->paths[i];
		if (!p->path.s || (int)p->type < 0)
			continue;
		if ((p->type == ISP_SYMLINK) != (p->source != NULL))
			diag_add(c->d, c->file, p->path.pos,
				 p->source ? "'source' given for %s, expected it only with type "
					     "symlink"
					   : "symlink %s has no 'source', expected its target",
				 p->path.s);
		if (p->type == ISP_SYMLINK && p->mode >= 0)
			diag_add(c->d, c->file, p->path.pos,
				 "'permissions' given for symlink %s, expected none (a symlink "
				 "has no mode)",
				 p->path.s);
		for (size_t j = 0; j < i; j++)
			if (S->paths[j].path.s && !strcmp(S->paths[j].path.s, p->path.s))
				diag_add(c->d, c->file, p->path.pos,
					 "path %s listed twice, expected it once", p->path.s);
	}
}

/* ---- top level ---- */
static void k_description(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (get_str(c, v, k, &S->description) && (!*S->description || strchr(S->description, '\n')))
		BAD(v, "bad description, expected one non-empty line");
}
static void k_entrypoint(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	get_argv(c, v, k, &S->entrypoint);
}
static void k_cmd(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	get_argv(c, v, k, &S->cmd);
}
static void k_environment(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	get_kvs(c, v, k, &S->env, &S->nenv, 1);
}
static void k_work_dir(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (get_str(c, v, k, &S->work_dir) && !valid_abspath(S->work_dir))
		BAD(v, "bad work-dir '%.200s', expected an absolute path", S->work_dir);
}
static void k_archs(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (!get_list(c, v, k, &S->archs))
		return;
	if (!S->archs.n)
		BAD(v, "'archs' is an empty list, expected x86_64 and/or aarch64 (or no key)");
	for (size_t i = 0; i < S->archs.n; i++) {
		const struct ispstr *a = &S->archs.v[i];
		if (strcmp(a->s, "x86_64") && strcmp(a->s, "aarch64"))
			diag_add(c->d, c->file, a->pos,
				 "unknown arch '%.200s', expected x86_64 or aarch64", a->s);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(S->archs.v[j].s, a->s))
				diag_add(c->d, c->file, a->pos,
					 "arch '%s' listed twice, expected it once", a->s);
	}
}
static void k_annotations(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	get_kvs(c, v, k, &S->annotations, &S->nannotations, 0);
}

static const struct key top_keys[] = {
	{"description", k_description, 0},
	{"contents", k_contents, 1},
	{"accounts", k_accounts, 0},
	{"entrypoint", k_entrypoint, 0},
	{"cmd", k_cmd, 0},
	{"environment", k_environment, 0},
	{"work-dir", k_work_dir, 0},
	{"archs", k_archs, 0},
	{"annotations", k_annotations, 0},
	{"paths", k_paths, 0},
};
#undef S

static void yaml_error(struct diags *d, const char *path, const yaml_parser_t *parser)
{
	struct pos p = {(int)parser->problem_mark.line + 1, (int)parser->problem_mark.column + 1};
	diag_add(d, path, p, "YAML syntax error: %s%s%s, expected well-formed YAML",
		 parser->problem ? parser->problem : "unknown", parser->context ? " " : "",
		 parser->context ? parser->context : "");
}

struct imagespec *imagespec_load(const char *path, struct diags *d)
{
	char *data;
	size_t len;
	if (read_file(path, &data, &len) < 0) {
		diag_add(d, path, (struct pos){0, 0}, "cannot read: %s", kr_errmsg());
		return NULL;
	}
	struct imagespec *s = imagespec_load_mem(data, len, path, d);
	free(data);
	return s;
}

static char *spec_name(const char *path)
{
	const char *b = path_basename(path);
	size_t n = strlen(b);
	if (n > 5 && !strcmp(b + n - 5, ".yaml"))
		n -= 5;
	return xstrndup(b, n);
}

struct imagespec *imagespec_load_mem(const char *data, size_t len, const char *path,
				     struct diags *d)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	if (!yaml_parser_load(&parser, &doc)) {
		yaml_error(d, path, &parser);
		yaml_parser_delete(&parser);
		return NULL;
	}
	struct imagespec *s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	s->name = spec_name(path);
	sha256_hex(data, len, s->sha256);
	struct ctx c = {&doc, d, path};
	if (!valid_pkgname(s->name))
		diag_add(d, path, (struct pos){0, 0},
			 "bad image name '%s', expected a file NAME.yaml with NAME of lowercase "
			 "letters, digits and + . _ -",
			 s->name);
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (!root)
		diag_add(d, path, (struct pos){1, 1}, "empty file, expected an image spec mapping");
	else if (root->type != YAML_MAPPING_NODE)
		diag_add(d, path, node_pos(root), "image spec is %s, expected a mapping of keys",
			 kind_name(root));
	else {
		walk_map(&c, root, "the image spec", top_keys, ARRAY_LEN(top_keys), s);
		check_accounts(&c, s);
	}
	if (root) {
		yaml_document_t extra;
		if (!yaml_parser_load(&parser, &extra))
			yaml_error(d, path, &parser);
		else {
			if (yaml_document_get_root_node(&extra))
				diag_add(
					d, path, (struct pos){(int)extra.start_mark.line + 1, 1},
					"a second YAML document, expected one image spec per file");
			yaml_document_delete(&extra);
		}
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return s;
}

static void kvs_free(struct ispkv *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].value);
	}
	free(v);
}

void imagespec_free(struct imagespec *s)
{
	if (!s)
		return;
	free(s->path);
	free(s->name);
	free(s->description);
	isplist_free(&s->repos);
	isplist_free(&s->keyring);
	isplist_free(&s->packages);
	for (size_t i = 0; i < s->ngroups; i++) {
		free(s->groups[i].name.s);
		isplist_free(&s->groups[i].members);
	}
	free(s->groups);
	for (size_t i = 0; i < s->nusers; i++) {
		free(s->users[i].name.s);
		free(s->users[i].homedir);
		free(s->users[i].shell);
	}
	free(s->users);
	free(s->run_as.s);
	sl_free(&s->entrypoint);
	sl_free(&s->cmd);
	kvs_free(s->env, s->nenv);
	free(s->work_dir);
	isplist_free(&s->archs);
	kvs_free(s->annotations, s->nannotations);
	for (size_t i = 0; i < s->npaths; i++) {
		free(s->paths[i].path.s);
		free(s->paths[i].source);
	}
	free(s->paths);
	free(s);
}

char *imagespec_expand(const char *s, const char *arch)
{
	struct sb b = SB_INIT;
	for (const char *v; (v = strstr(s, "${arch}")); s = v + 7) {
		sb_add(&b, s, (size_t)(v - s));
		sb_adds(&b, arch);
	}
	sb_adds(&b, s);
	return sb_steal(&b);
}

int imagespec_has_arch(const struct imagespec *s, const char *arch)
{
	if (!s->archs.n)
		return 1;
	for (size_t i = 0; i < s->archs.n; i++)
		if (!strcmp(s->archs.v[i].s, arch))
			return 1;
	return 0;
}
