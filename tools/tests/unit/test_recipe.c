/* test_recipe.c - strict port.yaml parsing: fields, every kind of problem
 * with its line:col, variables. */
#include "recipe.h"
#include "t.h"
#include "tree.h"

static const char full[] =
	"name: zstd\n"
	"version: \"1.5.6\"\n"
	"release: 2\n"
	"summary: fast lossless compression\n"
	"license: BSD-3-Clause OR GPL-2.0-only\n"
	"homepage: https://facebook.github.io/zstd/\n"
	"arch: [x86_64, host]\n"
	"sources:\n"
	"  - url: https://example.org/zstd-${version}.tar.gz\n"
	"    sha256: 8c29e06cf42aacc1eafc4077ae2ec6c6fcb96a626157e0593d5e82a34fd403c1\n"
	"build-depends: [zlib-dev, xz>=5.2]\n"
	"depends: [so:libc.so.6]\n"
	"build:\n"
	"  style: make\n"
	"  make: [PREFIX=/usr]\n"
	"  env: {CFLAGS: -O2}\n"
	"subpackages:\n"
	"  - name: zstd-tools\n"
	"    files: [usr/bin/*]\n"
	"test: zstd --version\n";

/* Parse text as ports/NAME/port.yaml from memory. */
static struct recipe *parse(const char *text, struct diags *d)
{
	return recipe_load_mem(text, strlen(text), "ports/x/port.yaml", d);
}

/* The single diagnostic of text, "line:col: msg"; NULL unless exactly one. */
static char *one_diag(const char *text)
{
	struct diags d = DIAGS_INIT;
	recipe_free(parse(text, &d));
	char *s = d.n == 1 ? xasprintf("%d:%d: %s", d.v[0].pos.line, d.v[0].pos.col, d.v[0].msg)
			   : xasprintf("%zu diagnostics", d.n);
	diag_free(&d);
	return s;
}

static int has(const char *s, const char *sub)
{
	return s && strstr(s, sub) != NULL;
}

/* Does text give exactly one diagnostic, containing sub ("line:col: msg")? */
static int diag_has(const char *text, const char *sub)
{
	char *s = one_diag(text);
	int ok = has(s, sub);
	if (!ok)
		printf("  got: %s\n", s);
	free(s);
	return ok;
}

TEST(full_recipe_fields)
{
	struct diags d = DIAGS_INIT;
	struct recipe *r = parse(full, &d);
	CHECK(r != NULL);
	CHECK(d.n == 0);
	if (!r)
		return;
	CHECK_STR(r->name.s, "zstd");
	CHECK(r->name.pos.line == 1 && r->name.pos.col == 7);
	CHECK_STR(r->version.s, "1.5.6");
	CHECK(r->release == 2);
	CHECK(r->nsources == 1);
	CHECK_STR(r->sources[0].sha256,
		  "8c29e06cf42aacc1eafc4077ae2ec6c6fcb96a626157e0593d5e82a34fd403c1");
	CHECK(r->sources[0].extract == 1 && r->sources[0].strip == -1);
	CHECK(r->build_depends.n == 2);
	CHECK_STR(r->build_depends.v[1].s, "xz>=5.2");
	CHECK(r->style == STYLE_MAKE);
	CHECK(r->nenv == 1 && !strcmp(r->env[0].key, "CFLAGS"));
	CHECK(r->nsubpackages == 1);
	CHECK_STR(r->subpackages[0].name.s, "zstd-tools");
	CHECK(r->strip == 1 && r->out_of_tree == 1);
	CHECK(r->keyring == 0); /* only `keyring: true` marks the keyring package */
	char *fv = recipe_fullver(r);
	CHECK_STR(fv, "1.5.6-r2");
	free(fv);
	recipe_free(r);
	diag_free(&d);
}

