/* imgsbom.c - see imgsbom.h */
#include "imgsbom.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jsonout.h"
#include "provenance.h"
#include "sbom.h"

#define KRILL_IMAGE_BUILD_TYPE KRILL_URI "/build-types/image/v1"
#define IMAGE_ID	       "SPDXRef-Image"
/* Longest string taken from a package SBOM (names, licenses, URLs). */
#define MAX_FIELD 4096

/* An upstream source named by a package SBOM; deduplicated by sha256. */
struct isrc {
	const char *sha256, *name, *version, *download, *locator; /* into a package's doc */
};

/* One installed package, checked. */
struct ipkg {
	const struct imgsbom_pkg *p;
	const char *sha256; /* p->sha256 without a "sha256:" prefix */
	char *id, *purl, *file;
	const char *lic_concluded, *lic_declared, *download;
	json_t *doc;		/* its parsed SBOM (owns the strings above) */
	struct strlist sources; /* sha256 of the sources it was built from */
};

struct ctx {
	const struct imgsbom_input *in;
	const char *index_hex, *manifest_hex;
	struct ipkg *v; /* sorted by name */
	size_t n;
	struct isrc *src; /* sorted by sha256 */
	size_t nsrc;
};

/* ---- checks on what we are given ---- */

static int hex64(const char *s)
{
	return s && strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* HEX, or "sha256:HEX": the 64 lowercase hex digits, else NULL. */
static const char *digest_hex(const char *d)
{
	if (d && str_starts(d, "sha256:"))
		d += 7;
	return hex64(d) ? d : NULL;
}

static int str_is(json_t *v, const char *s)
{
	return json_is_string(v) && !strcmp(json_string_value(v), s);
}

/* Valid UTF-8 without control characters, at most MAX_FIELD bytes. */
static int text_ok(const char *s)
{
	if (!s || strlen(s) > MAX_FIELD)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < ' ' || *p == 0x7f)
			return 0;
	json_t *j = json_string(s);
	json_decref(j);
	return j != NULL;
}

/* The characters of an SPDX license expression (ids, LicenseRef-,
 * DocumentRef-...:, AND/OR/WITH, parentheses, '+'). */
static int license_ok(const char *s)
{
	return text_ok(s) && *s &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.+-:() ") ==
		       strlen(s);
}

/* Letters, digits and the given punctuation; 1 to 255 bytes. */
static int token_ok(const char *s, const char *punct)
{
	if (!s || !*s || strlen(s) > 255)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr(punct, *s)))
			return 0;
	return 1;
}

static int name_ok(const char *s)
{
	return token_ok(s, "._+-");
}

static int cmp_pkg(const void *a, const void *b)
{
	return strcmp(((const struct ipkg *)a)->p->info->name,
		      ((const struct ipkg *)b)->p->info->name);
}

/* SPDXRef-Package-NAME; characters SPDX ids do not allow become '-', and a
 * name that then collides with an earlier one gets -2, -3, ... */
static char *package_id(const struct ctx *c, size_t upto, const char *name)
{
	struct sb b = SB_INIT;
	sb_adds(&b, "SPDXRef-Package-");
	for (const char *p = name; *p; p++)
		sb_addc(&b, (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
					    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'
				    ? *p
				    : '-');
	char *base = sb_steal(&b), *id = xstrdup(base);
	for (unsigned k = 2;; k++) {
		size_t i = 0;
		while (i < upto && strcmp(c->v[i].id, id))
			i++;
		if (i == upto)
			break;
		free(id);
		id = xasprintf("%s-%u", base, k);
	}
	free(base);
	return id;
}

static void ctx_free(struct ctx *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].id);
		free(c->v[i].purl);
		free(c->v[i].file);
		sl_free(&c->v[i].sources);
		json_decref(c->v[i].doc);
	}
	free(c->v);
	free(c->src);
}

/* What both documents need: the image's facts and every package's
 * .PKGINFO and digest, checked, sorted by name. */
