/* test_imgsbom.c - the image SBOM and provenance: same input same bytes,
 * every package with checksum, purl and license, the relationships (so:,
 * versioned and provided names), hostile package SBOMs refused by name,
 * the provenance's digests, and both the image SBOM and a package SBOM
 * accepted by the official SPDX 2.3 schema (tools/tests/spdx). */
#include <jansson.h>
#include <sys/wait.h>
#include <unistd.h>

#include "imgsbom.h"
#include "sbom.h"
#include "t.h"

#define NPKG 5
static struct pkginfo info[NPKG];
static char *sboms[NPKG];
static struct imgsbom_pkg pkgs[NPKG];
static char shas[NPKG][65];

struct fix {
	const char *name, *ver, *license, *origin, *deps, *provs, *src_url, *src_sha;
};

/* glibc's source is the Debian form (no URL); zlib's is a real URL. */
static const struct fix fixture[NPKG] = {
	{"busybox", "1.36.1-r2", "GPL-2.0-only", "busybox", "so:libc.so.6,zlib>=1.3-r0", "sh",
	 "https://busybox.net/downloads/busybox-1.36.1.tar.bz2",
	 "b8cc24c9574d809e7279c3be349795c5d5ceb6fdf19ca709f80cde50e47de314"},
	{"base-files", "1-r0", "MIT", "base-files", "sh", "-", NULL, NULL},
	{"glibc", "2.41-r0", "LGPL-2.1-or-later", "glibc", "-", "so:libc.so.6,so:libm.so.6",
	 "debian:glibc/glibc_2.41.orig.tar.xz",
	 "a5a26b22f545d6b7d7b3dd828e11e428f24f4fac43c934fb071b6a7d0828e901"},
	{"zlib", "1.3.1-r0", "Zlib", "zlib", "so:libc.so.6", "so:libz.so.1",
	 "https://zlib.net/zlib-1.3.1.tar.gz",
	 "9a93b2b7dfdac77ceba5a558a580e74667dd6fede4585b91eefb60f03b72df23"},
	{"libstdc++", "14.2.0-r0", "GPL-3.0-or-later WITH GCC-exception-3.1", "gcc", "so:libm.so.6",
	 "so:libstdc++.so.6", NULL, NULL},
};

static void setup(void)
{
	for (size_t i = 0; i < NPKG; i++) {
		const struct fix *f = &fixture[i];
		struct pkginfo *p = &info[i];
		pkginfo_free(p);
		free(sboms[i]);
		memset(p, 0, sizeof *p);
		p->name = xstrdup(f->name);
		p->version = xstrdup(f->ver);
		p->arch = xstrdup("x86_64");
		p->origin = xstrdup(f->origin);
		p->summary = xasprintf("the %s package", f->name);
		p->license = xstrdup(f->license);
		p->homepage = xasprintf("https://example.org/%s", f->name);
		if (strcmp(f->deps, "-"))
			sl_split(&p->depends, f->deps, ",");
		if (strcmp(f->provs, "-"))
			sl_split(&p->provides, f->provs, ",");
		struct sbom_source src = {f->src_url ? xstrdup(f->src_url) : NULL, f->src_sha};
		struct sbom_file file = {xasprintf("usr/share/doc/%s", f->name), "", ""};
		memset(file.sha1, 'a', 40);
		memset(file.sha256, 'b', 64);
		/* zlib's recipe names its upstream (cpe:, purl:) */
		int z = !strcmp(f->name, "zlib");
		struct sbom_input si = {p,
					"1",
					&src,
					f->src_url ? 1 : 0,
					&file,
					1,
					1700000000,
					z ? "cpe:2.3:a:zlib:zlib:1.3.1:*:*:*:*:*:*:*" : NULL,
					z ? "pkg:github/madler/zlib@v1.3.1" : NULL};
		sboms[i] = sbom_json(&si);
		free(src.url);
		free(file.path);
		sha256_hex(f->name, strlen(f->name), shas[i]);
		pkgs[i] = (struct imgsbom_pkg){p, shas[i], 1000 + i, sboms[i], strlen(sboms[i])};
	}
}

