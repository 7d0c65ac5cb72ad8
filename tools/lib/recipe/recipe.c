/* recipe.c - strict port.yaml parsing over libyaml's document API.
 *
 * Each mapping is checked against a table of known keys; every problem is a
 * diagnostic with the node's line:col. Values are taken as YAML scalars as
 * written (no implicit typing), so "1.10" stays a string.
 */
#include "recipe.h"
#include "srctree.h"
#include "vulnid.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

struct ctx {
	yaml_document_t *doc;
	struct diags *d;
	const char *file;
	struct recipe *r;
};

static struct pos node_pos(const yaml_node_t *n)
{
	struct pos p = {(int)n->start_mark.line + 1, (int)n->start_mark.column + 1};
	return p;
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

static int want(struct ctx *c, const yaml_node_t *n, yaml_node_type_t t, const char *key,
		const char *what)
{
	if (n->type == t)
		return 1;
	diag_add(c->d, c->file, node_pos(n), "'%s' is %s, expected %s", key, kind_name(n), what);
	return 0;
}

static int get_str(struct ctx *c, const yaml_node_t *n, const char *key, char **out)
{
	if (!want(c, n, YAML_SCALAR_NODE, key, "a string"))
		return 0;
	free(*out);
	*out = xstrdup(scalar(n));
	return 1;
}

static int get_pstr(struct ctx *c, const yaml_node_t *n, const char *key, struct pstr *out)
{
	if (!get_str(c, n, key, &out->s))
		return 0;
	out->pos = node_pos(n);
	return 1;
}

static int get_bool(struct ctx *c, const yaml_node_t *n, const char *key, int *out)
{
	if (!want(c, n, YAML_SCALAR_NODE, key, "true or false"))
		return 0;
	const char *s = scalar(n);
	if (!strcmp(s, "true"))
		*out = 1;
	else if (!strcmp(s, "false"))
		*out = 0;
	else {
		diag_add(c->d, c->file, node_pos(n), "'%s' is '%s', expected true or false", key,
			 s);
		return 0;
	}
	return 1;
}

static int get_int(struct ctx *c, const yaml_node_t *n, const char *key, int lo, int hi, int *out)
{
	if (!want(c, n, YAML_SCALAR_NODE, key, "a whole number"))
		return 0;
	const char *s = scalar(n);
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || !isdigit((unsigned char)s[0]) || v < lo || v > hi) {
		diag_add(c->d, c->file, node_pos(n),
			 "'%s' is '%s', expected a whole number from %d to %d", key, s, lo, hi);
		return 0;
	}
	*out = (int)v;
	return 1;
}

static const char *const var_names[] = {"name", "version", "release", "arch"};

/* Check the ${var} references in s (written at pos) now, so lint reports
 * them with their place; recipe_expand() can then not fail later. */
static void check_vars(struct ctx *c, struct pos pos, const char *s)
{
	for (const char *v = strstr(s, "${"); v; v = strstr(v, "${")) {
		const char *end = strchr(v, '}');
		if (!end) {
			diag_add(c->d, c->file, pos, "unterminated '${' in '%s', expected ${name}",
				 s);
			return;
		}
		size_t n = (size_t)(end - v - 2), i;
		for (i = 0; i < ARRAY_LEN(var_names); i++)
			if (strlen(var_names[i]) == n && !memcmp(var_names[i], v + 2, n))
				break;
		if (i == ARRAY_LEN(var_names))
			diag_add(c->d, c->file, pos,
				 "unknown variable '%.*s' in '%s', expected ${name}, ${version}, "
				 "${release} or ${arch}",
				 (int)(end - v + 1), v, s);
		v = end + 1;
	}
}

static void check_list_vars(struct ctx *c, const struct pstrlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		check_vars(c, l->v[i].pos, l->v[i].s);
}

/* A list of strings; a single scalar is not accepted (no silent coercion). */
static int get_list(struct ctx *c, const yaml_node_t *n, const char *key, struct pstrlist *out)
{
	if (!want(c, n, YAML_SEQUENCE_NODE, key, "a list of strings"))
		return 0;
	size_t cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	out->v = xcalloc(cnt, sizeof *out->v);
	out->n = 0;
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *e = yaml_document_get_node(c->doc, *it);
		if (!want(c, e, YAML_SCALAR_NODE, key, "a list of strings"))
			continue;
		out->v[out->n].s = xstrdup(scalar(e));
		out->v[out->n].pos = node_pos(e);
		out->n++;
	}
	return 1;
}