static int ctx_init(struct ctx *c, const struct imgsbom_input *in, const char *what)
{
	memset(c, 0, sizeof *c);
	c->in = in;
	const char *bad = NULL;
	if (!in || !name_ok(in->image_name))
		bad = "image name (letters, digits, '.', '_', '+', '-')";
	else if (!name_ok(in->arch))
		bad = "arch";
	else if (!in->spec_path || !text_ok(in->spec_path) || !*in->spec_path)
		bad = "spec path";
	else if (!digest_hex(in->spec_sha256))
		bad = "spec sha256 (64 lowercase hex digits)";
	else if (!(c->index_hex = digest_hex(in->index_digest)))
		bad = "index digest (sha256, 64 lowercase hex digits)";
	else if (in->index_version > (uint64_t)INT64_MAX)
		bad = "index version (at most 2^63-1)";
	else if (!name_ok(in->repo_name))
		bad = "repository name";
	else if (in->created < 0 || in->created >= 253402300800) /* year 10000 */
		bad = "created (SOURCE_DATE_EPOCH, 0 to 253402300799)";
	else if (in->npkgs && !in->pkgs)
		bad = "package list";
	else if (in->manifest_digest && !(c->manifest_hex = digest_hex(in->manifest_digest)))
		bad = "manifest digest (sha256:HEX)";
	if (bad) {
		kr_err("%s: bad %s", what, bad);
		return -1;
	}
	c->v = xcalloc(in->npkgs + 1, sizeof *c->v);
	for (size_t i = 0; i < in->npkgs; i++) {
		const struct imgsbom_pkg *p = &in->pkgs[i];
		const struct pkginfo *pi = p->info;
		const char *name = pi && name_ok(pi->name) ? pi->name : "?";
		bad = !pi || !name_ok(pi->name)		       ? "name"
		      : !token_ok(pi->version, "._+-~")	       ? "version"
		      : !pi->arch || !name_ok(pi->arch)	       ? "arch"
		      : !license_ok(pi->license)	       ? "license (an SPDX expression)"
		      : pi->summary && !text_ok(pi->summary)   ? "summary"
		      : pi->origin && !text_ok(pi->origin)     ? "origin"
		      : pi->homepage && !text_ok(pi->homepage) ? "homepage"
		      : !digest_hex(p->sha256)		       ? "sha256 (64 lowercase hex digits)"
							       : NULL;
		if (bad) {
			kr_err("%s: package %zu ('%s'): bad %s", what, i + 1, name, bad);
			ctx_free(c);
			return -1;
		}
		c->v[c->n].sha256 = digest_hex(p->sha256);
		c->v[c->n++].p = p;
	}
	qsort(c->v, c->n, sizeof *c->v, cmp_pkg);
	for (size_t i = 0; i < c->n; i++) {
		struct ipkg *k = &c->v[i];
		if (i && !strcmp(k->p->info->name, c->v[i - 1].p->info->name)) {
			kr_err("%s: package '%s' is listed twice", what, k->p->info->name);
			ctx_free(c);
			return -1;
		}
		k->id = package_id(c, i, k->p->info->name);
		k->purl = sbom_pkg_purl(k->p->info);
		k->file = pkginfo_filename(k->p->info);
	}
	return 0;
}

/* ---- reading a package SBOM (hostile) ---- */

static int sbom_err(const struct ipkg *k, const char *fmt, ...) KR_PRINTF(2, 3);
static int sbom_err(const struct ipkg *k, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kr_verr(fmt, ap);
	va_end(ap);
	kr_err_prefix("image SBOM: package '%s' (%s): .SBOM.spdx.json", k->p->info->name, k->file);
	return -1;
}

/* obj[key] as checked text: 1 found, 0 absent, -1 wrong (kr_err). */
static int get_text(const struct ipkg *k, json_t *obj, const char *where, const char *key,
		    const char **out)
{
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (!v)
		return 0;
	const char *s = json_string_value(v);
	if (!s || !text_ok(s))
		return sbom_err(k, "%s: '%s' must be a string of at most %d printable bytes", where,
				key, MAX_FIELD);
	*out = s;
	return 1;
}

static json_t *element(json_t *pkgs, const char *id)
{
	size_t i;
	json_t *x;
	json_array_foreach(pkgs, i, x)
	{
		if (str_is(json_object_get(x, "SPDXID"), id))
			return x;
	}
	return NULL;
}

