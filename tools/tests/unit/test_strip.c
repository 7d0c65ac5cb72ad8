/* test_strip.c - stripping an install root with the host strip. */
#include <sys/stat.h>

#include "pkgtest.h"
#include "strip.h"
#include "t.h"

static char *dir, *root;

static void make_root(void)
{
	free(root);
	root = path_join(dir, "dest");
	if (sh("mkdir -p '%s/usr/bin' '%s/usr/lib' && cd '%s' && cp prog '%s/usr/bin/' && "
	       "cp libfoo.so.1.0 libfoo.a '%s/usr/lib/' && ln '%s/usr/bin/prog' "
	       "'%s/usr/bin/prog2' && ln -s libfoo.so.1.0 '%s/usr/lib/libfoo.so.1' && chmod 0555 "
	       "'%s/usr/lib/libfoo.so.1.0'",
	       root, root, dir, root, root, root, root, root, root) != 0)
		abort();
}

static int has_debug(const char *rel)
{
	return sh("readelf -S '%s/%s' | grep -q debug_info", root, rel) == 0;
}

static int mentions_build_dir(const char *rel)
{
	return sh("grep -q '%s' '%s/%s'", dir, root, rel) == 0;
}

TEST(strips_binaries_libraries_archives)
{
	CHECK(has_debug("usr/bin/prog") && has_debug("usr/lib/libfoo.so.1.0"));
	CHECK(has_debug("usr/lib/libfoo.a"));
	CHECK(mentions_build_dir("usr/bin/prog"));
	struct stat a, b;
	int n = -1;
	CHECK(strip_tree(root, "strip", NULL, &n) == 0);
	CHECK(n == 3); /* prog and prog2 are one inode */
	CHECK(!has_debug("usr/bin/prog") && !has_debug("usr/lib/libfoo.so.1.0"));
	CHECK(!has_debug("usr/lib/libfoo.a"));
	CHECK(!mentions_build_dir("usr/bin/prog") && !mentions_build_dir("usr/lib/libfoo.so.1.0"));
	char *p1 = path_join(root, "usr/bin/prog"), *p2 = path_join(root, "usr/bin/prog2");
	CHECK(stat(p1, &a) == 0 && stat(p2, &b) == 0 && a.st_ino == b.st_ino);
	free(p1);
	free(p2);
	char *l = path_join(root, "usr/lib/libfoo.so.1.0");
	CHECK(stat(l, &a) == 0 && (a.st_mode & 07777) == 0555);
	free(l);
	/* still works: the dynamic symbols survived --strip-unneeded */
	CHECK(sh("cd '%s' && LD_LIBRARY_PATH=usr/lib ./usr/bin/prog", root) == 0);
}

TEST(failing_strip_is_an_error)
{
	CHECK(strip_tree(root, "false", NULL, NULL) == -1);
	CHECK(strstr(kr_errmsg(), "false --strip") != NULL);
	CHECK(strip_tree(root, "/nonexistent/strip", NULL, NULL) == -1);
	CHECK(strstr(kr_errmsg(), "cannot run") != NULL);
}

/* A cross toolchain's tree: the host's programs go to the host strip, only
 * the archive (target code in a real toolchain) to the target's. */
TEST(host_programs_use_the_host_strip)
{
	sh("rm -rf '%s'", root);
	make_root();
	int n = -1;
	/* "false" as the target strip fails only if it is given a file */
	CHECK(strip_tree(root, "false", "strip", &n) == -1);
	CHECK(strstr(kr_errmsg(), "false --strip-debug") != NULL); /* the archive */
	CHECK(!has_debug("usr/bin/prog") && !has_debug("usr/lib/libfoo.so.1.0"));
}

int main(void)
{
	dir = tmpdir_new();
	if (build_foo(dir) != 0) {
		printf("FAIL build_foo: cannot compile the test library with cc\n");
		return 1;
	}
	make_root();
	RUN(strips_binaries_libraries_archives);
	RUN(failing_strip_is_an_error);
	RUN(host_programs_use_the_host_strip);
	rm_rf(dir);
	free(root);
	free(dir);
	DONE();
}