static struct imgsbom_input input(const struct imgsbom_pkg *v, size_t n)
{
	return (struct imgsbom_input){
		"base",
		"x86_64",
		"images/base.yaml",
		"1111111111111111111111111111111111111111111111111111111111111111",
		"2222222222222222222222222222222222222222222222222222222222222222",
		42,
		"krill",
		1700000000,
		v,
		n,
		"sha256:3333333333333333333333333333333333333333333333333333333333333333"};
}

static json_t *parse(const char *s)
{
	json_error_t e;
	return s ? json_loads(s, 0, &e) : NULL;
}

static json_t *find(json_t *arr, const char *key, const char *value)
{
	size_t i;
	json_t *x;
	json_array_foreach(
		arr, i, x) if (json_is_string(json_object_get(x, key)) &&
			       !strcmp(json_string_value(json_object_get(x, key)), value)) return x;
	return NULL;
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int has_rel(json_t *doc, const char *a, const char *type, const char *b)
{
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(doc, "relationships"), i, r)
	{
		if (!strcmp(str(r, "spdxElementId"), a) &&
		    !strcmp(str(r, "relationshipType"), type) &&
		    !strcmp(str(r, "relatedSpdxElement"), b))
			return 1;
	}
	return 0;
}

TEST(spdx_same_input_same_bytes)
{
	setup();
	struct imgsbom_input in = input(pkgs, NPKG);
	char *a = imgsbom_spdx(&in), *b = imgsbom_spdx(&in);
	CHECK(a && b && !strcmp(a, b));
	/* the order the packages come in does not matter */
	struct imgsbom_pkg rev[NPKG];
	for (size_t i = 0; i < NPKG; i++)
		rev[i] = pkgs[NPKG - 1 - i];
	struct imgsbom_input in2 = input(rev, NPKG);
	char *c = imgsbom_spdx(&in2);
	CHECK(a && c && !strcmp(a, c));
	/* a digest given as sha256:HEX is the same digest */
	char *pref = xasprintf("sha256:%s", shas[0]);
	pkgs[0].sha256 = pref;
	char *e = imgsbom_spdx(&in);
	CHECK(a && e && !strcmp(a, e));
	free(e);
	free(pref);
	pkgs[0].sha256 = shas[0];
	/* another package digest: another document, another namespace */
	char other[65];
	memset(other, 'f', 64);
	other[64] = 0;
	rev[0].sha256 = other;
	char *d = imgsbom_spdx(&in2);
	json_t *ja = parse(a), *jd = parse(d);
	CHECK(d && strcmp(a, d));
	CHECK(ja && jd && strcmp(str(ja, "documentNamespace"), str(jd, "documentNamespace")));
	CHECK(ja && str_starts(str(ja, "documentNamespace"), KRILL_SPDX_NS "/image/base.x86_64-"));
	CHECK_STR(str(json_object_get(ja, "creationInfo"), "created"), "2023-11-14T22:13:20Z");
	json_decref(ja);
	json_decref(jd);
	free(a);
	free(b);
	free(c);
	free(d);
}