static void pstrlist_free(struct pstrlist *l)
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
	int seen[64] = {0};
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
		if (k->type != YAML_SCALAR_NODE) {
			diag_add(c->d, c->file, node_pos(k), "%s key is %s, expected a string",
				 what, kind_name(k));
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
			diag_add(c->d, c->file, node_pos(k),
				 "unknown key '%s' in %s, expected one of: %s", scalar(k), what,
				 sb_str(&b));
			sb_free(&b);
			continue;
		}
		if (seen[i]++) {
			diag_add(c->d, c->file, node_pos(k),
				 "duplicate key '%s' in %s, expected it once", scalar(k), what);
			continue;
		}
		keys[i].fn(c, v, keys[i].name, obj);
	}
	for (size_t i = 0; i < nkeys; i++)
		if (keys[i].required && !seen[i])
			diag_add(c->d, c->file, node_pos(map), "missing required key '%s' in %s",
				 keys[i].name, what);
}

/* ---- top-level keys ---- */
#define R ((struct recipe *)obj)

static void k_name(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (get_pstr(c, v, k, &R->name) && !valid_pkgname(R->name.s))
		diag_add(c->d, c->file, R->name.pos,
			 "bad name '%s', expected lowercase letters, digits and + . _ - starting "
			 "with a letter or digit",
			 R->name.s);
}

static void k_version(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (get_pstr(c, v, k, &R->version) && !valid_version(R->version.s))
		diag_add(c->d, c->file, R->version.pos,
			 "bad version '%s', expected digits and letters separated by . + ~ _ "
			 "(starting with a digit, no '-')",
			 R->version.s);
}

static void k_release(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	get_int(c, v, k, 0, 1000000, &R->release);
}

static void k_summary(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (get_str(c, v, k, &R->summary) && (!*R->summary || strchr(R->summary, '\n')))
		diag_add(c->d, c->file, node_pos(v), "bad summary, expected one non-empty line");
}

static void k_description(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	get_str(c, v, k, &R->description);
}

static void k_license(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (get_str(c, v, k, &R->license) && spdx_check(R->license) < 0)
		diag_add(c->d, c->file, node_pos(v), "bad license '%s': %s", R->license,
			 kr_errmsg());
}

static void k_homepage(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (get_str(c, v, k, &R->homepage) && !str_starts(R->homepage, "https://") &&
	    !str_starts(R->homepage, "http://"))
		diag_add(c->d, c->file, node_pos(v),
			 "bad homepage '%s', expected an http(s):// URL", R->homepage);
}

static const char *const known_arches[] = {"x86_64", "aarch64", "host"};

static void k_arch(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (!get_list(c, v, k, &R->arches))
		return;
	for (size_t i = 0; i < R->arches.n; i++) {
		size_t j;
		for (j = 0; j < ARRAY_LEN(known_arches); j++)
			if (!strcmp(R->arches.v[i].s, known_arches[j]))
				break;
		if (j == ARRAY_LEN(known_arches))
			diag_add(c->d, c->file, R->arches.v[i].pos,
				 "unknown arch '%s', expected x86_64, aarch64 or host",
				 R->arches.v[i].s);
	}
}

static void check_names(struct ctx *c, struct pstrlist *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++) {
		/* dep.h's grammar; a recipe's constraint names no release:
		 * "zlib>=1.3", not "zlib>=1.3-r0" */
		char *nm, *op, *ver;
		int ok = dep_split(l->v[i].s, &nm, &op, &ver) == 0;
		if (ok) {
			ok = !*op || valid_version(ver);
			free(nm);
			free(op);
			free(ver);
		}
		if (!ok)
			diag_add(c->d, c->file, l->v[i].pos,
				 "bad %s entry '%s', expected a package name, optionally with <, "
				 "<=, =, >=, > and a version",
				 key, l->v[i].s);
	}
}

static void k_bdeps(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (get_list(c, v, k, &R->build_depends))
		check_names(c, &R->build_depends, k);
}

static void k_tdeps(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (get_list(c, v, k, &R->test_depends))
		check_names(c, &R->test_depends, k);
}

static void k_deps(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (get_list(c, v, k, &R->depends))
		check_names(c, &R->depends, k);
}

