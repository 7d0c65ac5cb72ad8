/* test_index.c - index parse/write round trip, ordering, bad inputs. */
#include <stdlib.h>
#include <string.h>

#include "feeds.h"
#include "index.h"
#include "t.h"

#define HDR                                                                                        \
	"format: krill-index-1\nrepository: main\narch: x86_64\nversion: 7\nexpires: "             \
	"2030-01-02T03:04:05Z\n\n"
#define PKG(n, v, extra)                                                                           \
	"name: " n "\nversion: " v "\narch: x86_64\norigin: " n "\nsummary: s\nlicense: MIT\n"     \
	"installed-size: 10\n" extra "file: " n "-" v ".x86_64.pkg.tar.zst\nsha256: "              \
	"0000000000000000000000000000000000000000000000000000000000000000\nsize: 5\n\n"

static const char *parse_err(const char *text)
{
	struct index ix;
	if (index_parse(text, strlen(text), "INDEX", &ix) == 0) {
		index_free(&ix);
		return NULL;
	}
	return kr_errmsg();
}

TEST(round_trip_is_byte_identical)
{
	const char *text = HDR PKG("a", "1.0-r1", "depend: b\n") PKG("b", "1.0-r1", "")
		PKG("b", "1.10-r1", "provide: so:libb.so.1\n");
	struct index ix;
	CHECK(index_parse(text, strlen(text), "INDEX", &ix) == 0);
	CHECK(ix.n == 3 && ix.version == 7);
	CHECK_STR(ix.name, "main");
	struct sb out = SB_INIT;
	index_write(&ix, &out);
	CHECK_STR(out.s, text);
	CHECK(index_find_file(&ix, "b-1.10-r1.x86_64.pkg.tar.zst") == &ix.pkgs[2]);
	sb_free(&out);
	index_free(&ix);
}

TEST(empty_index)
{
	struct index ix;
	CHECK(index_parse(HDR, strlen(HDR), "INDEX", &ix) == 0 && ix.n == 0);
	index_free(&ix);
}

TEST(sort_orders_versions_not_strings)
{
	const char *text =
		HDR PKG("b", "1.10-r1", "") PKG("a", "1.0-r1", "") PKG("b", "1.9-r1", "");
	/* unsorted input is refused by the parser ... */
	const char *m = parse_err(text);
	CHECK(m && strstr(m, "out of order"));
	/* ... and index_sort puts entries in canonical order */
	struct index ix = {0};
	const char *parts[] = {HDR PKG("b", "1.10-r1", ""), HDR PKG("a", "1.0-r1", ""),
			       HDR PKG("b", "1.9-r1", "")};
	for (size_t i = 0; i < 3; i++) {
		struct index one;
		CHECK(index_parse(parts[i], strlen(parts[i]), "p", &one) == 0);
		if (!ix.name) {
			ix.name = xstrdup(one.name);
			ix.arch = xstrdup(one.arch);
			ix.version = one.version;
			ix.expires = one.expires;
		}
		index_add(&ix, &one.pkgs[0]);
		index_free(&one);
	}
	CHECK(index_sort(&ix, "x") == 0);
	CHECK_STR(ix.pkgs[0].name, "a");
	CHECK_STR(ix.pkgs[1].version, "1.9-r1");
	CHECK_STR(ix.pkgs[2].version, "1.10-r1");
	/* a duplicate name+version is refused */
	struct pkginfo dup = {0};
	struct index tmp;
	const char *t = HDR PKG("a", "1.0-r1", "");
	CHECK(index_parse(t, strlen(t), "p", &tmp) == 0);
	dup = tmp.pkgs[0];
	memset(&tmp.pkgs[0], 0, sizeof tmp.pkgs[0]);
	tmp.n = 0;
	index_free(&tmp);
	index_add(&ix, &dup);
	CHECK(index_sort(&ix, "x") < 0 && strstr(kr_errmsg(), "twice"));
	index_free(&ix);
}