TEST(spdx_every_package_with_checksum_purl_license)
{
	setup();
	struct imgsbom_input in = input(pkgs, NPKG);
	char *s = imgsbom_spdx(&in);
	json_t *doc = parse(s), *ps = json_object_get(doc, "packages");
	CHECK(doc != NULL);
	for (size_t i = 0; doc && i < NPKG; i++) {
		json_t *p = find(ps, "name", fixture[i].name);
		CHECK(p != NULL);
		if (!p)
			continue;
		CHECK_STR(str(p, "versionInfo"), fixture[i].ver);
		CHECK_STR(str(p, "licenseDeclared"), fixture[i].license);
		CHECK_STR(str(p, "licenseConcluded"), fixture[i].license);
		json_t *c = json_array_get(json_object_get(p, "checksums"), 0);
		CHECK_STR(str(c, "algorithm"), "SHA256");
		CHECK_STR(str(c, "checksumValue"), shas[i]);
		char *n = purl_encode(fixture[i].name), *v = purl_encode(fixture[i].ver);
		char *purl = xasprintf("pkg:generic/krill/%s@%s?arch=x86_64", n, v);
		json_t *ref = json_array_get(json_object_get(p, "externalRefs"), 0);
		CHECK_STR(str(ref, "referenceCategory"), "PACKAGE-MANAGER");
		CHECK_STR(str(ref, "referenceType"), "purl");
		CHECK_STR(str(ref, "referenceLocator"), purl);
		free(purl);
		free(n);
		free(v);
		CHECK(json_is_false(json_object_get(p, "filesAnalyzed")));
	}
	/* a package id SPDX allows: '+' is not */
	CHECK(find(ps, "SPDXID", "SPDXRef-Package-libstdc--") != NULL);
	/* downloadLocation: the URL, or NOASSERTION for the debian: form,
	 * which is kept as an OTHER reference on its source */
	CHECK_STR(str(find(ps, "name", "zlib"), "downloadLocation"),
		  "https://zlib.net/zlib-1.3.1.tar.gz");
	CHECK_STR(str(find(ps, "name", "glibc"), "downloadLocation"), "NOASSERTION");
	json_t *gsrc = find(ps, "SPDXID",
			    "SPDXRef-Source-" /* glibc's sha */
			    "a5a26b22f545d6b7d7b3dd828e11e428f24f4fac43c934fb071b6a7d0828e901");
	CHECK(gsrc != NULL);
	CHECK_STR(str(gsrc, "downloadLocation"), "NOASSERTION");
	CHECK_STR(str(json_array_get(json_object_get(gsrc, "externalRefs"), 0), "referenceLocator"),
		  "debian:glibc/glibc_2.41.orig.tar.xz");
	/* the image: described, named by its manifest */
	json_t *img = find(ps, "SPDXID", "SPDXRef-Image");
	CHECK_STR(str(img, "primaryPackagePurpose"), "CONTAINER");
	CHECK_STR(str(json_array_get(json_object_get(img, "externalRefs"), 0), "referenceLocator"),
		  "pkg:oci/"
		  "base@sha256%3A3333333333333333333333333333333333333333333333333333333333333333"
		  "?arch=amd64");
	/* 1 image + 5 packages + 3 sources */
	CHECK(json_array_size(ps) == 1 + NPKG + 3);
	json_decref(doc);
	free(s);
}

TEST(spdx_relationships)
{
	setup();
	struct imgsbom_input in = input(pkgs, NPKG);
	char *s = imgsbom_spdx(&in);
	json_t *doc = parse(s);
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK(has_rel(doc, "SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-Image"));
	const char *ids[] = {"SPDXRef-Package-busybox", "SPDXRef-Package-base-files",
			     "SPDXRef-Package-glibc", "SPDXRef-Package-zlib",
			     "SPDXRef-Package-libstdc--"};
	for (size_t i = 0; i < NPKG; i++)
		CHECK(has_rel(doc, "SPDXRef-Image", "CONTAINS", ids[i]));
	/* so: name, versioned name, provided name */
	CHECK(has_rel(doc, "SPDXRef-Package-zlib", "DEPENDS_ON", "SPDXRef-Package-glibc"));
	CHECK(has_rel(doc, "SPDXRef-Package-busybox", "DEPENDS_ON", "SPDXRef-Package-glibc"));
	CHECK(has_rel(doc, "SPDXRef-Package-busybox", "DEPENDS_ON", "SPDXRef-Package-zlib"));
	CHECK(has_rel(doc, "SPDXRef-Package-base-files", "DEPENDS_ON", "SPDXRef-Package-busybox"));
	CHECK(has_rel(doc, "SPDXRef-Package-libstdc--", "DEPENDS_ON", "SPDXRef-Package-glibc"));
	CHECK(!has_rel(doc, "SPDXRef-Package-glibc", "DEPENDS_ON", "SPDXRef-Package-zlib"));
	CHECK(has_rel(
		doc, "SPDXRef-Package-zlib", "GENERATED_FROM",
		"SPDXRef-Source-9a93b2b7dfdac77ceba5a558a580e74667dd6fede4585b91eefb60f03b72df23"));
	/* 1 DESCRIBES + 5 CONTAINS + 5 DEPENDS_ON + 3 GENERATED_FROM, and
	 * every end of every relationship is an element of the document */
	json_t *rels = json_object_get(doc, "relationships");
	CHECK(json_array_size(rels) == 1 + NPKG + 5 + 3);
	size_t i;
	json_t *r;
	json_array_foreach(rels, i, r)
	{
		CHECK(!strcmp(str(r, "spdxElementId"), "SPDXRef-DOCUMENT") ||
		      find(json_object_get(doc, "packages"), "SPDXID", str(r, "spdxElementId")));
		CHECK(find(json_object_get(doc, "packages"), "SPDXID",
			   str(r, "relatedSpdxElement")));
	}
	json_decref(doc);
	free(s);
}

