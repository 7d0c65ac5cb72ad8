/* recipeedit.c - see recipeedit.h. */
#include "recipeedit.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "recipe.h"
#include "util.h"

struct span {
	size_t start, end; /* byte offsets */
	yaml_scalar_style_t style;
	char *value;
};

/* libyaml's marks count characters: walk the UTF-8 text to the byte. */
static size_t byte_at(const char *text, size_t len, size_t chars)
{
	size_t b = 0;
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		b = 3; /* a byte order mark is not counted */
	for (size_t c = 0; b < len && c < chars; c++) {
		b++;
		while (b < len && ((unsigned char)text[b] & 0xc0) == 0x80)
			b++;
	}
	return b;
}

static yaml_node_t *map_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		if (k && k->type == YAML_SCALAR_NODE && !strcmp((char *)k->data.scalar.value, key))
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

static int add_span(struct span *sp, size_t *n, yaml_node_t *v, const char *key, const char *path,
		    const char *text, size_t len, const char *value)
{
	if (!v || v->type != YAML_SCALAR_NODE) {
		kr_err("%s:%d:%d: cannot update '%s': %s", path,
		       v ? (int)v->start_mark.line + 1 : 1, v ? (int)v->start_mark.column + 1 : 1,
		       key, v ? "not a scalar" : "no such key");
		return -1;
	}
	yaml_scalar_style_t st = v->data.scalar.style;
	if (st == YAML_LITERAL_SCALAR_STYLE || st == YAML_FOLDED_SCALAR_STYLE) {
		kr_err("%s:%d:%d: cannot update '%s': a block scalar, expected a one-line value",
		       path, (int)v->start_mark.line + 1, (int)v->start_mark.column + 1, key);
		return -1;
	}
	sp[*n] = (struct span){byte_at(text, len, v->start_mark.index),
			       byte_at(text, len, v->end_mark.index), st, xstrdup(value)};
	(*n)++;
	return 0;
}

/* The new value in the old value's quoting. */
static void quoted(struct sb *b, const struct span *s)
{
	if (s->style == YAML_SINGLE_QUOTED_SCALAR_STYLE) {
		sb_addc(b, '\'');
		for (const char *c = s->value; *c; c++) {
			if (*c == '\'')
				sb_addc(b, '\'');
			sb_addc(b, *c);
		}
		sb_addc(b, '\'');
	} else if (s->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
		sb_addc(b, '"');
		for (const char *c = s->value; *c; c++) {
			if (*c == '"' || *c == '\\')
				sb_addc(b, '\\');
			sb_addc(b, *c);
		}
		sb_addc(b, '"');
	} else {
		sb_adds(b, s->value);
	}
}

static int cmp_span(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* The new text must be a recipe holding the values asked for. */
static int check_result(const char *text, size_t len, const char *path,
			const struct recipe_update *u)
{
	struct diags d = DIAGS_INIT;
	struct recipe *r = recipe_load_mem(text, len, path, &d);
	int rc = -1;
	if (!r || d.n) {
		kr_err("%s: the updated recipe does not parse: %s", path,
		       d.n ? d.v[0].msg : kr_errmsg());
	} else if ((u->version && strcmp(r->version.s, u->version)) ||
		   (u->release >= 0 && r->release != u->release) || u->source >= r->nsources ||
		   (u->sha256 && strcmp(r->sources[u->source].sha256, u->sha256)) ||
		   (u->url && strcmp(r->sources[u->source].url.s, u->url)) ||
		   (u->filename && r->sources[u->source].filename &&
		    strcmp(r->sources[u->source].filename, u->filename))) {
		kr_err("%s: the updated recipe does not hold the new values", path);
	} else {
		rc = 0;
	}
	recipe_free(r);
	diag_free(&d);
	return rc;
}

int recipe_update_text(const char *text, size_t len, const char *path,
		       const struct recipe_update *u, char **out, size_t *outlen)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		kr_err("%s:%d:%d: %s", path, (int)parser.problem_mark.line + 1,
		       (int)parser.problem_mark.column + 1,
		       parser.problem ? parser.problem : "YAML error");
		yaml_parser_delete(&parser);
		return -1;
	}
	struct span sp[5];
	size_t n = 0;
	int rc = 0;
	char rel[24];
	snprintf(rel, sizeof rel, "%d", u->release);
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (u->version)
		rc |= add_span(sp, &n, map_get(&doc, root, "version"), "version", path, text, len,
			       u->version);
	if (!rc && u->release >= 0)
		rc |= add_span(sp, &n, map_get(&doc, root, "release"), "release", path, text, len,
			       rel);
	yaml_node_t *srcs = map_get(&doc, root, "sources"), *s = NULL;
	if (!rc && (u->sha256 || u->url || u->filename)) {
		if (srcs && srcs->type == YAML_SEQUENCE_NODE &&
		    u->source < (size_t)(srcs->data.sequence.items.top -
					 srcs->data.sequence.items.start))
			s = yaml_document_get_node(&doc,
						   srcs->data.sequence.items.start[u->source]);
		if (!s) {
			kr_err("%s: cannot update sources entry %zu: no such entry", path,
			       u->source + 1);
			rc = -1;
		}
	}
	if (!rc && u->sha256)
		rc |= add_span(sp, &n, map_get(&doc, s, "sha256"), "sha256", path, text, len,
			       u->sha256);
	if (!rc && u->url)
		rc |= add_span(sp, &n, map_get(&doc, s, "url"), "url", path, text, len, u->url);
	if (!rc && u->filename && map_get(&doc, s, "filename"))
		rc |= add_span(sp, &n, map_get(&doc, s, "filename"), "filename", path, text, len,
			       u->filename);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (!rc) {
		qsort(sp, n, sizeof *sp, cmp_span);
		struct sb b = SB_INIT;
		size_t at = 0;
		for (size_t i = 0; i < n; i++) {
			sb_add(&b, text + at, sp[i].start - at);
			quoted(&b, &sp[i]);
			at = sp[i].end;
		}
		sb_add(&b, text + at, len - at);
		*outlen = b.len;
		*out = sb_steal(&b);
		if (check_result(*out, *outlen, path, u) < 0) {
			free(*out);
			*out = NULL;
			rc = -1;
		}
	}
	for (size_t i = 0; i < n; i++)
		free(sp[i].value);
	return rc ? -1 : 0;
}

int recipe_update_file(const char *path, const struct recipe_update *u)
{
	char *text, *out;
	size_t len, outlen;
	if (read_file(path, &text, &len) < 0)
		return -1;
	int rc = recipe_update_text(text, len, path, u, &out, &outlen);
	free(text);
	if (rc == 0) {
		rc = write_file_atomic(path, out, outlen, 0644);
		free(out);
	}
	return rc;
}
