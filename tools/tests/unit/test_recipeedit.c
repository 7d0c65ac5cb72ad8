/* test_recipeedit.c - lib/recipe/recipeedit: only the values asked for
 * change, each in its own quoting; everything else stays byte for byte. */
#include <stdlib.h>

#include "recipeedit.h"
#include "t.h"
#include "util.h"

#define OLD "0000000000000000000000000000000000000000000000000000000000000000"
#define NEW "1111111111111111111111111111111111111111111111111111111111111111"

static const char before[] = "# Ünïcödé — comments and order stay\n"
			     "name: foo\n"
			     "version: '1.0'   # a comment after the value\n"
			     "release: 7\n"
			     "summary: \"a port\"\n"
			     "license: MIT\n"
			     "sources:\n"
			     "  - url: debian:foo/foo_1.0.orig.tar.gz\n"
			     "    sha256: " OLD "\n"
			     "  - url: https://x.invalid/extra-${version}.tar.gz\n"
			     "    filename: \"foo-extra_1.0.tar.gz\"\n"
			     "    sha256: " OLD "\n"
			     "build:\n"
			     "  style: none\n";

TEST(update_in_place)
{
	struct recipe_update u = {"1.1", 1, 0, NEW, "debian:foo/foo_1.1.orig.tar.xz", NULL};
	char *out = NULL;
	size_t len = 0;
	CHECK(recipe_update_text(before, strlen(before), "ports/foo/port.yaml", &u, &out, &len) ==
	      0);
	const char *want = "# Ünïcödé — comments and order stay\n"
			   "name: foo\n"
			   "version: '1.1'   # a comment after the value\n"
			   "release: 1\n"
			   "summary: \"a port\"\n"
			   "license: MIT\n"
			   "sources:\n"
			   "  - url: debian:foo/foo_1.1.orig.tar.xz\n"
			   "    sha256: " NEW "\n"
			   "  - url: https://x.invalid/extra-${version}.tar.gz\n"
			   "    filename: \"foo-extra_1.0.tar.gz\"\n"
			   "    sha256: " OLD "\n"
			   "build:\n"
			   "  style: none\n";
	CHECK_STR(out, want);
	CHECK(out && len == strlen(want));
	free(out);
	/* the second source, with its double-quoted filename */
	struct recipe_update u2 = {NULL, -1, 1, NEW, NULL, "foo-extra_1.1.tar.gz"};
	CHECK(recipe_update_text(before, strlen(before), "p", &u2, &out, &len) == 0);
	CHECK(out && strstr(out, "    filename: \"foo-extra_1.1.tar.gz\"\n    sha256: " NEW "\n"));
	CHECK(out && strstr(out, "version: '1.0'   # a comment") && strstr(out, "release: 7\n"));
	free(out);
}

TEST(refused_with_place)
{
	char *out = NULL;
	size_t len;
	/* a source that does not exist */
	struct recipe_update u = {NULL, -1, 5, NEW, NULL, NULL};
	CHECK(recipe_update_text(before, strlen(before), "p", &u, &out, &len) < 0);
	CHECK(strstr(kr_errmsg(), "p: cannot update sources entry 6: no such entry") != NULL);
	/* a version the recipe grammar refuses: the result does not parse */
	struct recipe_update bad = {"1.1-2", -1, 0, NULL, NULL, NULL};
	CHECK(recipe_update_text(before, strlen(before), "p", &bad, &out, &len) < 0);
	CHECK(strstr(kr_errmsg(), "p: the updated recipe does not parse") != NULL);
	/* a block scalar is not a one-line value */
	const char *blk = "name: foo\nversion: |\n  1.0\n";
	struct recipe_update v = {"1.1", -1, 0, NULL, NULL, NULL};
	CHECK(recipe_update_text(blk, strlen(blk), "q", &v, &out, &len) < 0);
	CHECK(strstr(kr_errmsg(), "q:2:10: cannot update 'version': a block scalar") != NULL);
	CHECK(out == NULL);
}

int main(void)
{
	RUN(update_in_place);
	RUN(refused_with_place);
	DONE();
}
