/* sbom.c - see sbom.h */
#include "sbom.h"

#include <jansson.h>
#include <string.h>
#include <time.h>

#include "dep.h"
#include "jsonout.h"

char *purl_encode(const char *s)
{
	struct sb b = SB_INIT;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr(".-_~", *p))
			sb_addc(&b, (char)*p);
		else
			sb_printf(&b, "%%%02X", *p);
	}
	return sb_steal(&b);
}

const char *spdx_download_location(const char *url)
{
	static const char *const schemes[] = {"http://", "https://", "ftp://"};
	for (size_t i = 0; url && i < ARRAY_LEN(schemes); i++) {
		size_t n = strlen(schemes[i]);
		if (!strncmp(url, schemes[i], n) && url[n]) {
			for (const unsigned char *p = (const unsigned char *)url; *p; p++)
				if (*p <= ' ' || *p == 0x7f)
					return "NOASSERTION";
			return url;
		}
	}
	return "NOASSERTION";
}

/* SPDX ids allow letters, digits, '.' and '-' only. */
static char *spdx_id(const char *prefix, const char *name)
{
	struct sb b = SB_INIT;
	sb_adds(&b, prefix);
	for (const char *p = name; *p; p++)
		sb_addc(&b, (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
					    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'
				    ? *p
				    : '-');
	return sb_steal(&b);
}

static json_t *checksum(const char *alg, const char *value)
{
	return json_pack("{s:s, s:s}", "algorithm", alg, "checksumValue", value);
}

static json_t *relationship(const char *a, const char *type, const char *b)
{
	return json_pack("{s:s, s:s, s:s}", "spdxElementId", a, "relationshipType", type,
			 "relatedSpdxElement", b);
}

/* SPDX 7.9: SHA1 over the sorted concatenation of the files' SHA1s. */
static void verification_code(const struct sbom_input *in, char out[41])
{
	struct strlist l = STRLIST_INIT;
	for (size_t i = 0; i < in->nfiles; i++)
		sl_push(&l, in->files[i].sha1);
	sl_sort(&l);
	char *all = sl_join(&l, "");
	sha1_hex(all, strlen(all), out);
	free(all);
	sl_free(&l);
}

/* Name the document after what it describes, so it is unique and stable. */
static char *namespace(const struct sbom_input *in)
{
	struct hasher *h = hasher_new();
	struct sb meta = SB_INIT;
	pkginfo_write(in->info, &meta);
	hasher_adds(h, sb_str(&meta));
	for (size_t i = 0; i < in->nfiles; i++) {
		hasher_adds(h, in->files[i].path);
		hasher_adds(h, in->files[i].sha256);
	}
	char hex[65];
	hasher_end(h, hex);
	sb_free(&meta);
	return xasprintf(KRILL_SPDX_NS "/%s-%s.%s-%s", in->info->name, in->info->version,
			 in->info->arch, hex);
}

char *sbom_pkg_purl(const struct pkginfo *p)
{
	char *n = purl_encode(p->name), *v = purl_encode(p->version), *a = purl_encode(p->arch);
	char *purl = xasprintf("pkg:generic/krill/%s@%s?arch=%s", n, v, a);
	free(n);
	free(v);
	free(a);
	return purl;
}

static json_t *main_package(const struct sbom_input *in, const char *id)
{
	const struct pkginfo *p = in->info;
	char code[41];
	verification_code(in, code);
	char *purl = sbom_pkg_purl(p);
	json_t *pkg =
		json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:{s:s}, s:s, s:s, s:s}", "name", p->name,
			  "SPDXID", id, "versionInfo", p->version, "supplier",
			  "Organization: Krill", "downloadLocation",
			  spdx_download_location(in->nsources ? in->sources[0].url : NULL),
			  "filesAnalyzed", 1, "packageVerificationCode",
			  "packageVerificationCodeValue", code, "licenseConcluded", p->license,
			  "licenseDeclared", p->license, "copyrightText", "NOASSERTION");
	if (p->homepage)
		json_object_set_new(pkg, "homepage", json_string(p->homepage));
	json_object_set_new(pkg, "summary", json_string(p->summary));
	/* Krill's own purl first (what names this build), then the upstream's
	 * CPE and purl: what vulnerability scanners match against */
	json_t *refs = json_pack("[{s:s, s:s, s:s}]", "referenceCategory", "PACKAGE-MANAGER",
				 "referenceType", "purl", "referenceLocator", purl);
	if (in->cpe)
		json_array_append_new(refs, json_pack("{s:s, s:s, s:s}", "referenceCategory",
						      "SECURITY", "referenceType", "cpe23Type",
						      "referenceLocator", in->cpe));
	if (in->upstream_purl)
		json_array_append_new(refs, json_pack("{s:s, s:s, s:s}", "referenceCategory",
						      "PACKAGE-MANAGER", "referenceType", "purl",
						      "referenceLocator", in->upstream_purl));
	json_object_set_new(pkg, "externalRefs", refs);
	free(purl);
	return pkg;
}