TEST(bad_inputs_name_the_line)
{
	const char *m;
	m = parse_err("format: krill-index-2\n");
	CHECK(m && strstr(m, "INDEX:1: unknown format"));
	m = parse_err("format: krill-index-1\narch: x86_64\n");
	CHECK(m && strstr(m, "INDEX:2: expected 'repository"));
	m = parse_err("format: krill-index-1\nrepository: Main!\narch: x\nversion: 1\nexpires: "
		      "2030-01-01T00:00:00Z\n");
	CHECK(m && strstr(m, "INDEX:2: bad repository name"));
	m = parse_err("format: krill-index-1\nrepository: m\narch: x\nversion: 0\nexpires: "
		      "2030-01-01T00:00:00Z\n");
	CHECK(m && strstr(m, "INDEX:4: bad version"));
	m = parse_err("format: krill-index-1\nrepository: m\narch: x\nversion: 01\nexpires: "
		      "2030-01-01T00:00:00Z\n");
	CHECK(m && strstr(m, "INDEX:4:"));
	m = parse_err("format: krill-index-1\nrepository: m\narch: x\nversion: "
		      "99999999999999999999999\nexpires: 2030-01-01T00:00:00Z\n");
	CHECK(m && strstr(m, "INDEX:4:"));
	m = parse_err("format: krill-index-1\nrepository: m\narch: x\nversion: 1\nexpires: "
		      "2030-02-30T00:00:00Z\n");
	CHECK(m && strstr(m, "INDEX:5: bad expiry"));
	m = parse_err("format: krill-index-1\nrepository: m\narch: x\nversion: 1\nexpires: "
		      "2030-01-01T00:00:00+01:00\n");
	CHECK(m && strstr(m, "INDEX:5:"));
	m = parse_err("format: krill-index-1\nrepository: m\narch: x\nversion: 1\nexpires: "
		      "2030-01-01T00:00:00Z\nname: a\n");
	CHECK(m && strstr(m, "INDEX:6: expected a blank line"));
	m = parse_err(HDR PKG("a", "1.0-r1", "") PKG("a", "1.0-r1", ""));
	CHECK(m && strstr(m, "INDEX:18: package a 1.0-r1 is listed twice"));
	m = parse_err(HDR "name: a\nversion: 1.0-r1\n\n");
	CHECK(m && strstr(m, "INDEX:7: missing required key"));
	m = parse_err(
		HDR "name: a\nversion: 1.0\narch: x86_64\norigin: a\nsummary: s\nlicense: MIT\n"
		    "installed-size: 1\nfile: a-1.0.x86_64.pkg.tar.zst\nsha256: "
		    "0000000000000000000000000000000000000000000000000000000000000000\nsize: 5\n");
	CHECK(m && strstr(m, "INDEX:7: bad version '1.0', expected VERSION-rN"));
	m = parse_err(
		HDR "name: a\nversion: 1.0-r1\narch: aarch64\norigin: a\nsummary: s\nlicense: MIT\n"
		    "installed-size: 1\nfile: a-1.0-r1.aarch64.pkg.tar.zst\nsha256: "
		    "0000000000000000000000000000000000000000000000000000000000000000\nsize: 5\n");
	CHECK(m && strstr(m, "INDEX:7: package a has arch 'aarch64'"));
	m = parse_err(
		HDR "name: a\nversion: 1.0-r1\narch: x86_64\norigin: a\nsummary: s\nlicense: MIT\n"
		    "installed-size: 1\nfile: b-1.0-r1.x86_64.pkg.tar.zst\nsha256: "
		    "0000000000000000000000000000000000000000000000000000000000000000\nsize: 5\n");
	CHECK(m && strstr(m, "INDEX:7: file 'b-1.0-r1.x86_64.pkg.tar.zst', expected 'a-1.0-r1"));
	m = parse_err(
		HDR "name: a\nversion: 1.0-r1\narch: x86_64\norigin: a\nsummary: s\nlicense: MIT\n"
		    "installed-size: 1\nfile: ../a-1.0-r1.x86_64.pkg.tar.zst\nsha256: "
		    "0000000000000000000000000000000000000000000000000000000000000000\nsize: 5\n");
	CHECK(m && strstr(m, "bad file name"));
	m = parse_err("format: krill-index-1\nrepository: m\0\n");
	CHECK(m != NULL);
}

#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define FEEDHDR(lines)                                                                             \
	"format: krill-index-1\nrepository: main\narch: x86_64\nversion: 7\nexpires: "             \
	"2030-01-02T03:04:05Z\n" lines "\n"

/* The optional secdb/openvex lines: round trip, order, form, and the
 * entries' line numbers after them. */