/* Replace package `i`'s SBOM with `text` and expect a refusal whose
 * message names the package and contains `want`. */
static int refused(size_t i, const char *text, size_t len, const char *want)
{
	struct imgsbom_pkg keep = pkgs[i];
	pkgs[i].sbom_json = text;
	pkgs[i].sbom_len = len;
	struct imgsbom_input in = input(pkgs, NPKG);
	char *s = imgsbom_spdx(&in);
	pkgs[i] = keep;
	int ok = !s && strstr(kr_errmsg(), "package 'zlib'") && strstr(kr_errmsg(), want);
	if (!ok)
		printf("  got: %s\n", s ? "a document" : kr_errmsg());
	free(s);
	return ok;
}

TEST(spdx_hostile_package_sbom_refused)
{
	setup();
	CHECK(refused(3, "{\"spdxVersion\": ", 16, "not valid JSON"));
	CHECK(refused(3, "[1]", 3, "expected a JSON object"));
	CHECK(refused(3, "{\"spdxVersion\": \"SPDX-2.2\"}", 27, "SPDX-2.3"));
	CHECK(refused(3, "{\"a\":1,\"a\":2}", 13, "not valid JSON"));
	const char *obj = "{\"spdxVersion\":\"SPDX-2.3\",\"packages\":{},\"relationships\":[]}";
	CHECK(refused(3, obj, strlen(obj), "arrays"));
	const char *nodesc = "{\"spdxVersion\":\"SPDX-2.3\",\"packages\":[],\"relationships\":[]}";
	CHECK(refused(3, nodesc, strlen(nodesc), "DESCRIBES"));
	/* a NUL inside, and a length far beyond the limit (never read) */
	CHECK(refused(3, "{\"spdxVersion\":\"SPDX\0-2.3\"}", 27, "not valid JSON"));
	CHECK(refused(3, "{}", (size_t)IMGSBOM_MAX_PKG_SBOM + 1, "more than"));
	/* the SBOM of another package, or another license */
	CHECK(refused(3, sboms[2], strlen(sboms[2]), "describes 'glibc'"));
	char *lic = xstrdup(sboms[3]);
	char *at = strstr(lic, "\"licenseDeclared\": \"Zlib\"");
	CHECK(at != NULL);
	if (at)
		memcpy(at + 20, "MIT\" ", 5);
	CHECK(refused(3, lic, strlen(lic), "differs from .PKGINFO"));
	free(lic);
	/* a control character in a field */
	char *ctl = xstrdup(sboms[3]);
	at = strstr(ctl, "\"zlib-1.3.1.tar.gz\"");
	CHECK(at != NULL);
	if (at)
		memcpy(at + 1, "\\u0007", 6);
	CHECK(refused(3, ctl, strlen(ctl), "printable"));
	free(ctl);
	setup();
}

static int spdx_check(const char *doc, const char *tag, int expect_valid);