TEST(five_planted_errors_five_diagnostics)
{
	const char *text = "name: five\n"
			   "version: 1.0-beta\n"
			   "release: 1\n"
			   "summary: [not, a, string]\n"
			   "license: MIT OR Foo-1.0\n"
			   "colour: red\n"
			   "sources:\n"
			   "  - url: https://example.org/five-${version}.tar.gz\n"
			   "    sha256: 12345\n"
			   "build:\n"
			   "  style: make\n";
	struct diags d = DIAGS_INIT;
	struct recipe *r = parse(text, &d);
	CHECK(r != NULL);
	CHECK(d.n == 5);
	diag_sort(&d);
	static const int want[5][2] = {{2, 10}, {4, 10}, {5, 10}, {6, 1}, {9, 13}};
	static const char *const what[5] = {"bad version", "expected a string", "Foo-1.0",
					    "unknown key 'colour'", "malformed sha256"};
	for (size_t i = 0; i < 5 && i < d.n; i++) {
		CHECK(d.v[i].pos.line == want[i][0] && d.v[i].pos.col == want[i][1]);
		CHECK(has(d.v[i].msg, what[i]));
		CHECK(has(d.v[i].msg, "expected"));
		CHECK_STR(d.v[i].file, "ports/x/port.yaml");
	}
	recipe_free(r);
	diag_free(&d);
}

TEST(missing_required_key)
{
	CHECK(diag_has("name: x\nversion: 1\nsummary: s\nlicense: MIT\nbuild: {style: none}\n",
		       "1:1: missing required key 'release'"));
	CHECK(diag_has("name: x\nversion: 1\nrelease: 1\nsummary: s\nlicense: MIT\n"
		       "build: {style: none}\nsources:\n  - url: https://a/b\n",
		       "8:5: missing required key 'sha256' in a source"));
}

#define HEAD "name: x\nversion: 1\nrelease: 1\nsummary: s\nlicense: MIT\n"

TEST(tree_sources_take_a_clean_path_and_nothing_else)
{
	struct diags d = DIAGS_INIT;
	struct recipe *r = parse(HEAD "build: {style: none}\nsources:\n  - url: tree:tools\n"
				      "  - url: tree:mk/lean.mk\n",
				 &d);
	CHECK(r && d.n == 0);
	CHECK(r && r->nsources == 2 && !r->sources[0].sha256);
	CHECK_STR(r ? source_tree(&r->sources[0]) : NULL, "tools");
	CHECK_STR(r ? source_tree(&r->sources[1]) : NULL, "mk/lean.mk");
	recipe_free(r);
	diag_free(&d);
	static const char *const bad[] = {"tree:",     "tree:/etc", "tree:../x", "tree:a/../b",
					  "tree:a//b", "tree:a/",   "tree:.git", "tree:${name}"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char *t = xasprintf(HEAD "build: {style: none}\nsources:\n  - url: '%s'\n", bad[i]);
		CHECK(diag_has(t, "8:10: bad url"));
		free(t);
	}
	CHECK(diag_has(HEAD "build: {style: none}\nsources:\n  - url: tree:tools\n    sha256: "
			    "8c29e06cf42aacc1eafc4077ae2ec6c6fcb96a626157e0593d5e82a34fd403c1\n",
		       "8:5: a tree: source takes only url"));
	CHECK(diag_has(HEAD "build: {style: none}\nsources:\n  - url: tree:tools\n    dir: x\n",
		       "8:5: a tree: source takes only url"));
}

TEST(wrong_types)
{
	CHECK(diag_has(HEAD "build: {style: none}\nbuild-depends: zlib\n",
		       "7:16: 'build-depends' is a scalar, expected a list of strings"));
	CHECK(diag_has(HEAD "build: [style]\n", "6:8: 'build' is a list, expected a mapping"));
	CHECK(diag_has("name: x\nversion: 1\nrelease: one\nsummary: s\nlicense: MIT\nbuild: "
		       "{style: none}\n",
		       "3:10: 'release' is 'one', expected a whole number"));
	CHECK(diag_has(HEAD "build: {style: none, strip: yes}\n",
		       "6:29: 'strip' is 'yes', expected true or false"));
	CHECK(diag_has(HEAD "build: {style: none}\nsources:\n",
		       "'sources' is empty, expected a list"));
}

TEST(unknown_and_duplicate_keys)
{
	CHECK(diag_has(HEAD "build: {style: none, flavour: x}\n",
		       "6:22: unknown key 'flavour' in build, expected one of: style,"));
	CHECK(diag_has(HEAD "release: 2\nbuild: {style: none}\n", "6:1: duplicate key 'release'"));
}