static void k_provides(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (get_list(c, v, k, &R->provides))
		check_names(c, &R->provides, k);
}

/* ---- sources ---- */
#define S ((struct source *)obj)

static void s_url(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (!get_pstr(c, v, k, &S->url))
		return;
	check_vars(c, S->url.pos, S->url.s);
	const char *u = S->url.s;
	if (str_starts(u, "tree:")) {
		if (!tree_path_ok(u + 5) || strchr(u, '$'))
			diag_add(c->d, c->file, S->url.pos,
				 "bad url '%s', expected tree:PATH, a file or folder of the source "
				 "tree (relative, no '..', no variables, no dot names)",
				 u);
	} else if (!str_starts(u, "https://") && !str_starts(u, "http://") &&
		   !str_starts(u, "ftp://") && !str_starts(u, "file://") &&
		   !str_starts(u, "debian:"))
		diag_add(c->d, c->file, S->url.pos,
			 "bad url '%s', expected http(s)://, ftp://, file://, debian:PACKAGE/FILE "
			 "or "
			 "tree:PATH",
			 u);
}

static void s_sha256(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (get_str(c, v, k, &S->sha256) && (strlen(S->sha256) != 64 || !is_hex(S->sha256, 64)))
		diag_add(c->d, c->file, node_pos(v),
			 "malformed sha256 '%s', expected 64 lowercase hex digits", S->sha256);
}

static void s_filename(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (!get_str(c, v, k, &S->filename))
		return;
	check_vars(c, node_pos(v), S->filename);
	if ((!*S->filename || strchr(S->filename, '/') || S->filename[0] == '.'))
		diag_add(c->d, c->file, node_pos(v),
			 "bad filename '%s', expected a plain file name (no '/', not starting with "
			 "'.')",
			 S->filename);
}

static void s_extract(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	get_bool(c, v, k, &S->extract);
}

static void s_dir(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (!get_str(c, v, k, &S->dir))
		return;
	check_vars(c, node_pos(v), S->dir);
	if (S->dir[0] == '/' || strstr(S->dir, ".."))
		diag_add(c->d, c->file, node_pos(v),
			 "bad dir '%s', expected a relative path without '..'", S->dir);
}

static void s_strip(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	get_int(c, v, k, 0, 16, &S->strip);
}

static void s_inner(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (get_str(c, v, k, &S->inner) &&
	    (!*S->inner || S->inner[0] == '/' || strstr(S->inner, "..")))
		diag_add(c->d, c->file, node_pos(v),
			 "bad inner '%s', expected a glob of a member path inside the archive",
			 S->inner);
}

static const struct key source_keys[] = {
	{"url", s_url, 1},	   {"sha256", s_sha256, 0}, {"filename", s_filename, 0},
	{"extract", s_extract, 0}, {"dir", s_dir, 0},	    {"strip-components", s_strip, 0},
	{"inner", s_inner, 0},
};

static void k_sources(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (!want(c, v, YAML_SEQUENCE_NODE, k, "a list of {url, sha256} mappings"))
		return;
	size_t cnt = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	R->sources = xcalloc(cnt, sizeof *R->sources);
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		yaml_node_t *e = yaml_document_get_node(c->doc, *it);
		if (!want(c, e, YAML_MAPPING_NODE, "sources entry",
			  "a mapping with url and sha256"))
			continue;
		struct source *s = &R->sources[R->nsources++];
		s->extract = 1;
		s->strip = -1;
		walk_map(c, e, "a source", source_keys, ARRAY_LEN(source_keys), s);
		/* a tree: source is hashed by krill graph (its hash enters the
		 * key) and copied as is: nothing to pin, name or unpack */
		int tree = s->url.s && str_starts(s->url.s, "tree:");
		if (tree && (s->sha256 || s->filename || !s->extract || s->dir || s->strip >= 0 ||
			     s->inner))
			diag_add(c->d, c->file, node_pos(e),
				 "a tree: source takes only url (krill graph hashes the tree), "
				 "expected no sha256, filename, extract, dir, strip-components or "
				 "inner");
		else if (!tree && s->url.s && !s->sha256)
			diag_add(c->d, c->file, node_pos(e),
				 "missing required key 'sha256' in a source");
	}
}

/* ---- build ---- */
static const char *const style_names[] = {"none", "autotools", "make", "meson", "cmake", "custom"};

const char *style_name(enum build_style s)
{
	return style_names[s];
}

