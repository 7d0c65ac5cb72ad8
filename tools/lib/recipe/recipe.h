/* recipe.h - ports/NAME/port.yaml, parsed strictly with libyaml.
 *
 * The reference of every key is tools/doc/recipe.md. Parsing collects every
 * problem as a diagnostic with its line:col, so lint can report them all.
 */
#ifndef KRILL_RECIPE_H
#define KRILL_RECIPE_H

#include "dep.h"
#include "diag.h"
#include "util.h"
#include "version.h"

/* A string with the place it came from, for later messages. */
struct pstr {
	char *s;
	struct pos pos;
};

struct pstrlist {
	struct pstr *v;
	size_t n;
};

struct kv {
	char *key, *value;
};

struct source {
	struct pstr url; /* as written, with ${...}; "tree:PATH" for a tree source */
	char *sha256;	 /* 64 lowercase hex; for a tree source NULL until built */
	char *filename;	 /* NULL: last path element of the url */
	int extract;	 /* 1 unless `extract: false` */
	char *dir;	 /* extract into src/DIR; NULL: src/ */
	int strip;	 /* leading path components to strip; -1: auto */
	char *inner;	 /* glob naming an archive inside this one to extract
			    instead (Debian .orig tarballs that wrap upstream's) */
};

struct subpackage {
	struct pstr name;
	char *summary;
	struct pstrlist files; /* globs relative to the install root */
	struct pstrlist depends;
	struct pstrlist provides;
};

/* secfixes: one VERSION-rRELEASE and the vulnerability ids fixed in it */
struct secfix {
	struct pstr fullver;
	struct pstrlist ids;
};

/* not-affected: a vulnerability that does not apply to this build, and
 * why (one of OpenVEX's justifications; optionally a sentence) */
struct not_affected {
	struct pstr id;
	char *justification;
	char *impact;
	struct pos pos; /* of the entry */
};

enum build_style {
	STYLE_NONE,
	STYLE_AUTOTOOLS,
	STYLE_MAKE,
	STYLE_MESON,
	STYLE_CMAKE,
	STYLE_CUSTOM
};

struct recipe {
	char *path;	 /* the port.yaml path */
	char *dir;	 /* its folder */
	char sha256[65]; /* of the file's bytes, as parsed (part of the content key) */
	struct pstr name, version;
	int release;
	char *summary, *description, *license, *homepage;
	int keyring;		/* keyring: true - the main package is the keyring package */
	struct pstrlist arches; /* empty: every arch */
	struct source *sources;
	size_t nsources;
	struct pstrlist build_depends, depends, provides;
	struct pstrlist test_depends; /* installed into the test root only */

	enum build_style style;
	char *subdir; /* build in src/SUBDIR */
	struct pstrlist configure_args, make_args, install_args;
	struct kv *env;
	size_t nenv;
	char *pre_configure, *post_install, *script; /* shell snippets */
	int strip;				     /* strip binaries; default 1 */
	int out_of_tree; /* autotools/meson/cmake build in a separate dir; default 1 */

	struct subpackage *subpackages;
	size_t nsubpackages;
	char *test;

	struct pstr cpe, purl; /* upstream identifiers, ${version} expanded later */
	struct secfix *secfixes;
	size_t nsecfixes;
	struct not_affected *not_affected;
	size_t nnot_affected;
};

/* Parse path; problems go to d. Returns NULL only if the file could not be
 * read or is not YAML at all; otherwise a recipe (possibly with problems
 * recorded in d: the caller checks d->n). */
struct recipe *recipe_load(const char *path, struct diags *d);
/* The same from memory; path names the input in messages (and r->dir). */
struct recipe *recipe_load_mem(const char *data, size_t len, const char *path, struct diags *d);
void recipe_free(struct recipe *r);

/* Expand ${name} ${version} ${release} ${arch} in s; NULL + kr_err on an
 * unknown variable. arch may be NULL (then ${arch} is an error). */
char *recipe_expand(const struct recipe *r, const char *s, const char *arch);
/* cpe:/purl: with ${version} expanded; NULL when the recipe has none. */
char *recipe_cpe(const struct recipe *r);
char *recipe_purl(const struct recipe *r);
/* The full version "VERSION-rRELEASE". */
char *recipe_fullver(const struct recipe *r);
/* The PATH of a "tree:PATH" source (relative to the tree holding the
 * ports folder: recipe_tree_top), NULL for a fetched one. */
const char *source_tree(const struct source *s);
/* The top of the source tree a recipe lives in: its folder's parent's
 * parent (ports/NAME/ -> .). malloc'd. */
char *recipe_tree_top(const struct recipe *r);
const char *style_name(enum build_style s);

/* SPDX license expression; on failure returns -1 with kr_err set. */
int spdx_check(const char *expr);

#endif
