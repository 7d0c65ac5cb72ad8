/* test_patch.c - lib/patch: order, strip level detection, and a failing
 * patch named with its file and hunk (and leaving the tree as it was). */
#include <stdlib.h>

#include "patch.h"
#include "t.h"
#include "util.h"

static char *tmp, *src, *pdir;

static void put(const char *dir, const char *name, const char *text)
{
	char *p = path_join(dir, name), *d = path_dirname(p);
	mkdir_p(d, 0755);
	write_file_atomic(p, text, strlen(text), 0644);
	free(d);
	free(p);
}

static char *get(const char *name)
{
	char *p = path_join(src, name), *d = NULL;
	if (read_file(p, &d, NULL) < 0)
		d = NULL;
	free(p);
	return d;
}

static const char orig[] = "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n";

static void reset(void)
{
	rm_rf(tmp);
	free(src);
	free(pdir);
	src = xasprintf("%s/src", tmp);
	pdir = xasprintf("%s/patches", tmp);
	put(src, "lib/a.txt", orig);
	mkdir_p(pdir, 0755);
}

/* 0002 only applies after 0001: proves the order. */
static const char p1[] =
	"--- a/lib/a.txt\n+++ b/lib/a.txt\n@@ -1,3 +1,3 @@\n-one\n+ONE\n two\n three\n";
static const char p2[] =
	"--- a/lib/a.txt\n+++ b/lib/a.txt\n@@ -1,3 +1,3 @@\n-ONE\n+UNO\n two\n three\n";
/* -p0 style paths */
static const char p0[] =
	"--- lib/a.txt\n+++ lib/a.txt\n@@ -8,3 +8,3 @@\n eight\n-nine\n+NINE\n ten\n";

TEST(applies_in_sorted_order_with_detected_level)
{
	reset();
	put(pdir, "0002-second.patch", p2);
	put(pdir, "0001-first.patch", p1);
	put(pdir, "0003-p0.patch", p0);
	put(pdir, "README", "not a patch");
	struct strlist l = STRLIST_INIT;
	CHECK(patch_list(pdir, &l) == 0 && l.n == 3);
	CHECK(l.n == 3 && str_ends(l.v[0], "0001-first.patch"));
	sl_free(&l);
	CHECK(patch_apply_dir(pdir, src) == 0);
	char *a = get("lib/a.txt");
	CHECK(a && str_starts(a, "UNO\ntwo\n") && strstr(a, "NINE\nten\n"));
	free(a);
}

TEST(failing_patch_named_with_file_and_hunk)
{
	reset();
	/* hunk 1 applies, hunk 2 does not: the tree must stay as it was */
	put(pdir, "0001-bad.patch",
	    "--- a/lib/a.txt\n+++ b/lib/a.txt\n@@ -1,3 +1,3 @@\n-one\n+ONE\n two\n three\n"
	    "@@ -7,3 +7,3 @@\n seven\n-EIGHT\n+8\n nine\n");
	CHECK(patch_apply_dir(pdir, src) < 0);
	const char *m = kr_errmsg();
	CHECK(strstr(m, "0001-bad.patch") != NULL);
	CHECK(strstr(m, "lib/a.txt: Hunk #2 FAILED at 7") != NULL);
	char *a = get("lib/a.txt");
	CHECK_STR(a, orig);
	free(a);
}

TEST(missing_file_is_named)
{
	reset();
	put(pdir, "0001-nofile.patch", "--- a/nope.c\n+++ b/nope.c\n@@ -1 +1 @@\n-x\n+y\n");
	CHECK(patch_apply_dir(pdir, src) < 0);
	CHECK(strstr(kr_errmsg(), "0001-nofile.patch") != NULL);
	CHECK(strstr(kr_errmsg(), "can't find file to patch") != NULL);
}

TEST(no_patches_dir_is_fine)
{
	reset();
	char *none = path_join(tmp, "none");
	CHECK(patch_apply_dir(none, src) == 0);
	free(none);
}

int main(void)
{
	char tmpl[] = "/tmp/krill-test-patch-XXXXXX";
	tmp = mkdtemp(tmpl);
	if (!tmp)
		return 1;
	RUN(applies_in_sorted_order_with_detected_level);
	RUN(failing_patch_named_with_file_and_hunk);
	RUN(missing_file_is_named);
	RUN(no_patches_dir_is_fine);
	rm_rf(tmp);
	free(src);
	free(pdir);
	DONE();
}