TEST(sha256_must_be_64_lowercase_hex)
{
	const char *bad[] = {"ABCDEF",
			     "8C29E06CF42AACC1EAFC4077AE2EC6C6FCB96A626157E0593D5E82A34FD403C1",
			     "8c29e06cf42aacc1eafc4077ae2ec6c6fcb96a626157e0593d5e82a34fd403c",
			     "8c29e06cf42aacc1eafc4077ae2ec6c6fcb96a626157e0593d5e82a34fd403c1a",
			     "zc29e06cf42aacc1eafc4077ae2ec6c6fcb96a626157e0593d5e82a34fd403c1"};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		char *t = xasprintf(HEAD "build: {style: none}\nsources:\n  - url: https://a/b\n"
					 "    sha256: %s\n",
				    bad[i]);
		CHECK(diag_has(t, "9:13: malformed sha256"));
		free(t);
	}
}

TEST(bad_version_and_name)
{
	const char *bad[] = {"1.0-2", "v1.0", "1..0", "1.0.", "1.0~a~b", "1 0"};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		char *t =
			xasprintf("name: x\nversion: \"%s\"\nrelease: 1\nsummary: s\nlicense: MIT\n"
				  "build: {style: none}\n",
				  bad[i]);
		CHECK(diag_has(t, "2:10: bad version"));
		free(t);
	}
	CHECK(diag_has("name: Foo\nversion: 1\nrelease: 1\nsummary: s\nlicense: MIT\n"
		       "build: {style: none}\n",
		       "1:7: bad name 'Foo'"));
}

TEST(bad_spdx_license)
{
	const char *t = "name: x\nversion: 1\nrelease: 1\nsummary: s\nlicense: MIT or GPL\n"
			"build: {style: none}\n";
	CHECK(diag_has(t, "5:10: bad license 'MIT or GPL'"));
	CHECK(diag_has(t, "must be upper case"));
}

TEST(yaml_scalars_are_strings_as_written)
{
	struct diags d = DIAGS_INIT;
	struct recipe *r = parse("name: x\nversion: 1.10\nrelease: 1\nsummary: s\nlicense: MIT\n"
				 "build: {style: none}\n",
				 &d);
	CHECK(r && d.n == 0);
	if (r)
		CHECK_STR(r->version.s, "1.10");
	recipe_free(r);
	diag_free(&d);
}

TEST(variables_expand_and_unknown_ones_are_reported)
{
	struct diags d = DIAGS_INIT;
	struct recipe *r = parse(full, &d);
	CHECK(r != NULL);
	if (!r)
		return;
	char *x = recipe_expand(r, "${name}-${version}-r${release}.${arch}.tar", "aarch64");
	CHECK_STR(x, "zstd-1.5.6-r2.aarch64.tar");
	free(x);
	CHECK(recipe_expand(r, "${nope}", "x86_64") == NULL);
	CHECK(has(kr_errmsg(), "unknown variable"));
	CHECK(recipe_expand(r, "${version", "x86_64") == NULL);
	recipe_free(r);
	diag_free(&d);

	CHECK(diag_has(
		HEAD
		"build: {style: none}\nsources:\n  - url: https://a/${vers}.tgz\n"
		"    sha256: 8c29e06cf42aacc1eafc4077ae2ec6c6fcb96a626157e0593d5e82a34fd403c1\n",
		"8:10: unknown variable '${vers}'"));
	CHECK(diag_has(HEAD "build: {style: make, make: [\"DIR=${bogus}\"]}\n",
		       "unknown variable '${bogus}'"));
	CHECK(diag_has(
		HEAD "build: {style: none}\nsubpackages:\n  - {name: x-a, files: [\"usr/${x}\"]}\n",
		"unknown variable '${x}'"));
}

TEST(style_rules)
{
	CHECK(diag_has(HEAD "build: {style: custom}\n", "build style 'custom' needs a 'script'"));
	CHECK(diag_has(HEAD "build: {style: rocket}\n", "6:16: unknown build style 'rocket'"));
	CHECK(diag_has(HEAD "build: {style: make, script: echo}\n",
		       "'script' is only for build style 'custom'"));
}

TEST(dependency_syntax)
{
	CHECK(diag_has(HEAD "build: {style: none}\ndepends: [\"zlib>>1\"]\n",
		       "7:11: bad depends entry 'zlib>>1'"));
	CHECK(diag_has(
		HEAD
		"build: {style: none}\ndepends: [\"zlib<=1.3\", \"so:libz.so.1\", \"a=2-r1\"]\n",
		"bad depends entry 'a=2-r1'")); /* the release is not part of a constraint */
}

