/* imgvex.c - see imgvex.h */
#include "imgvex.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "feeds.h"
#include "imgsbom.h"
#include "index.h"
#include "jsonout.h"
#include "provenance.h"
#include "sbom.h"
#include "util.h"

/* The keys of a feed statement restated as they are; @id and version are
 * the feed's own, and products are replaced by the image. */
static const char *const kept[] = {
	"timestamp",	    "last_updated",	"status",
	"supplier",	    "status_notes",	"justification",
	"impact_statement", "action_statement", "action_statement_timestamp"};

/* The installed packages' purls a statement's products name. */
static void matches(json_t *st, const struct strlist *installed, struct strlist *out)
{
	json_t *prods = json_object_get(st, "products"), *p;
	size_t i;
	json_array_foreach(prods, i, p)
	{
		const char *ids[2] = {json_string_value(json_object_get(p, "@id")),
				      json_string_value(json_object_get(
					      json_object_get(p, "identifiers"), "purl"))};
		for (int k = 0; k < 2; k++)
			if (ids[k] && sl_has(installed, ids[k]) && !sl_has(out, ids[k]))
				sl_push(out, ids[k]);
	}
	sl_sort(out);
}

static int restate(const struct imgvex_feed *f, const struct strlist *installed,
		   const char *image_purl, json_t *statements)
{
	json_error_t e;
	json_t *doc = json_loadb(f->json, f->len, JSON_REJECT_DUPLICATES, &e);
	json_t *sts = json_object_get(doc, "statements"), *st;
	if (!json_is_array(sts)) {
		kr_err("%s: expected an OpenVEX document with statements", f->src);
		json_decref(doc);
		return -1;
	}
	size_t i;
	json_array_foreach(sts, i, st)
	{
		struct strlist hit = STRLIST_INIT;
		matches(st, installed, &hit);
		if (!hit.n) {
			sl_free(&hit);
			continue;
		}
		json_t *sub = json_array();
		for (size_t k = 0; k < hit.n; k++)
			json_array_append_new(sub, json_pack("{s:s}", "@id", hit.v[k]));
		json_t *s = json_object();
		json_object_set_new(s, "vulnerability",
				    json_deep_copy(json_object_get(st, "vulnerability")));
		json_object_set_new(
			s, "products",
			json_pack("[{s:s, s:o}]", "@id", image_purl, "subcomponents", sub));
		for (size_t k = 0; k < ARRAY_LEN(kept); k++) {
			json_t *v = json_object_get(st, kept[k]);
			if (v)
				json_object_set_new(s, kept[k], json_deep_copy(v));
		}
		/* two repositories may say the same: OpenVEX wants each once */
		int dup = 0;
		size_t k;
		json_t *x;
		json_array_foreach(statements, k, x) dup |= json_equal(x, s);
		if (dup)
			json_decref(s);
		else
			json_array_append_new(statements, s);
		sl_free(&hit);
	}
	json_decref(doc);
	return 0;
}

int imgvex_statement(const struct imgvex_input *in, char **out)
{
	*out = NULL;
	if (!in->manifest_hex || !is_hex(in->manifest_hex, 64)) {
		kr_err("image VEX: the image manifest digest is required (it is the subject)");
		return -1;
	}
	struct strlist installed = STRLIST_INIT;
	for (size_t i = 0; i < in->npkgs; i++)
		sl_push_own(&installed, sbom_pkg_purl(&in->pkgs[i]));
	char *purl = imgsbom_image_purl(in->image_name, in->arch, in->manifest_hex);
	json_t *statements = json_array();
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < in->nfeeds; i++)
		rc = restate(&in->feeds[i], &installed, purl, statements);
	if (rc == 0 && json_array_size(statements)) {
		char ts[21];
		rfc3339_format((time_t)in->created, ts);
		char *id = xasprintf(KRILL_URI "/vex/image/%s/%s/sha256-%s", in->image_name,
				     in->arch, in->manifest_hex);
		json_t *vex = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:O}", "@context",
					OPENVEX_CONTEXT, "@id", id, "author", "Krill", "timestamp",
					ts, "version", 1, "tooling", "krill-" KRILL_VERSION,
					"statements", statements);
		*out = json_text(json_pack("{s:s, s:[{s:s, s:{s:s}}], s:s, s:o}", "_type",
					   "https://in-toto.io/Statement/v1", "subject", "name",
					   in->image_name, "digest", "sha256", in->manifest_hex,
					   "predicateType", IMGVEX_PREDICATE, "predicate", vex));
		free(id);
	}
	json_decref(statements);
	free(purl);
	sl_free(&installed);
	return rc;
}