TEST(spdx_bad_input_refused)
{
	setup();
	struct imgsbom_input in = input(pkgs, NPKG);
	pkgs[1].sha256 = "nothex";
	char *s = imgsbom_spdx(&in);
	CHECK(!s && strstr(kr_errmsg(), "'base-files'") && strstr(kr_errmsg(), "sha256"));
	free(s);
	/* a dependency nothing installed satisfies */
	setup();
	sl_push(&info[3].depends, "so:libmissing.so.1");
	s = imgsbom_spdx(&in);
	CHECK(!s && strstr(kr_errmsg(), "'zlib' depends on 'so:libmissing.so.1'"));
	free(s);
	/* the same package twice */
	setup();
	struct imgsbom_pkg twice[2] = {pkgs[0], pkgs[0]};
	struct imgsbom_input in2 = input(twice, 2);
	s = imgsbom_spdx(&in2);
	CHECK(!s && strstr(kr_errmsg(), "listed twice"));
	free(s);
	/* an image without packages (so without sources) is still a document */
	setup();
	struct imgsbom_input none = input(NULL, 0);
	s = imgsbom_spdx(&none);
	json_t *doc = parse(s);
	CHECK(doc && json_array_size(json_object_get(doc, "packages")) == 1);
	CHECK(s && spdx_check(s, "image SBOM without packages", 1));
	json_decref(doc);
	free(s);
	setup();
	in.index_digest = "sha256:xyz";
	s = imgsbom_spdx(&in);
	CHECK(!s && strstr(kr_errmsg(), "index digest"));
	free(s);
}

TEST(provenance_names_spec_index_and_every_package)
{
	setup();
	struct imgsbom_input in = input(pkgs, NPKG);
	char *s = imgsbom_provenance(&in), *s2 = imgsbom_provenance(&in);
	CHECK(s && s2 && !strcmp(s, s2));
	json_t *st = parse(s);
	CHECK(st != NULL);
	if (!st)
		return;
	CHECK_STR(str(st, "_type"), "https://in-toto.io/Statement/v1");
	CHECK_STR(str(st, "predicateType"), "https://slsa.dev/provenance/v1");
	json_t *subj = json_array_get(json_object_get(st, "subject"), 0);
	CHECK(json_array_size(json_object_get(st, "subject")) == 1);
	CHECK_STR(str(json_object_get(subj, "digest"), "sha256"),
		  "3333333333333333333333333333333333333333333333333333333333333333");
	json_t *bd = json_object_get(json_object_get(st, "predicate"), "buildDefinition");
	CHECK_STR(str(json_object_get(bd, "externalParameters"), "spec"), "images/base.yaml");
	json_t *deps = json_object_get(bd, "resolvedDependencies");
	json_t *spec = find(deps, "name", "images/base.yaml");
	CHECK_STR(str(json_object_get(spec, "digest"), "sha256"), in.spec_sha256);
	json_t *idx = find(deps, "name", "index:krill");
	CHECK_STR(str(json_object_get(idx, "digest"), "sha256"), in.index_digest);
	CHECK(json_integer_value(json_object_get(json_object_get(idx, "annotations"), "version")) ==
	      42);
	for (size_t i = 0; i < NPKG; i++) {
		char *file = pkginfo_filename(&info[i]), *name = xasprintf("package:%s", file);
		json_t *d = find(deps, "name", name);
		CHECK(d != NULL);
		CHECK_STR(str(json_object_get(d, "digest"), "sha256"), shas[i]);
		CHECK(d && str_starts(str(d, "uri"), "pkg:generic/krill/"));
		free(name);
		free(file);
	}
	CHECK(json_array_size(deps) == 2 + NPKG);
	json_t *rd = json_object_get(json_object_get(st, "predicate"), "runDetails");
	CHECK_STR(str(json_object_get(rd, "builder"), "id"), "https://krill.invalid/builder/krill");
	json_decref(st);
	free(s);
	free(s2);
	/* no manifest digest: no subject, no statement */
	in.manifest_digest = NULL;
	s = imgsbom_provenance(&in);
	CHECK(!s && strstr(kr_errmsg(), "manifest digest"));
	free(s);
}

