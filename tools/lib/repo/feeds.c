/* feeds.c - the writers of feeds.h (the checker is feedcheck.c, which the
 * lean client links without the package writer's modules). */
#include "feeds.h"

#include <jansson.h>
#include <string.h>

#include "jsonout.h"
#include "provenance.h"
#include "sbom.h"
#include "version.h"

/* The packages of ix built from port `name`, as indexes into ix->pkgs. */
static size_t port_pkgs(const struct index *ix, const char *name, size_t *out)
{
	size_t n = 0;
	for (size_t i = 0; i < ix->n; i++)
		if (ix->pkgs[i].origin && !strcmp(ix->pkgs[i].origin, name))
			out[n++] = i;
	return n;
}

char *feeds_secdb(const struct index *ix, const struct feed_port *ports, size_t n,
		  const char *urlprefix)
{
	json_t *pkgs = json_array();
	size_t *sel = xcalloc(ix->n + 1, sizeof *sel);
	for (size_t i = 0; i < n; i++) {
		const struct feed_port *p = &ports[i];
		if ((!p->nfixes && !p->nnotaff) || !port_pkgs(ix, p->name, sel))
			continue;
		json_t *fixes = json_object();
		for (size_t j = 0; j < p->nfixes; j++) {
			json_t *ids = json_array();
			for (size_t k = 0; k < p->fixes[j].nids; k++)
				json_array_append_new(ids, json_string(p->fixes[j].ids[k]));
			json_object_set_new(fixes, p->fixes[j].fullver, ids);
		}
		if (p->nnotaff) {
			json_t *ids = json_array();
			for (size_t j = 0; j < p->nnotaff; j++)
				json_array_append_new(ids, json_string(p->notaff[j].id));
			json_object_set_new(fixes, "0", ids);
		}
		json_array_append_new(pkgs, json_pack("{s:{s:s, s:o}}", "pkg", "name", p->name,
						      "secfixes", fixes));
	}
	free(sel);
	/* the keys Alpine's and Wolfi's files have, in their order; apkurl is
	 * a template scanners expand, here naming Krill's package files */
	return json_text(json_pack(
		"{s:s, s:[s], s:s, s:s, s:o}", "apkurl",
		"{{urlprefix}}/{{pkg.name}}-{{pkg.ver}}.{{arch}}.pkg.tar.zst", "archs", ix->arch,
		"reponame", ix->name, "urlprefix", urlprefix, "packages", pkgs));
}

static json_t *product(const struct pkginfo *p)
{
	char *purl = sbom_pkg_purl(p);
	json_t *j = json_pack("{s:s, s:{s:s}}", "@id", purl, "identifiers", "purl", purl);
	free(purl);
	return j;
}

char *feeds_openvex(const struct index *ix, const struct feed_port *ports, size_t n, time_t when)
{
	json_t *st = json_array();
	size_t *sel = xcalloc(ix->n + 1, sizeof *sel);
	for (size_t i = 0; i < n; i++) {
		const struct feed_port *p = &ports[i];
		size_t np = port_pkgs(ix, p->name, sel);
		if (!np)
			continue;
		for (size_t j = 0; j < p->nfixes; j++) {
			json_t *prods = json_array();
			for (size_t k = 0; k < np; k++)
				if (version_cmp(ix->pkgs[sel[k]].version, p->fixes[j].fullver) >= 0)
					json_array_append_new(prods, product(&ix->pkgs[sel[k]]));
			/* only builds at or after the fix are "fixed" */
			for (size_t k = 0; json_array_size(prods) && k < p->fixes[j].nids; k++)
				json_array_append_new(
					st, json_pack("{s:{s:s}, s:O, s:s}", "vulnerability",
						      "name", p->fixes[j].ids[k], "products", prods,
						      "status", "fixed"));
			json_decref(prods);
		}
		for (size_t j = 0; j < p->nnotaff; j++) {
			json_t *prods = json_array();
			for (size_t k = 0; k < np; k++)
				json_array_append_new(prods, product(&ix->pkgs[sel[k]]));
			json_t *s = json_pack("{s:{s:s}, s:o, s:s, s:s}", "vulnerability", "name",
					      p->notaff[j].id, "products", prods, "status",
					      "not_affected", "justification",
					      p->notaff[j].justification);
			if (p->notaff[j].impact)
				json_object_set_new(s, "impact_statement",
						    json_string(p->notaff[j].impact));
			json_array_append_new(st, s);
		}
	}
	free(sel);
	if (!json_array_size(st)) {
		json_decref(st);
		return NULL;
	}
	char ts[21];
	rfc3339_format(when, ts);
	char *id = xasprintf(KRILL_URI "/vex/%s/%s/v%llu", ix->name, ix->arch,
			     (unsigned long long)ix->version);
	/* the document's version is the index's: it grows with every index */
	char *text = json_text(json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:o}", "@context",
					 OPENVEX_CONTEXT, "@id", id, "author", "Krill", "timestamp",
					 ts, "version", (json_int_t)ix->version, "tooling",
					 "krill-" KRILL_VERSION, "statements", st));
	free(id);
	return text;
}