TEST(feed_lines)
{
	const char *text = FEEDHDR("secdb: 511 " SHA_A "\nopenvex: 1597 " SHA_A "\n")
		PKG("a", "1.0-r1", "");
	struct index ix;
	CHECK(index_parse(text, strlen(text), "INDEX", &ix) == 0);
	CHECK(ix.feeds[FEED_SECDB].size == 511 && ix.feeds[FEED_VEX].size == 1597);
	CHECK_STR(ix.feeds[FEED_VEX].sha256, SHA_A);
	struct sb out = SB_INIT;
	index_write(&ix, &out);
	CHECK_STR(out.s, text);
	sb_free(&out);
	index_free(&ix);
	/* one alone */
	text = FEEDHDR("openvex: 9 " SHA_A "\n");
	CHECK(index_parse(text, strlen(text), "INDEX", &ix) == 0);
	CHECK(ix.feeds[FEED_SECDB].size == 0 && ix.feeds[FEED_VEX].size == 9);
	index_free(&ix);
	const char *m;
	m = parse_err(FEEDHDR("openvex: 9 " SHA_A "\nsecdb: 9 " SHA_A "\n"));
	CHECK(m && strstr(m, "INDEX:7: expected a blank line after the header"));
	m = parse_err(FEEDHDR("secdb: 0 " SHA_A "\n"));
	CHECK(m && strstr(m, "INDEX:6: bad secdb line"));
	m = parse_err(FEEDHDR("secdb: 67108865 " SHA_A "\n"));
	CHECK(m && strstr(m, "INDEX:6: bad secdb line"));
	m = parse_err(FEEDHDR("secdb: 012 " SHA_A "\n"));
	CHECK(m && strstr(m, "INDEX:6: bad secdb line"));
	m = parse_err(FEEDHDR("secdb: 12 " SHA_A "0\n"));
	CHECK(m && strstr(m, "INDEX:6: bad secdb line"));
	m = parse_err(FEEDHDR("secdb: 12  " SHA_A "\n"));
	CHECK(m && strstr(m, "INDEX:6: bad secdb line"));
	m = parse_err(FEEDHDR("openvex: 12 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"));
	CHECK(m && strstr(m, "INDEX:6: bad openvex line"));
	m = parse_err(FEEDHDR("secdb: 9 " SHA_A "\nsecdb: 9 " SHA_A "\n"));
	CHECK(m && strstr(m, "INDEX:7: expected a blank line"));
	m = parse_err(FEEDHDR("secdb: 9 " SHA_A "\nopenvex: 9 " SHA_A "\n")
			      PKG("a", "1.0-r1", "") PKG("a", "1.0-r1", ""));
	CHECK(m && strstr(m, "INDEX:20: package a 1.0-r1 is listed twice"));
}

/* What verify checks in a feed whose bytes the index vouches for: each
 * refusal names the file and the place in the document. */
static const char *feed_err(int which, const char *json)
{
	struct index ix = {.name = "main", .arch = "x86_64", .version = 1};
	return feed_check(which, json, strlen(json), &ix, "R/feed.json") < 0 ? kr_errmsg() : NULL;
}

#define SECDB(pkgs)                                                                                \
	"{\"apkurl\": \"u\", \"archs\": [\"x86_64\"], \"reponame\": \"main\", \"urlprefix\": "     \
	"\"https://x\", \"packages\": [" pkgs "]}"
#define VEX(st)                                                                                    \
	"{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"@id\": \"i\", \"author\": \"Krill\", " \
	"\"timestamp\": \"2026-01-01T00:00:00Z\", \"version\": 1, \"statements\": [" st "]}"
#define ST(extra)                                                                                  \
	"{\"vulnerability\": {\"name\": \"CVE-2026-0001\"}, \"products\": [{\"@id\": \"p\"}], " extra \
	"}"

