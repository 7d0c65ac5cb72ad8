/* test_imgvex.c - an image's own VEX (imgvex.h): the statements of the
 * feeds that name an installed package, restated about the image with
 * those packages as subcomponents, each statement once however many feeds
 * say it; nothing when none applies; the same
 * bytes for the same input; a feed that is not an OpenVEX document, and a
 * missing manifest digest, refused by name. */
#include <jansson.h>

#include "imgvex.h"
#include "t.h"

static const char *manifest = "5c1e4f0a7b9d2e3f4a5b6c7d8e9f00112233445566778899aabbccddeeff0011";

static void pkg(struct pkginfo *p, const char *name, const char *ver)
{
	memset(p, 0, sizeof *p);
	p->name = xstrdup(name);
	p->version = xstrdup(ver);
	p->arch = xstrdup("x86_64");
}

/* zlib 1.3.2-r2 fixed (products: zlib and zlib-dev at r2), curl not
 * affected, and a statement about a package the image does not hold. */
static const char *feed =
	"{\"@context\":\"https://openvex.dev/ns/v0.2.0\",\"@id\":\"x\",\"author\":\"Krill\","
	"\"timestamp\":\"2026-12-01T00:00:00Z\",\"version\":7,\"statements\":["
	"{\"vulnerability\":{\"name\":\"CVE-2026-0001\"},\"status\":\"fixed\",\"products\":["
	"{\"@id\":\"pkg:generic/krill/zlib-dev@1.3.2-r2?arch=x86_64\"},"
	"{\"@id\":\"pkg:generic/krill/zlib@1.3.2-r2?arch=x86_64\"}]},"
	"{\"vulnerability\":{\"name\":\"CVE-2026-0002\"},\"status\":\"not_affected\","
	"\"justification\":\"component_not_present\",\"impact_statement\":\"not built\","
	"\"products\":[{\"identifiers\":{\"purl\":\"pkg:generic/krill/"
	"curl@8.0-r1?arch=x86_64\"}}]},"
	"{\"vulnerability\":{\"name\":\"CVE-2026-0003\"},\"status\":\"fixed\",\"products\":["
	"{\"@id\":\"pkg:generic/krill/bash@5.3-r1?arch=x86_64\"},{\"@id\":7}]}]}\n";

static struct pkginfo pk[3];

static struct imgvex_input input(const struct imgvex_feed *f, size_t nf)
{
	pkg(&pk[0], "zlib", "1.3.2-r2");
	pkg(&pk[1], "curl", "8.0-r1");
	pkg(&pk[2], "busybox", "1.37-r1");
	return (struct imgvex_input){"base", "x86_64", manifest, 1700000000, pk, 3, f, nf};
}

static void drop(void)
{
	for (size_t i = 0; i < 3; i++)
		pkginfo_free(&pk[i]);
}

TEST(restates_the_statements_about_installed_packages)
{
	struct imgvex_feed f = {feed, strlen(feed), "repo/openvex.json"};
	struct imgvex_input in = input(&f, 1);
	char *out = NULL;
	CHECK(imgvex_statement(&in, &out) == 0 && out);
	json_t *j = out ? json_loads(out, 0, NULL) : NULL;
	CHECK(j);
	CHECK_STR(json_string_value(json_object_get(j, "predicateType")), IMGVEX_PREDICATE);
	json_t *subj = json_array_get(json_object_get(j, "subject"), 0);
	CHECK_STR(json_string_value(json_object_get(json_object_get(subj, "digest"), "sha256")),
		  manifest);
	json_t *pred = json_object_get(j, "predicate");
	CHECK_STR(json_string_value(json_object_get(pred, "timestamp")), "2023-11-14T22:13:20Z");
	json_t *st = json_object_get(pred, "statements");
	CHECK(json_array_size(st) == 2);
	json_t *s0 = json_array_get(st, 0), *s1 = json_array_get(st, 1);
	json_t *p0 = json_array_get(json_object_get(s0, "products"), 0);
	CHECK_STR(
		json_string_value(json_object_get(p0, "@id")),
		"pkg:oci/base@sha256%3A5c1e4f0a7b9d2e3f4a5b6c7d8e9f00112233445566778899aabbccddeeff"
		"0011?arch=amd64");
	json_t *sub = json_object_get(p0, "subcomponents");
	CHECK(json_array_size(sub) == 1); /* zlib-dev is not in the image */
	CHECK_STR(json_string_value(json_object_get(json_array_get(sub, 0), "@id")),
		  "pkg:generic/krill/zlib@1.3.2-r2?arch=x86_64");
	CHECK_STR(json_string_value(json_object_get(s1, "justification")), "component_not_present");
	CHECK_STR(json_string_value(json_object_get(s1, "impact_statement")), "not built");
	json_t *p1 = json_array_get(json_object_get(s1, "products"), 0);
	CHECK_STR(json_string_value(json_object_get(
			  json_array_get(json_object_get(p1, "subcomponents"), 0), "@id")),
		  "pkg:generic/krill/curl@8.0-r1?arch=x86_64");
	/* two repositories saying the same: each statement once */
	struct imgvex_feed two[2] = {f, f};
	struct imgvex_input in2 = in;
	in2.feeds = two;
	in2.nfeeds = 2;
	char *twice = NULL;
	CHECK(imgvex_statement(&in2, &twice) == 0 && twice);
	json_t *j2 = twice ? json_loads(twice, 0, NULL) : NULL;
	CHECK(json_array_size(json_object_get(json_object_get(j2, "predicate"), "statements")) ==
	      2);
	json_decref(j2);
	free(twice);
	/* the same input, the same bytes */
	char *again = NULL;
	CHECK(imgvex_statement(&in, &again) == 0 && again && out && !strcmp(out, again));
	json_decref(j);
	free(out);
	free(again);
	drop();
}

TEST(nothing_when_no_statement_names_an_installed_package)
{
	const char *other = "{\"statements\":[{\"vulnerability\":{\"name\":\"CVE-2026-0003\"},"
			    "\"status\":\"fixed\",\"products\":[{\"@id\":\"pkg:generic/krill/"
			    "bash@5.3-r1?arch=x86_64\"}]}]}";
	struct imgvex_feed f = {other, strlen(other), "repo/openvex.json"};
	struct imgvex_input in = input(&f, 1);
	char *out = (char *)1;
	CHECK(imgvex_statement(&in, &out) == 0 && out == NULL);
	in.nfeeds = 0;
	out = (char *)1;
	CHECK(imgvex_statement(&in, &out) == 0 && out == NULL);
	drop();
}

TEST(bad_input_refused_by_name)
{
	const char *bad = "[1, 2]";
	struct imgvex_feed f = {bad, strlen(bad), "https://r.example/x86_64/openvex.json"};
	struct imgvex_input in = input(&f, 1);
	char *out = NULL;
	CHECK(imgvex_statement(&in, &out) == -1 && !out);
	CHECK(strstr(kr_errmsg(), "https://r.example/x86_64/openvex.json: expected an OpenVEX"));
	struct imgvex_feed g = {feed, strlen(feed), "repo/openvex.json"};
	in.feeds = &g;
	in.manifest_hex = "sha256:nothex";
	CHECK(imgvex_statement(&in, &out) == -1 && !out);
	CHECK(strstr(kr_errmsg(), "manifest digest is required"));
	drop();
}

int main(void)
{
	RUN(restates_the_statements_about_installed_packages);
	RUN(nothing_when_no_statement_names_an_installed_package);
	RUN(bad_input_refused_by_name);
	DONE();
}