static json_t *source_package(const struct sbom_input *in, size_t i, const char *id)
{
	const struct sbom_source *s = &in->sources[i];
	const char *dl = spdx_download_location(s->url);
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:b, s:[o], s:s, s:s, s:s, s:s}", "name",
			      path_basename(s->url), "SPDXID", id, "versionInfo",
			      in->upstream_version, "downloadLocation", dl, "filesAnalyzed", 0,
			      "checksums", checksum("SHA256", s->sha256), "licenseConcluded",
			      "NOASSERTION", "licenseDeclared", in->info->license, "copyrightText",
			      "NOASSERTION", "primaryPackagePurpose", "SOURCE");
	/* A source that is no URL (debian:PACKAGE/FILE) keeps its place here,
	 * and a Debian one is also named by its purl (what provenance uses). */
	if (dl != s->url) {
		json_t *refs =
			json_pack("[{s:s, s:s, s:s}]", "referenceCategory", "OTHER",
				  "referenceType", "krill-source", "referenceLocator", s->url);
		char *purl = prov_debian_purl(s->url);
		if (purl)
			json_array_append_new(refs,
					      json_pack("{s:s, s:s, s:s}", "referenceCategory",
							"PACKAGE-MANAGER", "referenceType", "purl",
							"referenceLocator", purl));
		free(purl);
		json_object_set_new(j, "externalRefs", refs);
	}
	return j;
}

/* One .PKGINFO depend as a package of its own, for DEPENDS_ON: what is
 * required, not which build of it (the installer picks that). A package
 * name gets its purl; an so: name is satisfied by whichever package
 * provides it, so it has none. */
static json_t *depend_package(const struct sbom_input *in, const char *dep, const char *id)
{
	char *name = NULL, *op = NULL, *ver = NULL;
	if (dep_split(dep, &name, &op, &ver) < 0 || !name) {
		free(name);
		free(op);
		free(ver);
		name = xstrdup(dep);
	}
	char *comment = xasprintf("krill depend: %s", dep);
	json_t *j = json_pack("{s:s, s:s, s:s, s:b, s:s}", "name", name, "SPDXID", id,
			      "downloadLocation", "NOASSERTION", "filesAnalyzed", 0, "comment",
			      comment);
	if (!str_starts(name, "so:")) {
		char *n = purl_encode(name), *a = purl_encode(in->info->arch);
		char *purl = xasprintf("pkg:generic/krill/%s?arch=%s", n, a);
		json_object_set_new(j, "externalRefs",
				    json_pack("[{s:s, s:s, s:s}]", "referenceCategory",
					      "PACKAGE-MANAGER", "referenceType", "purl",
					      "referenceLocator", purl));
		free(purl);
		free(n);
		free(a);
	}
	free(comment);
	free(name);
	free(op);
	free(ver);
	return j;
}

static json_t *file_entry(const struct sbom_file *f, const char *id)
{
	char *name = xasprintf("./%s", f->path);
	json_t *j = json_pack("{s:s, s:s, s:[o, o], s:s, s:s}", "fileName", name, "SPDXID", id,
			      "checksums", checksum("SHA1", f->sha1), checksum("SHA256", f->sha256),
			      "licenseConcluded", "NOASSERTION", "copyrightText", "NOASSERTION");
	free(name);
	return j;
}

char *sbom_json(const struct sbom_input *in)
{
	char created[32];
	time_t t = (time_t)in->source_date_epoch;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);
	char *ns = namespace(in);
	char *docname = xasprintf("%s-%s.%s", in->info->name, in->info->version, in->info->arch);
	char *pkgid = spdx_id("SPDXRef-Package-", in->info->name);
	json_t *packages = json_array(), *files = json_array(), *rels = json_array();
	json_array_append_new(packages, main_package(in, pkgid));
	json_array_append_new(rels, relationship("SPDXRef-DOCUMENT", "DESCRIBES", pkgid));
	for (size_t i = 0; i < in->nfiles; i++) {
		char *fid = xasprintf("SPDXRef-File-%zu", i + 1);
		json_array_append_new(files, file_entry(&in->files[i], fid));
		json_array_append_new(rels, relationship(pkgid, "CONTAINS", fid));
		free(fid);
	}
	for (size_t i = 0; i < in->nsources; i++) {
		char *sid = xasprintf("SPDXRef-Source-%zu", i + 1);
		json_array_append_new(packages, source_package(in, i, sid));
		json_array_append_new(rels, relationship(pkgid, "GENERATED_FROM", sid));
		free(sid);
	}
	for (size_t i = 0; i < in->info->depends.n; i++) {
		char *did = xasprintf("SPDXRef-Depends-%zu", i + 1);
		json_array_append_new(packages, depend_package(in, in->info->depends.v[i], did));
		json_array_append_new(rels, relationship(pkgid, "DEPENDS_ON", did));
		free(did);
	}
	json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:[s, s]}, s:o, s:o, s:o}",
				"spdxVersion", "SPDX-2.3", "dataLicense", "CC0-1.0", "SPDXID",
				"SPDXRef-DOCUMENT", "name", docname, "documentNamespace", ns,
				"creationInfo", "created", created, "creators",
				"Tool: krill-" KRILL_VERSION, "Organization: Krill", "packages",
				packages, "files", files, "relationships", rels);
	free(ns);
	free(docname);
	free(pkgid);
	return json_text(doc);
}