static int add_source(struct ctx *c, struct ipkg *k, json_t *s)
{
	const char *id = json_string_value(json_object_get(s, "SPDXID"));
	struct isrc r = {0};
	int rc = get_text(k, s, id, "name", &r.name);
	if (rc <= 0)
		return rc < 0 ? -1 : sbom_err(k, "%s: 'name' is missing", id);
	if (get_text(k, s, id, "versionInfo", &r.version) < 0 ||
	    get_text(k, s, id, "downloadLocation", &r.download) < 0)
		return -1;
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(s, "checksums"), i, x)
	{
		if (!str_is(json_object_get(x, "algorithm"), "SHA256"))
			continue;
		r.sha256 = json_string_value(json_object_get(x, "checksumValue"));
		if (!hex64(r.sha256))
			return sbom_err(
				k, "%s: SHA256 checksumValue must be 64 lowercase hex digits", id);
	}
	if (!r.sha256)
		return sbom_err(k, "%s: a source needs a SHA256 checksum", id);
	/* The Debian form (debian:PACKAGE/FILE) is no URL: keep it as an
	 * OTHER reference, from the package's externalRefs or, for packages
	 * written before that, from its downloadLocation. */
	const char *raw = r.download;
	r.download = spdx_download_location(raw);
	json_array_foreach(json_object_get(s, "externalRefs"), i, x)
	{
		const char *cat = json_string_value(json_object_get(x, "referenceCategory"));
		const char *type = json_string_value(json_object_get(x, "referenceType"));
		if (cat && type && !strcmp(cat, "OTHER") && !strcmp(type, "krill-source") &&
		    get_text(k, x, id, "referenceLocator", &r.locator) < 0)
			return -1;
	}
	if (!r.locator && raw && r.download != raw && strcmp(raw, "NOASSERTION") &&
	    strcmp(raw, "NONE"))
		r.locator = raw;
	if (r.locator && strpbrk(r.locator, " "))
		return sbom_err(k, "%s: a source location must contain no spaces", id);
	sl_push(&k->sources, r.sha256);
	for (i = 0; i < c->nsrc; i++)
		if (!strcmp(c->src[i].sha256, r.sha256))
			return 0; /* the first package (by name) names it */
	c->src = xrealloc(c->src, (c->nsrc + 1) * sizeof *c->src);
	c->src[c->nsrc++] = r;
	return 0;
}

/* Check one package SBOM and take its license, location and sources. */
static int read_pkg_sbom(struct ctx *c, struct ipkg *k)
{
	const struct imgsbom_pkg *p = k->p;
	const struct pkginfo *pi = p->info;
	if (!p->sbom_json)
		return sbom_err(k, "missing");
	if (p->sbom_len > IMGSBOM_MAX_PKG_SBOM)
		return sbom_err(k, "%zu bytes, more than the %u allowed", p->sbom_len,
				IMGSBOM_MAX_PKG_SBOM);
	json_error_t e;
	k->doc = json_loadb(p->sbom_json, p->sbom_len, JSON_REJECT_DUPLICATES, &e);
	if (!k->doc)
		return sbom_err(k, "%d:%d: not valid JSON: %s", e.line, e.column, e.text);
	json_t *pkgs = json_object_get(k->doc, "packages");
	json_t *rels = json_object_get(k->doc, "relationships");
	if (!json_is_object(k->doc))
		return sbom_err(k, "expected a JSON object");
	if (!str_is(json_object_get(k->doc, "spdxVersion"), "SPDX-2.3"))
		return sbom_err(k, "expected spdxVersion \"SPDX-2.3\"");
	if (!json_is_array(pkgs) || !json_is_array(rels))
		return sbom_err(k, "expected arrays 'packages' and 'relationships'");
	size_t i;
	json_t *x;
	json_array_foreach(pkgs, i, x)
	{
		const char *id = json_string_value(json_object_get(x, "SPDXID"));
		if (!id || !text_ok(id))
			return sbom_err(k,
					"packages[%zu]: expected an object with a printable "
					"string SPDXID",
					i);
	}
	json_array_foreach(rels, i, x)
	{
		if (!json_is_string(json_object_get(x, "spdxElementId")) ||
		    !json_is_string(json_object_get(x, "relationshipType")) ||
		    !json_is_string(json_object_get(x, "relatedSpdxElement")))
			return sbom_err(k,
					"relationships[%zu]: expected spdxElementId, "
					"relationshipType and relatedSpdxElement strings",
					i);
	}
	/* the package the document DESCRIBES must be this one */
	const char *main_id = NULL;
	json_array_foreach(rels, i, x)
	{
		if (!main_id && str_is(json_object_get(x, "spdxElementId"), "SPDXRef-DOCUMENT") &&
		    str_is(json_object_get(x, "relationshipType"), "DESCRIBES"))
			main_id = json_string_value(json_object_get(x, "relatedSpdxElement"));
	}
	json_t *m = main_id ? element(pkgs, main_id) : NULL;
	if (!m)
		return sbom_err(k, "no package that SPDXRef-DOCUMENT DESCRIBES");
	const char *name, *version;
	if (get_text(k, m, main_id, "name", &name) < 0 ||
	    get_text(k, m, main_id, "versionInfo", &version) < 0)
		return -1;
	if (!name || !version || strcmp(name, pi->name) || strcmp(version, pi->version))
		return sbom_err(k, "describes '%s' version '%s', but .PKGINFO says '%s' '%s'",
				name ? name : "(none)", version ? version : "(none)", pi->name,
				pi->version);
	if (get_text(k, m, main_id, "licenseConcluded", &k->lic_concluded) < 0 ||
	    get_text(k, m, main_id, "licenseDeclared", &k->lic_declared) < 0 ||
	    get_text(k, m, main_id, "downloadLocation", &k->download) < 0)
		return -1;
	if (k->lic_declared && strcmp(k->lic_declared, pi->license))
		return sbom_err(k, "licenseDeclared '%s' differs from .PKGINFO's license '%s'",
				k->lic_declared, pi->license);
	if (!k->lic_declared)
		k->lic_declared = pi->license;
	if (!k->lic_concluded)
		k->lic_concluded = "NOASSERTION";
	if (strcmp(k->lic_concluded, "NOASSERTION") && strcmp(k->lic_concluded, "NONE") &&
	    !license_ok(k->lic_concluded))
		return sbom_err(k, "licenseConcluded '%s' is no SPDX license expression",
				k->lic_concluded);
	k->download = spdx_download_location(k->download);
	json_array_foreach(rels, i, x)
	{
		if (!str_is(json_object_get(x, "spdxElementId"), main_id) ||
		    !str_is(json_object_get(x, "relationshipType"), "GENERATED_FROM"))
			continue;
		const char *sid = json_string_value(json_object_get(x, "relatedSpdxElement"));
		json_t *s = element(pkgs, sid);
		if (!s)
			return sbom_err(k, "GENERATED_FROM names '%s', which is not in 'packages'",
					sid);
		if (add_source(c, k, s) < 0)
			return -1;
	}
	sl_sort(&k->sources);
	sl_uniq(&k->sources);
	return 0;
}