TEST(yaml_syntax_error_and_documents)
{
	struct diags d = DIAGS_INIT;
	CHECK(parse("name: [unclosed\n", &d) == NULL);
	CHECK(d.n == 1 && d.v[0].pos.line == 2 && has(d.v[0].msg, "YAML syntax error"));
	diag_free(&d);
	CHECK(diag_has(HEAD "build: {style: none}\n---\nname: y\n", "7:1: a second YAML document"));
	CHECK(diag_has("", "1:1: empty file"));
	CHECK(diag_has("- a\n- b\n", "1:1: recipe is a list, expected a mapping"));
}

TEST(load_from_file_matches_memory)
{
	char *root = tree_root();
	tree_write(root, "zstd/port.yaml", "%s", full);
	char *path = path_join(root, "zstd/port.yaml");
	struct diags d = DIAGS_INIT;
	struct recipe *r = recipe_load(path, &d);
	CHECK(r && d.n == 0);
	if (r) {
		CHECK_STR(r->path, path);
		CHECK(str_ends(r->dir, "/zstd"));
		CHECK_STR(r->name.s, "zstd");
	}
	recipe_free(r);
	char *missing = path_join(root, "nope/port.yaml");
	CHECK(recipe_load(missing, &d) == NULL);
	CHECK(d.n == 1 && has(d.v[0].msg, "cannot read"));
	diag_free(&d);
	free(missing);
	free(path);
	tree_done(root);
}

TEST(test_depends)
{
	struct diags d = DIAGS_INIT;
	struct recipe *r = parse(HEAD "build: {style: none}\ntest-depends: [busybox, openssl>=3]\n"
				      "test: date\n",
				 &d);
	CHECK(r != NULL && d.n == 0);
	CHECK(r->test_depends.n == 2);
	CHECK_STR(r->test_depends.v[1].s, "openssl>=3");
	CHECK(r->test_depends.v[1].pos.line == 7 && r->test_depends.v[1].pos.col == 25);
	CHECK(r->depends.n == 0 && r->build_depends.n == 0);
	recipe_free(r);
	diag_free(&d);
	CHECK(diag_has(HEAD "build: {style: none}\ntest-depends: busybox\ntest: date\n",
		       "7:15: 'test-depends' is a scalar, expected a list of strings"));
	CHECK(diag_has(HEAD "build: {style: none}\ntest-depends: [Bad_Name]\ntest: date\n",
		       "7:16: bad test-depends entry 'Bad_Name', expected a package name"));
	CHECK(diag_has(HEAD "build: {style: none}\ntest-depends: [a>>1]\ntest: date\n",
		       "7:16: bad test-depends entry 'a>>1'"));
	CHECK(diag_has(HEAD "build: {style: none}\ntest-depends: [busybox]\n",
		       "7:16: 'test-depends' without a 'test', expected a test"));
	CHECK(diag_has(HEAD "build: {style: none}\ntest-depends: [a]\ntest-depends: [b]\n"
			    "test: date\n",
		       "8:1: duplicate key 'test-depends'"));
}

/* cpe, purl, secfixes and not-affected: parsed with their places;
 * ${version} expands in the identifiers. */