TEST(feed_shapes)
{
	const char *m;
	CHECK(feed_err(FEED_SECDB, SECDB("{\"pkg\": {\"name\": \"a\", \"secfixes\": {\"1.0-r2\": "
					 "[\"CVE-2026-0001\"], \"0\": [\"GHSA-jfh8-c2jp-5v3q\"]}}}")) ==
	      NULL);
	CHECK(feed_err(FEED_VEX, VEX(ST("\"status\": \"fixed\"") ", " ST(
					 "\"status\": \"not_affected\", \"justification\": "
					 "\"component_not_present\""))) == NULL);
	m = feed_err(FEED_SECDB, "{\"archs\": [}");
	CHECK(m && strstr(m, "R/feed.json: 1:12: not valid JSON"));
	m = feed_err(FEED_SECDB, "{\"reponame\": \"main\", \"reponame\": \"main\"}");
	CHECK(m && strstr(m, "R/feed.json: ") && strstr(m, "not valid JSON"));
	m = feed_err(FEED_SECDB, "[]");
	CHECK(m && strstr(m, "R/feed.json: expected a JSON object"));
	m = feed_err(FEED_SECDB, "{\"apkurl\": \"u\", \"extra\": 1}");
	CHECK(m && strstr(m, "unknown key 'extra' in the secdb"));
	m = feed_err(FEED_SECDB, "{\"apkurl\": \"u\", \"archs\": [\"x86_64\"], \"reponame\": "
				 "\"other\", \"urlprefix\": \"x\", \"packages\": []}");
	CHECK(m && strstr(m, "reponame is not the index's 'main'"));
	m = feed_err(FEED_SECDB, "{\"apkurl\": \"u\", \"archs\": [\"aarch64\"], \"reponame\": "
				 "\"main\", \"urlprefix\": \"x\", \"packages\": []}");
	CHECK(m && strstr(m, "archs does not name the index's arch 'x86_64'"));
	m = feed_err(FEED_SECDB, SECDB("{\"pkg\": {\"name\": \"a\", \"secfixes\": {\"1.0\": "
				       "[\"CVE-2026-0001\"]}}}"));
	CHECK(m && strstr(m, "a: secfixes key '1.0', expected VERSION-rN or 0"));
	m = feed_err(FEED_SECDB, SECDB("{\"pkg\": {\"name\": \"a\", \"secfixes\": {\"1.0-r1\": []}}}"));
	CHECK(m && strstr(m, "a 1.0-r1: expected a non-empty array of ids"));
	m = feed_err(FEED_SECDB, SECDB("{\"pkg\": {\"name\": \"a\", \"secfixes\": {\"1.0-r1\": "
				       "[\"CVE-26-1\"]}}}"));
	CHECK(m && strstr(m, "a 1.0-r1: bad vulnerability id 'CVE-26-1'"));
	m = feed_err(FEED_SECDB, SECDB("{\"pkg\": {\"name\": \"A/..\", \"secfixes\": {}}}"));
	CHECK(m && strstr(m, "packages[0]: expected a package name"));
	m = feed_err(FEED_VEX, "{\"@context\": \"https://example.org/ns\"}");
	CHECK(m && strstr(m, "@context is not OpenVEX's"));
	m = feed_err(FEED_VEX, VEX(""));
	CHECK(m && strstr(m, "expected a non-empty array statements"));
	m = feed_err(FEED_VEX, VEX(ST("\"status\": \"mended\"")));
	CHECK(m && strstr(m, "statements[0]: expected status not_affected, affected, fixed"));
	m = feed_err(FEED_VEX, VEX(ST("\"status\": \"fixed\"") ", " ST("\"status\": \"affected\"")));
	CHECK(m && strstr(m, "statements[1]: affected without an action_statement"));
	m = feed_err(FEED_VEX, VEX(ST("\"status\": \"not_affected\"")));
	CHECK(m && strstr(m, "statements[0]: not_affected without a justification"));
	m = feed_err(FEED_VEX, VEX(ST("\"status\": \"not_affected\", \"justification\": \"fine\"")));
	CHECK(m && strstr(m, "statements[0]: justification is not one of OpenVEX's"));
	m = feed_err(FEED_VEX, VEX("{\"vulnerability\": {\"name\": \"CVE-1\"}, \"status\": "
				   "\"fixed\"}"));
	CHECK(m && strstr(m, "statements[0]: bad vulnerability id 'CVE-1'"));
	m = feed_err(FEED_VEX, VEX("{\"vulnerability\": {\"name\": \"CVE-2026-0001\"}, \"status\": "
				   "\"fixed\", \"products\": [{}]}"));
	CHECK(m && strstr(m, "statements[0]: products[0]: expected an @id or identifiers"));
	m = feed_err(FEED_VEX, "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"@id\": \"i\", "
			       "\"author\": \"Krill\", \"timestamp\": \"yesterday\"}");
	CHECK(m && strstr(m, "a timestamp YYYY-MM-DDTHH:MM:SSZ"));
}

TEST(rfc3339)
{
	time_t t;
	char s[21];
	CHECK(rfc3339_parse("1970-01-01T00:00:00Z", &t) == 0 && t == 0);
	CHECK(rfc3339_parse("2024-02-29T23:59:59Z", &t) == 0);
	rfc3339_format(t, s);
	CHECK_STR(s, "2024-02-29T23:59:59Z");
	CHECK(rfc3339_parse("2023-02-29T00:00:00Z", &t) < 0);
	CHECK(rfc3339_parse("2023-01-01 00:00:00Z", &t) < 0);
	CHECK(rfc3339_parse("2023-01-01T00:00:60Z", &t) < 0);
}

int main(void)
{
	RUN(round_trip_is_byte_identical);
	RUN(empty_index);
	RUN(sort_orders_versions_not_strings);
	RUN(bad_inputs_name_the_line);
	RUN(feed_lines);
	RUN(feed_shapes);
	RUN(rfc3339);
	DONE();
}