/* ---- writing ---- */

static json_t *checksum256(const char *hex)
{
	return json_pack("[{s:s, s:s}]", "algorithm", "SHA256", "checksumValue", hex);
}

static json_t *relationship(const char *a, const char *type, const char *b)
{
	return json_pack("{s:s, s:s, s:s}", "spdxElementId", a, "relationshipType", type,
			 "relatedSpdxElement", b);
}

/* The OCI name of a krill arch, for the image's purl (NULL: unknown). */
static const char *oci_arch(const char *arch)
{
	if (!strcmp(arch, "host")) {
#if defined(__x86_64__)
		arch = "x86_64";
#elif defined(__aarch64__)
		arch = "aarch64";
#endif
	}
	return !strcmp(arch, "x86_64") ? "amd64" : !strcmp(arch, "aarch64") ? "arm64" : NULL;
}

char *imgsbom_image_purl(const char *image_name, const char *arch, const char *manifest_hex)
{
	/* The manifest digest names the image (pkg:oci, as OCI tools do). */
	const char *oa = oci_arch(arch);
	char *n = purl_encode(image_name);
	char *purl = xasprintf("pkg:oci/%s@sha256%%3A%s%s%s", n, manifest_hex, oa ? "?arch=" : "",
			       oa ? oa : "");
	free(n);
	return purl;
}

static json_t *image_element(const struct ctx *c)
{
	const struct imgsbom_input *in = c->in;
	char *summary = xasprintf("Krill container image '%s' for %s", in->image_name, in->arch);
	json_t *j =
		json_pack("{s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:s, s:s}", "name",
			  in->image_name, "SPDXID", IMAGE_ID, "supplier", "Organization: Krill",
			  "downloadLocation", "NOASSERTION", "filesAnalyzed", 0, "licenseConcluded",
			  "NOASSERTION", "licenseDeclared", "NOASSERTION", "copyrightText",
			  "NOASSERTION", "summary", summary, "primaryPackagePurpose", "CONTAINER");
	free(summary);
	if (c->manifest_hex) {
		char *purl = imgsbom_image_purl(in->image_name, in->arch, c->manifest_hex);
		json_object_set_new(j, "checksums", checksum256(c->manifest_hex));
		json_object_set_new(j, "externalRefs",
				    json_pack("[{s:s, s:s, s:s}]", "referenceCategory",
					      "PACKAGE-MANAGER", "referenceType", "purl",
					      "referenceLocator", purl));
		free(purl);
	}
	return j;
}