static void b_style(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (!want(c, v, YAML_SCALAR_NODE, k, "a build style"))
		return;
	for (size_t i = 0; i < ARRAY_LEN(style_names); i++)
		if (!strcmp(scalar(v), style_names[i])) {
			R->style = (enum build_style)i;
			return;
		}
	diag_add(c->d, c->file, node_pos(v),
		 "unknown build style '%s', expected autotools, make, meson, cmake, custom or none",
		 scalar(v));
}

static void b_subdir(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (!get_str(c, v, k, &R->subdir))
		return;
	check_vars(c, node_pos(v), R->subdir);
	if (R->subdir[0] == '/' || strstr(R->subdir, ".."))
		diag_add(c->d, c->file, node_pos(v),
			 "bad subdir '%s', expected a relative path without '..'", R->subdir);
}

static void b_configure(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (get_list(c, v, k, &R->configure_args))
		check_list_vars(c, &R->configure_args);
}

static void b_make(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (get_list(c, v, k, &R->make_args))
		check_list_vars(c, &R->make_args);
}

static void b_install(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (get_list(c, v, k, &R->install_args))
		check_list_vars(c, &R->install_args);
}

static void b_env(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (!want(c, v, YAML_MAPPING_NODE, k, "a mapping of NAME: value"))
		return;
	size_t cnt = (size_t)(v->data.mapping.pairs.top - v->data.mapping.pairs.start);
	R->env = xcalloc(cnt, sizeof *R->env);
	for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *kn = yaml_document_get_node(c->doc, p->key);
		yaml_node_t *vn = yaml_document_get_node(c->doc, p->value);
		if (!want(c, kn, YAML_SCALAR_NODE, "env key", "a variable name") ||
		    !want(c, vn, YAML_SCALAR_NODE, scalar(kn), "a string"))
			continue;
		const char *name = scalar(kn);
		int ok = *name && !isdigit((unsigned char)*name);
		for (const char *s = name; *s; s++)
			ok = ok && (isalnum((unsigned char)*s) || *s == '_');
		if (!ok) {
			diag_add(c->d, c->file, node_pos(kn),
				 "bad env name '%s', expected letters, digits and _", name);
			continue;
		}
		check_vars(c, node_pos(vn), scalar(vn));
		R->env[R->nenv].key = xstrdup(name);
		R->env[R->nenv].value = xstrdup(scalar(vn));
		R->nenv++;
	}
}

static void b_pre(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	get_str(c, v, k, &R->pre_configure);
}

static void b_post(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	get_str(c, v, k, &R->post_install);
}

static void b_script(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	get_str(c, v, k, &R->script);
}

static void b_strip(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	get_bool(c, v, k, &R->strip);
}

static void b_oot(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	get_bool(c, v, k, &R->out_of_tree);
}

static const struct key build_keys[] = {
	{"style", b_style, 1},	     {"subdir", b_subdir, 0},	  {"configure", b_configure, 0},
	{"make", b_make, 0},	     {"install", b_install, 0},	  {"env", b_env, 0},
	{"pre-configure", b_pre, 0}, {"post-install", b_post, 0}, {"script", b_script, 0},
	{"strip", b_strip, 0},	     {"out-of-tree", b_oot, 0},
};

static void k_build(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (!want(c, v, YAML_MAPPING_NODE, k, "a mapping with a style"))
		return;
	walk_map(c, v, "build", build_keys, ARRAY_LEN(build_keys), obj);
	if (R->style == STYLE_CUSTOM && !R->script)
		diag_add(c->d, c->file, node_pos(v), "build style 'custom' needs a 'script'");
	if (R->style != STYLE_CUSTOM && R->script)
		diag_add(c->d, c->file, node_pos(v),
			 "'script' is only for build style 'custom', expected "
			 "configure/make/install lists or hooks");
}

/* ---- subpackages ---- */
#define P ((struct subpackage *)obj)

static void p_name(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (get_pstr(c, v, k, &P->name) && !valid_pkgname(P->name.s))
		diag_add(c->d, c->file, P->name.pos,
			 "bad subpackage name '%s', expected a package name", P->name.s);
}

static void p_summary(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	get_str(c, v, k, &P->summary);
}