TEST(security_keys)
{
	static const char text[] = "name: z\nversion: 1.3.2\nrelease: 2\nsummary: s\n"
				   "license: Zlib\n"
				   "cpe: cpe:2.3:a:zlib:zlib:${version}:*:*:*:*:*:*:*\n"
				   "purl: pkg:github/madler/zlib@v${version}\n"
				   "secfixes:\n"
				   "  1.3.2-r2: [CVE-2026-0001, GHSA-jfh8-c2jp-5v3q]\n"
				   "  1.2.13-r1:\n"
				   "    - CVE-2022-37434\n"
				   "not-affected:\n"
				   "  - id: CVE-2023-45853\n"
				   "    justification: component_not_present\n"
				   "    impact: minizip is not built\n"
				   "build: {style: none}\n";
	struct diags d = DIAGS_INIT;
	struct recipe *r = parse(text, &d);
	CHECK(r && d.n == 0);
	if (!r)
		return;
	char *cpe = recipe_cpe(r), *purl = recipe_purl(r);
	CHECK_STR(cpe, "cpe:2.3:a:zlib:zlib:1.3.2:*:*:*:*:*:*:*");
	CHECK_STR(purl, "pkg:github/madler/zlib@v1.3.2");
	CHECK(r->nsecfixes == 2 && r->secfixes[0].ids.n == 2 && r->secfixes[1].ids.n == 1);
	CHECK_STR(r->secfixes[1].fullver.s, "1.2.13-r1");
	CHECK(r->secfixes[1].fullver.pos.line == 10 && r->secfixes[1].fullver.pos.col == 3);
	CHECK(r->secfixes[1].ids.v[0].pos.line == 11 && r->secfixes[1].ids.v[0].pos.col == 7);
	CHECK(r->nnot_affected == 1);
	CHECK_STR(r->not_affected[0].justification, "component_not_present");
	CHECK_STR(r->not_affected[0].impact, "minizip is not built");
	free(cpe);
	free(purl);
	recipe_free(r);
	diag_free(&d);
	/* each problem at its place */
	CHECK(diag_has("name: z\nversion: '1.0'\nrelease: 1\nsummary: s\nlicense: MIT\n"
		       "secfixes: [CVE-2026-0001]\nbuild: {style: none}\n",
		       "6:11: 'secfixes' is a list, expected a mapping"));
	CHECK(diag_has("name: z\nversion: '1.0'\nrelease: 1\nsummary: s\nlicense: MIT\n"
		       "secfixes:\n  '1.0': [CVE-2026-0001]\nbuild: {style: none}\n",
		       "7:3: bad secfixes key '1.0', expected VERSION-rRELEASE"));
	CHECK(diag_has("name: z\nversion: '1.0'\nrelease: 1\nsummary: s\nlicense: MIT\n"
		       "secfixes:\n  1.0-r1: []\nbuild: {style: none}\n",
		       "7:11: secfixes '1.0-r1' lists no id"));
	CHECK(diag_has("name: z\nversion: '1.0'\nrelease: 1\nsummary: s\nlicense: MIT\n"
		       "secfixes:\n  1.0-r1: [CVE-2026-0001, CVE-2026-0001]\nbuild: {style: none}\n",
		       "7:27: 'CVE-2026-0001' is listed twice in secfixes"));
	CHECK(diag_has("name: z\nversion: '1.0'\nrelease: 1\nsummary: s\nlicense: MIT\n"
		       "secfixes:\n  1.0-r1: [CVE-2026-0001]\nnot-affected:\n"
		       "  - {id: CVE-2026-0001, justification: component_not_present}\n"
		       "build: {style: none}\n",
		       "9:10: 'CVE-2026-0001' is both in secfixes and in not-affected"));
	CHECK(diag_has("name: z\nversion: '1.0'\nrelease: 1\nsummary: s\nlicense: MIT\n"
		       "not-affected:\n  - {id: CVE-2026-0001}\nbuild: {style: none}\n",
		       "7:5: missing required key 'justification' in a not-affected entry"));
	CHECK(diag_has("name: z\nversion: '1.0'\nrelease: 1\nsummary: s\nlicense: MIT\n"
		       "purl: pkg:generic/z@${release}\nbuild: {style: none}\n",
		       "6:7: 'purl' may use ${version} only"));
	CHECK(diag_has("name: z\nversion: '1.0'\nrelease: 1\nsummary: s\nlicense: MIT\n"
		       "purl: pkg:generic/z@1.0+x\nbuild: {style: none}\n",
		       "6:7: bad purl 'pkg:generic/z@1.0+x', expected pkg:TYPE"));
}

int main(void)
{
	RUN(security_keys);
	RUN(full_recipe_fields);
	RUN(five_planted_errors_five_diagnostics);
	RUN(missing_required_key);
	RUN(wrong_types);
	RUN(unknown_and_duplicate_keys);
	RUN(sha256_must_be_64_lowercase_hex);
	RUN(tree_sources_take_a_clean_path_and_nothing_else);
	RUN(bad_version_and_name);
	RUN(bad_spdx_license);
	RUN(yaml_scalars_are_strings_as_written);
	RUN(variables_expand_and_unknown_ones_are_reported);
	RUN(style_rules);
	RUN(dependency_syntax);
	RUN(yaml_syntax_error_and_documents);
	RUN(load_from_file_matches_memory);
	RUN(test_depends);
	DONE();
}