static char *replace_all(const char *s, const char *from, const char *to)
{
	struct sb b = SB_INIT;
	for (const char *at; (at = strstr(s, from)); s = at + strlen(from)) {
		sb_add(&b, s, (size_t)(at - s));
		sb_adds(&b, to);
	}
	sb_adds(&b, s);
	return sb_steal(&b);
}

TEST(package_sbom_download_location_is_a_url_or_noassertion)
{
	CHECK_STR(spdx_download_location("https://zlib.net/z.tar.gz"), "https://zlib.net/z.tar.gz");
	CHECK_STR(spdx_download_location("ftp://ftp.gnu.org/gnu/x.tar.xz"),
		  "ftp://ftp.gnu.org/gnu/x.tar.xz");
	CHECK_STR(spdx_download_location("debian:glibc/glibc_2.41.orig.tar.xz"), "NOASSERTION");
	CHECK_STR(spdx_download_location("file:///src/x.tar"), "NOASSERTION");
	CHECK_STR(spdx_download_location("https://"), "NOASSERTION");
	CHECK_STR(spdx_download_location("https://a b"), "NOASSERTION");
	CHECK_STR(spdx_download_location(NULL), "NOASSERTION");
	/* the package SBOM writer: glibc's debian: source is kept as a reference */
	setup();
	json_t *g = parse(sboms[2]), *ps = json_object_get(g, "packages");
	CHECK_STR(str(json_array_get(ps, 0), "downloadLocation"), "NOASSERTION");
	json_t *src = json_array_get(ps, 1);
	CHECK_STR(str(src, "downloadLocation"), "NOASSERTION");
	json_t *ref = json_array_get(json_object_get(src, "externalRefs"), 0);
	CHECK_STR(str(ref, "referenceCategory"), "OTHER");
	CHECK_STR(str(ref, "referenceLocator"), "debian:glibc/glibc_2.41.orig.tar.xz");
	CHECK(g && str_starts(str(g, "documentNamespace"), KRILL_SPDX_NS "/glibc-2.41-r0.x86_64-"));
	json_decref(g);
	/* a package written before that fix (debian: as downloadLocation) still
	 * gives a valid image SBOM, the Debian form moved to a reference */
	char *old = replace_all(sboms[3], "https://zlib.net/zlib-1.3.1.tar.gz",
				"debian:zlib/zlib_1.3.1.orig.tar.gz");
	pkgs[3].sbom_json = old;
	pkgs[3].sbom_len = strlen(old);
	struct imgsbom_input in = input(pkgs, NPKG);
	char *s = imgsbom_spdx(&in);
	json_t *doc = parse(s);
	ps = json_object_get(doc, "packages");
	CHECK_STR(str(find(ps, "name", "zlib"), "downloadLocation"), "NOASSERTION");
	src = find(ps, "name", "zlib-1.3.1.tar.gz");
	CHECK_STR(str(src, "downloadLocation"), "NOASSERTION");
	CHECK_STR(str(json_array_get(json_object_get(src, "externalRefs"), 0), "referenceLocator"),
		  "debian:zlib/zlib_1.3.1.orig.tar.gz");
	json_decref(doc);
	free(s);
	free(old);
	setup();
}

/* The recipe's cpe and purl: SECURITY/cpe23Type and PACKAGE-MANAGER/purl
 * of the package, after Krill's own purl; none for a recipe without. */