static json_t *package_element(const struct ipkg *k)
{
	const struct pkginfo *pi = k->p->info;
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:s, s:s, s:s}", "name",
			      pi->name, "SPDXID", k->id, "versionInfo", pi->version,
			      "packageFileName", k->file, "supplier", "Organization: Krill",
			      "downloadLocation", k->download, "filesAnalyzed", 0, "checksums",
			      checksum256(k->sha256), "licenseConcluded", k->lic_concluded,
			      "licenseDeclared", k->lic_declared, "copyrightText", "NOASSERTION");
	const char *home = spdx_download_location(pi->homepage);
	if (strcmp(home, "NOASSERTION"))
		json_object_set_new(j, "homepage", json_string(home));
	if (pi->summary)
		json_object_set_new(j, "summary", json_string(pi->summary));
	if (pi->origin) {
		char *si = xasprintf("built by Krill from port %s", pi->origin);
		json_object_set_new(j, "sourceInfo", json_string(si));
		free(si);
	}
	json_object_set_new(j, "externalRefs",
			    json_pack("[{s:s, s:s, s:s}]", "referenceCategory", "PACKAGE-MANAGER",
				      "referenceType", "purl", "referenceLocator", k->purl));
	return j;
}

static char *source_id(const char *sha256)
{
	return xasprintf("SPDXRef-Source-%s", sha256);
}

static json_t *source_element(const struct isrc *s)
{
	char *id = source_id(s->sha256);
	json_t *j = json_pack("{s:s, s:s}", "name", s->name, "SPDXID", id);
	if (s->version)
		json_object_set_new(j, "versionInfo", json_string(s->version));
	json_t *rest =
		json_pack("{s:s, s:b, s:o, s:s, s:s, s:s, s:s}", "downloadLocation", s->download,
			  "filesAnalyzed", 0, "checksums", checksum256(s->sha256),
			  "licenseConcluded", "NOASSERTION", "licenseDeclared", "NOASSERTION",
			  "copyrightText", "NOASSERTION", "primaryPackagePurpose", "SOURCE");
	json_object_update(j, rest);
	json_decref(rest);
	if (s->locator)
		json_object_set_new(j, "externalRefs",
				    json_pack("[{s:s, s:s, s:s}]", "referenceCategory", "OTHER",
					      "referenceType", "krill-source", "referenceLocator",
					      s->locator));
	free(id);
	return j;
}

static int cmp_src(const void *a, const void *b)
{
	return strcmp(((const struct isrc *)a)->sha256, ((const struct isrc *)b)->sha256);
}

/* DEPENDS_ON from k to every other installed package that satisfies one
 * of its .PKGINFO depends (names, versions, provides, so: names). */
static int depends_on(const struct ctx *c, const struct ipkg *k, json_t *rels)
{
	const struct pkginfo *pi = k->p->info;
	struct strlist to = STRLIST_INIT;
	for (size_t d = 0; d < pi->depends.n; d++) {
		int found = 0;
		for (size_t j = 0; j < c->n; j++) {
			int r = pkginfo_satisfies(c->v[j].p->info, pi->depends.v[d]);
			if (r < 0) {
				kr_err_prefix("image SBOM: package '%s'", pi->name);
				sl_free(&to);
				return -1;
			}
			found |= r;
			if (r && &c->v[j] != k)
				sl_push(&to, c->v[j].id);
		}
		if (!found) {
			kr_err("image SBOM: package '%s' depends on '%s', which no package in the "
			       "image provides",
			       pi->name, pi->depends.v[d]);
			sl_free(&to);
			return -1;
		}
	}
	sl_sort(&to);
	sl_uniq(&to);
	for (size_t i = 0; i < to.n; i++)
		json_array_append_new(rels, relationship(k->id, "DEPENDS_ON", to.v[i]));
	sl_free(&to);
	return 0;
}