static void p_files(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (!get_list(c, v, k, &P->files))
		return;
	check_list_vars(c, &P->files);
	for (size_t i = 0; i < P->files.n; i++)
		if (P->files.v[i].s[0] == '/' || strstr(P->files.v[i].s, ".."))
			diag_add(c->d, c->file, P->files.v[i].pos,
				 "bad file glob '%s', expected a path relative to the install root "
				 "without '..'",
				 P->files.v[i].s);
}

static void p_depends(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (get_list(c, v, k, &P->depends))
		check_names(c, &P->depends, k);
}

static void p_provides(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (get_list(c, v, k, &P->provides))
		check_names(c, &P->provides, k);
}

static const struct key subpkg_keys[] = {
	{"name", p_name, 1},	   {"summary", p_summary, 0},	{"files", p_files, 1},
	{"depends", p_depends, 0}, {"provides", p_provides, 0},
};

static void k_subpackages(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (!want(c, v, YAML_SEQUENCE_NODE, k, "a list of {name, files} mappings"))
		return;
	size_t cnt = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	R->subpackages = xcalloc(cnt, sizeof *R->subpackages);
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		yaml_node_t *e = yaml_document_get_node(c->doc, *it);
		if (!want(c, e, YAML_MAPPING_NODE, "subpackages entry",
			  "a mapping with name and files"))
			continue;
		walk_map(c, e, "a subpackage", subpkg_keys, ARRAY_LEN(subpkg_keys),
			 &R->subpackages[R->nsubpackages++]);
	}
}

/* the distribution's keyring package: its main package may install
 * trusted keys in etc/krill/keys/ (the client refuses them from any other) */
static void k_keyring(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	get_bool(c, v, k, &R->keyring);
}

static void k_test(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	get_str(c, v, k, &R->test);
}


/* ---- security: upstream identifiers, secfixes, not-affected ---- */

/* cpe: and purl: may name ${version} only: the identifiers are of the
 * upstream release, never of a build or an arch. Checked as expanded,
 * after the walk (the version may come later in the file). */
static void check_version_var_only(struct ctx *c, const struct pstr *p, const char *key)
{
	check_vars(c, p->pos, p->s);
	for (const char *v = strstr(p->s, "${"); v; v = strstr(v + 2, "${"))
		if (strncmp(v, "${version}", 10) && strchr(v, '}')) {
			diag_add(c->d, c->file, p->pos,
				 "'%s' may use ${version} only, expected the upstream release's "
				 "identifier",
				 key);
			return;
		}
}

static void k_cpe(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (get_pstr(c, v, k, &R->cpe))
		check_version_var_only(c, &R->cpe, k);
}

static void k_purl(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (get_pstr(c, v, k, &R->purl))
		check_version_var_only(c, &R->purl, k);
}

static void check_ids(struct ctx *c, const struct pstrlist *l, const char *where)
{
	for (size_t i = 0; i < l->n; i++) {
		const char *why;
		if (!vuln_id_valid(l->v[i].s, &why))
			diag_add(c->d, c->file, l->v[i].pos, "bad vulnerability id '%s' in %s, expected %s",
				 l->v[i].s, where, why);
	}
}

/* "VERSION-rRELEASE" as the package version spells it. */
static int fullver_valid(const char *s)
{
	const char *r = strrchr(s, '-');
	if (!r || r[1] != 'r' || !r[2] || strspn(r + 2, "0123456789") != strlen(r + 2) ||
	    (r[2] == '0' && r[3]) || strlen(r + 2) > 7 || atol(r + 2) > 1000000)
		return 0;
	char *ver = xstrndup(s, (size_t)(r - s));
	int ok = valid_version(ver);
	free(ver);
	return ok;
}