TEST(package_sbom_upstream_cpe_and_purl)
{
	setup();
	json_t *doc = parse(sboms[3]), *pkg = doc ? json_array_get(json_object_get(doc, "packages"), 0) : NULL;
	json_t *refs = json_object_get(pkg, "externalRefs");
	CHECK(json_array_size(refs) == 3);
	CHECK_STR(str(json_array_get(refs, 0), "referenceLocator"),
		  "pkg:generic/krill/zlib@1.3.1-r0?arch=x86_64");
	CHECK_STR(str(json_array_get(refs, 1), "referenceCategory"), "SECURITY");
	CHECK_STR(str(json_array_get(refs, 1), "referenceType"), "cpe23Type");
	CHECK_STR(str(json_array_get(refs, 1), "referenceLocator"),
		  "cpe:2.3:a:zlib:zlib:1.3.1:*:*:*:*:*:*:*");
	CHECK_STR(str(json_array_get(refs, 2), "referenceCategory"), "PACKAGE-MANAGER");
	CHECK_STR(str(json_array_get(refs, 2), "referenceType"), "purl");
	CHECK_STR(str(json_array_get(refs, 2), "referenceLocator"), "pkg:github/madler/zlib@v1.3.1");
	json_decref(doc);
	doc = parse(sboms[0]);
	pkg = doc ? json_array_get(json_object_get(doc, "packages"), 0) : NULL;
	CHECK(json_array_size(json_object_get(pkg, "externalRefs")) == 1);
	json_decref(doc);
}

/* Run tools/tests/spdx/check_spdx.py (the SPDX 2.3 schema with
 * python3-jsonschema, plus the rules it cannot express) on a document. */
static int spdx_check(const char *doc, const char *tag, int expect_valid)
{
	const char *top = getenv("TOP");
	char path[] = "/tmp/krill-imgsbom-XXXXXX";
	int fd = mkstemp(path);
	if (!top || fd < 0) {
		printf("  TOP unset or no temp file\n");
		return 0;
	}
	size_t n = strlen(doc);
	int ok = write(fd, doc, n) == (ssize_t)n;
	close(fd);
	/* Debian's python3 is the one python3-jsonschema is installed for */
	char *cmd = xasprintf("%s %s/tools/tests/spdx/check_spdx.py %s%s",
			      access("/usr/bin/python3", X_OK) ? "python3" : "/usr/bin/python3",
			      top, path, expect_valid ? "" : " >/dev/null");
	int rc = system(cmd);
	/* exit 1: the document is invalid; anything else: the checker broke */
	int want = expect_valid ? 0 : 1, got = rc != -1 && WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
	ok = ok && got == want;
	if (!ok)
		printf("  %s: %s: exit %d, expected %d\n", tag, cmd, got, want);
	free(cmd);
	unlink(path);
	return ok;
}

TEST(spdx_schema_accepts_image_and_package_sboms)
{
	setup();
	struct imgsbom_input in = input(pkgs, NPKG);
	char *s = imgsbom_spdx(&in);
	CHECK(s && spdx_check(s, "image SBOM", 1));
	in.manifest_digest = NULL; /* also valid before the manifest exists */
	char *s2 = imgsbom_spdx(&in);
	CHECK(s2 && spdx_check(s2, "image SBOM without manifest", 1));
	/* package SBOMs, glibc's with a debian: source (issue 14) */
	CHECK(spdx_check(sboms[2], "glibc package SBOM", 1));
	CHECK(spdx_check(sboms[3], "zlib package SBOM", 1));
	/* and the validator does refuse what tools-python refuses */
	char *bad = xstrdup(sboms[3]);
	char *at = strstr(bad, "\"downloadLocation\": \"https://zlib.net");
	CHECK(at != NULL);
	if (at)
		memcpy(at + 21, "debian:zlib", 11);
	CHECK(spdx_check(bad, "debian: downloadLocation", 0));
	free(bad);
	free(s);
	free(s2);
}

int main(void)
{
	RUN(spdx_same_input_same_bytes);
	RUN(spdx_every_package_with_checksum_purl_license);
	RUN(spdx_relationships);
	RUN(spdx_hostile_package_sbom_refused);
	RUN(spdx_bad_input_refused);
	RUN(provenance_names_spec_index_and_every_package);
	RUN(package_sbom_download_location_is_a_url_or_noassertion);
	RUN(package_sbom_upstream_cpe_and_purl);
	RUN(spdx_schema_accepts_image_and_package_sboms);
	for (size_t i = 0; i < NPKG; i++) {
		pkginfo_free(&info[i]);
		free(sboms[i]);
	}
	DONE();
}
