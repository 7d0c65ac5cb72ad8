/* provenance.c - see provenance.h */
#include "provenance.h"

#include <string.h>

#include "jsonout.h"
#include "sbom.h"

static json_t *descriptor(const char *field, const char *name, const char *sha256)
{
	return json_pack("{s:s, s:{s:s}}", field, name, "digest", "sha256", sha256);
}

static void add_refs(json_t *arr, const char *field, const char *prefix, const struct prov_refs *r)
{
	for (size_t i = 0; i < r->n; i++) {
		char *name = xasprintf("%s%s", prefix, r->v[i].name);
		json_array_append_new(arr, descriptor(field, name, r->v[i].value));
		free(name);
	}
}

char *prov_debian_purl(const char *url)
{
	if (!url || !str_starts(url, "debian:"))
		return NULL;
	const char *pkg = url + strlen("debian:"), *slash = strchr(pkg, '/');
	if (!slash || slash == pkg || !slash[1] || strchr(slash + 1, '/'))
		return NULL;
	char *p = xstrndup(pkg, (size_t)(slash - pkg));
	char *ep = purl_encode(p), *ef = purl_encode(slash + 1);
	char *purl = xasprintf("pkg:deb/debian/%s?arch=source&file_name=%s", ep, ef);
	free(p);
	free(ep);
	free(ef);
	return purl;
}

/* A source: its URL; a Debian one its purl (debian: is no URI); a tree:
 * one, a path of Krill's own tree, its name and tree hash. */
static void add_sources(json_t *arr, const struct prov_refs *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const char *url = r->v[i].name;
		if (!r->v[i].value)
			continue; /* a tree: source not hashed (packaging without a build) */
		char *purl = prov_debian_purl(url);
		json_array_append_new(arr, descriptor(str_starts(url, "tree:") ? "name" : "uri",
						      purl ? purl : url, r->v[i].value));
		free(purl);
	}
}

static json_t *resolved(const struct prov_input *in)
{
	json_t *a = json_array();
	json_array_append_new(a, descriptor("name", in->recipe_path, in->recipe_sha256));
	add_sources(a, &in->sources);
	add_refs(a, "name", "", &in->portfiles);
	add_refs(a, "name", "package:", &in->deps);
	/* The toolchain key is a sha256 over the toolchain's own inputs. */
	if (in->toolchain_key && *in->toolchain_key)
		json_array_append_new(a, descriptor("name", "toolchain", in->toolchain_key));
	return a;
}

static json_t *tools(const struct prov_input *in)
{
	json_t *o = json_object();
	json_object_set_new(o, "krill", json_string(KRILL_VERSION));
	for (size_t i = 0; i < in->tools.n; i++)
		json_object_set_new(o, in->tools.v[i].name, json_string(in->tools.v[i].value));
	return o;
}

char *provenance_json(const struct prov_input *in)
{
	json_t *internal = json_pack(
		"{s:I, s:s, s:o}", "SOURCE_DATE_EPOCH", (json_int_t)in->source_date_epoch,
		"toolchainKey", in->toolchain_key ? in->toolchain_key : "", "hostTools", tools(in));
	json_t *build = json_pack("{s:s, s:{s:s, s:s, s:s}, s:o, s:o}", "buildType",
				  KRILL_BUILD_TYPE, "externalParameters", "port", in->port, "arch",
				  in->arch, "recipe", in->recipe_path, "internalParameters",
				  internal, "resolvedDependencies", resolved(in));
	json_t *run = json_pack("{s:{s:s, s:{s:s}}, s:{s:s}}", "builder", "id",
				KRILL_URI "/builder/krill", "version", "krill", KRILL_VERSION,
				"metadata", "invocationId", in->key);
	json_t *st = json_pack("{s:s, s:[{s:s, s:{s:s}}], s:s, s:{s:o, s:o}}", "_type",
			       "https://in-toto.io/Statement/v1", "subject", "name",
			       in->subject_name, "digest", "sha256", in->subject_sha256,
			       "predicateType", "https://slsa.dev/provenance/v1", "predicate",
			       "buildDefinition", build, "runDetails", run);
	return json_text(st);
}