static void k_secfixes(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (!want(c, v, YAML_MAPPING_NODE, k, "a mapping of VERSION-rRELEASE: [ids]"))
		return;
	size_t cnt = (size_t)(v->data.mapping.pairs.top - v->data.mapping.pairs.start);
	R->secfixes = xcalloc(cnt + 1, sizeof *R->secfixes);
	for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *kn = yaml_document_get_node(c->doc, p->key);
		yaml_node_t *vn = yaml_document_get_node(c->doc, p->value);
		if (!want(c, kn, YAML_SCALAR_NODE, "secfixes key", "VERSION-rRELEASE"))
			continue;
		if (!fullver_valid(scalar(kn))) {
			diag_add(c->d, c->file, node_pos(kn),
				 "bad secfixes key '%s', expected VERSION-rRELEASE (the package "
				 "version that fixed them, e.g. 1.3.1-r2)",
				 scalar(kn));
			continue;
		}
		for (size_t i = 0; i < R->nsecfixes; i++)
			if (!strcmp(R->secfixes[i].fullver.s, scalar(kn)))
				diag_add(c->d, c->file, node_pos(kn),
					 "duplicate secfixes key '%s', expected it once",
					 scalar(kn));
		struct secfix *f = &R->secfixes[R->nsecfixes];
		if (!get_list(c, vn, scalar(kn), &f->ids))
			continue;
		R->nsecfixes++;
		f->fullver.s = xstrdup(scalar(kn));
		f->fullver.pos = node_pos(kn);
		if (!f->ids.n)
			diag_add(c->d, c->file, node_pos(vn),
				 "secfixes '%s' lists no id, expected the ids it fixed", scalar(kn));
		check_ids(c, &f->ids, "secfixes");
	}
}

#define N ((struct not_affected *)obj)

static void n_id(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	const char *why;
	if (get_pstr(c, v, k, &N->id) && !vuln_id_valid(N->id.s, &why))
		diag_add(c->d, c->file, N->id.pos,
			 "bad vulnerability id '%s' in not-affected, expected %s", N->id.s, why);
}

static void n_justification(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (get_str(c, v, k, &N->justification) && !vex_justification_valid(N->justification)) {
		struct sb b = SB_INIT;
		for (size_t i = 0; i < ARRAY_LEN(vex_justifications); i++)
			sb_printf(&b, "%s%s", i ? ", " : "", vex_justifications[i]);
		diag_add(c->d, c->file, node_pos(v),
			 "unknown justification '%s', expected one of OpenVEX's: %s",
			 N->justification, sb_str(&b));
		sb_free(&b);
	}
}

static void n_impact(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (get_str(c, v, k, &N->impact) && !*N->impact)
		diag_add(c->d, c->file, node_pos(v),
			 "empty impact, expected a sentence saying why (or no impact key)");
}

static const struct key notaff_keys[] = {
	{"id", n_id, 1},
	{"justification", n_justification, 1},
	{"impact", n_impact, 0},
};

#undef N

static void k_not_affected(struct ctx *c, const yaml_node_t *v, const char *k, void *obj)
{
	if (!want(c, v, YAML_SEQUENCE_NODE, k, "a list of {id, justification} mappings"))
		return;
	size_t cnt = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	R->not_affected = xcalloc(cnt + 1, sizeof *R->not_affected);
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		yaml_node_t *e = yaml_document_get_node(c->doc, *it);
		if (!want(c, e, YAML_MAPPING_NODE, "not-affected entry",
			  "a mapping with id and justification"))
			continue;
		struct not_affected *n = &R->not_affected[R->nnot_affected++];
		n->pos = node_pos(e);
		walk_map(c, e, "a not-affected entry", notaff_keys, ARRAY_LEN(notaff_keys), n);
	}
}

/* After the walk: the identifiers expanded, every id once across
 * secfixes and not-affected, and no secfix for a build this recipe has
 * not made (a version-release above its own). */
static void check_security(struct ctx *c, struct recipe *r)
{
	struct pstr *ids[2] = {&r->cpe, &r->purl};
	for (int i = 0; i < 2; i++) {
		if (!ids[i]->s || !r->version.s)
			continue;
		char *x = (i ? recipe_purl : recipe_cpe)(r);
		const char *why;
		/* (another variable was reported already) */
		if (x && !strstr(x, "${") && !(i ? purl_valid(x, &why) : cpe23_valid(x, &why)))
			diag_add(c->d, c->file, ids[i]->pos, "bad %s '%s', expected %s",
				 i ? "purl" : "cpe", x, why);
		free(x);
	}
	char *full = r->version.s && r->release >= 0 ? recipe_fullver(r) : NULL;
	struct strlist seen = STRLIST_INIT;
	for (size_t i = 0; i < r->nsecfixes; i++) {
		const struct secfix *f = &r->secfixes[i];
		if (full && version_cmp(f->fullver.s, full) > 0)
			diag_add(c->d, c->file, f->fullver.pos,
				 "secfixes names %s, a version-release this recipe does not have "
				 "(it is at %s), expected %s or an earlier build",
				 f->fullver.s, full, full);
		for (size_t j = 0; j < f->ids.n; j++) {
			if (sl_has(&seen, f->ids.v[j].s))
				diag_add(c->d, c->file, f->ids.v[j].pos,
					 "'%s' is listed twice in secfixes, expected each id once "
					 "(under the first build that fixed it)",
					 f->ids.v[j].s);
			sl_push(&seen, f->ids.v[j].s);
		}
	}
	for (size_t i = 0; i < r->nnot_affected; i++) {
		const struct not_affected *n = &r->not_affected[i];
		if (n->id.s && sl_has(&seen, n->id.s))
			diag_add(c->d, c->file, n->id.pos,
				 "'%s' is both in secfixes and in not-affected, expected one of "
				 "them",
				 n->id.s);
		if (n->id.s)
			sl_push(&seen, n->id.s);
	}
	sl_free(&seen);
	free(full);
}