static void rfc3339(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

char *imgsbom_spdx(const struct imgsbom_input *in)
{
	struct ctx c;
	if (ctx_init(&c, in, "image SBOM") < 0)
		return NULL;
	for (size_t i = 0; i < c.n; i++)
		if (read_pkg_sbom(&c, &c.v[i]) < 0) {
			ctx_free(&c);
			return NULL;
		}
	if (c.nsrc) /* qsort wants a non-NULL array even for 0 elements */
		qsort(c.src, c.nsrc, sizeof *c.src, cmp_src);
	json_t *pkgs = json_array(), *rels = json_array();
	json_array_append_new(pkgs, image_element(&c));
	json_array_append_new(rels, relationship("SPDXRef-DOCUMENT", "DESCRIBES", IMAGE_ID));
	for (size_t i = 0; i < c.n; i++) {
		json_array_append_new(pkgs, package_element(&c.v[i]));
		json_array_append_new(rels, relationship(IMAGE_ID, "CONTAINS", c.v[i].id));
	}
	for (size_t i = 0; i < c.nsrc; i++)
		json_array_append_new(pkgs, source_element(&c.src[i]));
	for (size_t i = 0; i < c.n; i++)
		if (depends_on(&c, &c.v[i], rels) < 0) {
			json_decref(pkgs);
			json_decref(rels);
			ctx_free(&c);
			return NULL;
		}
	for (size_t i = 0; i < c.n; i++)
		for (size_t s = 0; s < c.v[i].sources.n; s++) {
			char *sid = source_id(c.v[i].sources.v[s]);
			json_array_append_new(rels, relationship(c.v[i].id, "GENERATED_FROM", sid));
			free(sid);
		}
	char created[32];
	rfc3339(in->created, created);
	char *docname = xasprintf("%s.%s", in->image_name, in->arch);
	json_t *doc =
		json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:[s, s]}, s:o, s:o}", "spdxVersion",
			  "SPDX-2.3", "dataLicense", "CC0-1.0", "SPDXID", "SPDXRef-DOCUMENT",
			  "name", docname, "documentNamespace", "", "creationInfo", "created",
			  created, "creators", "Tool: krill-" KRILL_VERSION, "Organization: Krill",
			  "packages", pkgs, "relationships", rels);
	/* Unique per content, never random: name the document by its hash. */
	char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	char hex[65];
	sha256_hex(text, strlen(text), hex);
	free(text);
	char *ns = xasprintf(KRILL_SPDX_NS "/image/%s-%s", docname, hex);
	json_object_set_new(doc, "documentNamespace", json_string(ns));
	free(ns);
	free(docname);
	ctx_free(&c);
	return json_text(doc);
}

static json_t *descriptor(const char *name, const char *sha256)
{
	return json_pack("{s:s, s:{s:s}}", "name", name, "digest", "sha256", sha256);
}

char *imgsbom_provenance(const struct imgsbom_input *in)
{
	struct ctx c;
	if (ctx_init(&c, in, "image provenance") < 0)
		return NULL;
	if (!c.manifest_hex) {
		/* The subject is what was built; the packages are inputs. */
		kr_err("image provenance: the image manifest digest is required (it is the "
		       "statement's subject)");
		ctx_free(&c);
		return NULL;
	}
	json_t *deps = json_array();
	json_array_append_new(deps, descriptor(in->spec_path, digest_hex(in->spec_sha256)));
	char *iname = xasprintf("index:%s", in->repo_name);
	json_t *idx = descriptor(iname, c.index_hex);
	json_object_set_new(idx, "annotations",
			    json_pack("{s:I}", "version", (json_int_t)in->index_version));
	json_array_append_new(deps, idx);
	free(iname);
	for (size_t i = 0; i < c.n; i++) {
		char *name = xasprintf("package:%s", c.v[i].file);
		json_array_append_new(deps,
				      json_pack("{s:s, s:s, s:{s:s}}", "uri", c.v[i].purl, "name",
						name, "digest", "sha256", c.v[i].sha256));
		free(name);
	}
	json_t *build = json_pack(
		"{s:s, s:{s:s, s:s, s:s, s:s}, s:{s:I}, s:o}", "buildType", KRILL_IMAGE_BUILD_TYPE,
		"externalParameters", "image", in->image_name, "spec", in->spec_path, "arch",
		in->arch, "repository", in->repo_name, "internalParameters", "SOURCE_DATE_EPOCH",
		(json_int_t)in->created, "resolvedDependencies", deps);
	json_t *run = json_pack("{s:{s:s, s:{s:s}}}", "builder", "id", KRILL_URI "/builder/krill",
				"version", "krill", KRILL_VERSION);
	json_t *st = json_pack("{s:s, s:[{s:s, s:{s:s}}], s:s, s:{s:o, s:o}}", "_type",
			       "https://in-toto.io/Statement/v1", "subject", "name", in->image_name,
			       "digest", "sha256", c.manifest_hex, "predicateType",
			       "https://slsa.dev/provenance/v1", "predicate", "buildDefinition",
			       build, "runDetails", run);
	ctx_free(&c);
	return json_text(st);
}