static const struct key top_keys[] = {
	{"name", k_name, 1},
	{"version", k_version, 1},
	{"release", k_release, 1},
	{"summary", k_summary, 1},
	{"description", k_description, 0},
	{"license", k_license, 1},
	{"homepage", k_homepage, 0},
	{"arch", k_arch, 0},
	{"sources", k_sources, 0},
	{"build-depends", k_bdeps, 0},
	{"depends", k_deps, 0},
	{"test-depends", k_tdeps, 0},
	{"provides", k_provides, 0},
	{"build", k_build, 1},
	{"subpackages", k_subpackages, 0},
	{"test", k_test, 0},
	{"keyring", k_keyring, 0},
	{"cpe", k_cpe, 0},
	{"purl", k_purl, 0},
	{"secfixes", k_secfixes, 0},
	{"not-affected", k_not_affected, 0},
};

#undef R

struct recipe *recipe_load(const char *path, struct diags *d)
{
	char *data;
	size_t len;
	if (read_file(path, &data, &len) < 0) {
		diag_add(d, path, (struct pos){0, 0}, "cannot read: %s", kr_errmsg());
		return NULL;
	}
	struct recipe *r = recipe_load_mem(data, len, path, d);
	free(data);
	return r;
}

static void yaml_error(struct diags *d, const char *path, const yaml_parser_t *parser)
{
	struct pos p = {(int)parser->problem_mark.line + 1, (int)parser->problem_mark.column + 1};
	diag_add(d, path, p, "YAML syntax error: %s%s%s, expected well-formed YAML",
		 parser->problem ? parser->problem : "unknown", parser->context ? " " : "",
		 parser->context ? parser->context : "");
}

/* A second document is a mistake, not something to ignore. */
static void check_one_document(yaml_parser_t *parser, const char *path, struct diags *d)
{
	yaml_document_t extra;
	if (!yaml_parser_load(parser, &extra)) {
		yaml_error(d, path, parser);
		return;
	}
	if (yaml_document_get_root_node(&extra))
		diag_add(d, path, (struct pos){(int)extra.start_mark.line + 1, 1},
			 "a second YAML document, expected one recipe per file");
	yaml_document_delete(&extra);
}

struct recipe *recipe_load_mem(const char *data, size_t len, const char *path, struct diags *d)
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
	struct recipe *r = xcalloc(1, sizeof *r);
	r->path = xstrdup(path);
	r->dir = path_dirname(path);
	sha256_hex(data, len, r->sha256);
	r->strip = 1;
	r->out_of_tree = 1;
	r->release = -1;
	struct ctx c = {&doc, d, path, r};
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (!root)
		diag_add(d, path, (struct pos){1, 1}, "empty file, expected a recipe mapping");
	else if (root->type != YAML_MAPPING_NODE)
		diag_add(d, path, node_pos(root), "recipe is %s, expected a mapping of keys",
			 kind_name(root));
	else
		walk_map(&c, root, "the recipe", top_keys, ARRAY_LEN(top_keys), r);
	/* test-depends only fill the test root: without a test they would
	 * only order the build and change its key for nothing */
	if (r->test_depends.n && !r->test)
		diag_add(d, path, r->test_depends.v[0].pos,
			 "'test-depends' without a 'test', expected a test that uses them "
			 "(or no test-depends)");
	check_security(&c, r);
	if (root)
		check_one_document(&parser, path, d);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return r;
}

void recipe_free(struct recipe *r)
{
	if (!r)
		return;
	free(r->path);
	free(r->dir);
	free(r->name.s);
	free(r->version.s);
	free(r->summary);
	free(r->description);
	free(r->license);
	free(r->homepage);
	pstrlist_free(&r->arches);
	for (size_t i = 0; i < r->nsources; i++) {
		free(r->sources[i].url.s);
		free(r->sources[i].sha256);
		free(r->sources[i].filename);
		free(r->sources[i].dir);
		free(r->sources[i].inner);
	}
	free(r->sources);
	pstrlist_free(&r->build_depends);
	pstrlist_free(&r->depends);
	pstrlist_free(&r->test_depends);
	pstrlist_free(&r->provides);
	free(r->subdir);
	pstrlist_free(&r->configure_args);
	pstrlist_free(&r->make_args);
	pstrlist_free(&r->install_args);
	for (size_t i = 0; i < r->nenv; i++) {
		free(r->env[i].key);
		free(r->env[i].value);
	}
	free(r->env);
	free(r->pre_configure);
	free(r->post_install);
	free(r->script);
	for (size_t i = 0; i < r->nsubpackages; i++) {
		struct subpackage *p = &r->subpackages[i];
		free(p->name.s);
		free(p->summary);
		pstrlist_free(&p->files);
		pstrlist_free(&p->depends);
		pstrlist_free(&p->provides);
	}
	free(r->subpackages);
	free(r->test);
	free(r->cpe.s);
	free(r->purl.s);
	for (size_t i = 0; i < r->nsecfixes; i++) {
		free(r->secfixes[i].fullver.s);
		pstrlist_free(&r->secfixes[i].ids);
	}
	free(r->secfixes);
	for (size_t i = 0; i < r->nnot_affected; i++) {
		free(r->not_affected[i].id.s);
		free(r->not_affected[i].justification);
		free(r->not_affected[i].impact);
	}
	free(r->not_affected);
	free(r);
}

char *recipe_expand(const struct recipe *r, const char *s, const char *arch)
{
	struct sb b = SB_INIT;
	while (*s) {
		if (s[0] != '$' || s[1] != '{') {
			sb_addc(&b, *s++);
			continue;
		}
		const char *end = strchr(s, '}');
		if (!end) {
			kr_err("unterminated '${' in '%s', expected ${name}", s);
			sb_free(&b);
			return NULL;
		}
		char *var = xstrndup(s + 2, (size_t)(end - s - 2));
		const char *val = NULL;
		char rel[16];
		if (!strcmp(var, "name"))
			val = r->name.s;
		else if (!strcmp(var, "version"))
			val = r->version.s;
		else if (!strcmp(var, "release")) {
			snprintf(rel, sizeof rel, "%d", r->release);
			val = rel;
		} else if (!strcmp(var, "arch"))
			val = arch;
		if (!val) {
			kr_err("unknown variable '${%s}', expected ${name}, ${version}, ${release} "
			       "or ${arch}",
			       var);
			free(var);
			sb_free(&b);
			return NULL;
		}
		sb_adds(&b, val);
		free(var);
		s = end + 1;
	}
	return sb_steal(&b);
}

/* ${version} only (the parser refuses any other variable here). */
static char *expand_version(const struct recipe *r, const char *s)
{
	struct sb b = SB_INIT;
	for (const char *v; (v = strstr(s, "${version}")); s = v + 10) {
		sb_add(&b, s, (size_t)(v - s));
		sb_adds(&b, r->version.s ? r->version.s : "");
	}
	sb_adds(&b, s);
	return sb_steal(&b);
}

char *recipe_cpe(const struct recipe *r)
{
	return r->cpe.s ? expand_version(r, r->cpe.s) : NULL;
}

char *recipe_purl(const struct recipe *r)
{
	return r->purl.s ? expand_version(r, r->purl.s) : NULL;
}

char *recipe_fullver(const struct recipe *r)
{
	return xasprintf("%s-r%d", r->version.s ? r->version.s : "?", r->release);
}

const char *source_tree(const struct source *s)
{
	return s->url.s && str_starts(s->url.s, "tree:") ? s->url.s + 5 : NULL;
}

char *recipe_tree_top(const struct recipe *r)
{
	char *abs = realpath(r->dir, NULL); /* "krill" or "ports/krill/" too */
	char *ports = path_dirname(abs ? abs : r->dir);
	free(abs);
	char *top = path_dirname(ports);
	free(ports);
	return top;
}
