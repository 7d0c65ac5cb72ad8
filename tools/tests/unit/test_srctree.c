/* test_srctree.c - tree: sources: which paths are accepted, a content hash
 * that changes exactly when the tree's content does, a copy that hashes
 * alike. */
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include "srctree.h"
#include "t.h"
#include "tree.h"

TEST(paths)
{
	CHECK(tree_path_ok("tools") && tree_path_ok("mk/lean.mk") && tree_path_ok("a-b/c_d.e"));
	static const char *const bad[] = {"",	  "/tools", "..",   "../x",	 "a/../b",
					  "a//b", "a/",	    ".git", "a/.hidden", "./a"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		CHECK(!tree_path_ok(bad[i]));
	char hex[65];
	CHECK(tree_hash("/tmp", "../etc", hex) < 0 && strstr(kr_errmsg(), "tree:../etc"));
}

static void hash(const char *top, const char *rel, char out[65])
{
	if (tree_hash(top, rel, out) < 0) {
		printf("  tree_hash: %s\n", kr_errmsg());
		strcpy(out, "error");
	}
}

TEST(hash_follows_content_only)
{
	char *top = tree_root();
	tree_write(top, "tools/main.c", "int main(void) { return 0; }\n");
	tree_write(top, "tools/lib/a.c", "int a;\n");
	tree_write(top, "other/x", "x\n");
	char h0[65], h[65];
	hash(top, "tools", h0);
	CHECK(strlen(h0) == 64);

	/* not content: mtimes, non-exec mode bits, dot files, files elsewhere */
	char *a = path_join(top, "tools/lib/a.c");
	struct utimbuf ut = {1000, 1000};
	CHECK(utime(a, &ut) == 0 && chmod(a, 0600) == 0);
	tree_write(top, "tools/.a.c.swp", "editor\n");
	tree_write(top, "other/y", "y\n");
	hash(top, "tools", h);
	CHECK_STR(h, h0);

	/* content: a byte, the exec bit, a name, a new file or folder */
	tree_write(top, "tools/lib/a.c", "int b;\n");
	hash(top, "tools", h);
	CHECK(strcmp(h, h0));
	tree_write(top, "tools/lib/a.c", "int a;\n");
	hash(top, "tools", h);
	CHECK_STR(h, h0);
	CHECK(chmod(a, 0755) == 0);
	hash(top, "tools", h);
	CHECK(strcmp(h, h0));
	CHECK(chmod(a, 0644) == 0);
	char *b = path_join(top, "tools/lib/b.c");
	CHECK(rename(a, b) == 0);
	hash(top, "tools", h);
	CHECK(strcmp(h, h0));
	CHECK(rename(b, a) == 0);
	char *d = path_join(top, "tools/empty");
	CHECK(mkdir(d, 0755) == 0);
	hash(top, "tools", h);
	CHECK(strcmp(h, h0));
	CHECK(rmdir(d) == 0);
	hash(top, "tools", h);
	CHECK_STR(h, h0);

	/* a single file is a tree too, named by its path */
	char f1[65], f2[65];
	hash(top, "tools/main.c", f1);
	tree_write(top, "elsewhere/main.c", "int main(void) { return 0; }\n");
	hash(top, "elsewhere/main.c", f2);
	CHECK(strlen(f1) == 64 && strcmp(f1, f2));

	/* a symlink is refused, naming it */
	char *l = path_join(top, "tools/link");
	CHECK(symlink("/etc/passwd", l) == 0);
	CHECK(tree_hash(top, "tools", h) < 0 && strstr(kr_errmsg(), "tools/link: a tree: source") &&
	      strstr(kr_errmsg(), "symlink"));
	free(l);
	free(a);
	free(b);
	free(d);
	tree_done(top);
}

TEST(copy_hashes_alike_with_normal_modes)
{
	char *top = tree_root();
	tree_write(top, "tools/lib/a.c", "int a;\n");
	tree_write(top, "tools/run.sh", "#!/bin/sh\n");
	tree_write(top, "tools/.hidden", "no\n");
	char *p = path_join(top, "tools/run.sh");
	CHECK(chmod(p, 0700) == 0);
	free(p);
	p = path_join(top, "tools/lib/a.c");
	CHECK(chmod(p, 0600) == 0);
	free(p);
	char *dst = path_join(top, "copy");
	CHECK(tree_copy(top, "tools", dst) == 0);
	char h1[65], h2[65];
	hash(top, "tools", h1);
	hash(dst, "tools", h2);
	CHECK_STR(h2, h1);
	struct stat st;
	p = path_join(dst, "tools/run.sh");
	CHECK(stat(p, &st) == 0 && (st.st_mode & 07777) == 0755);
	free(p);
	p = path_join(dst, "tools/lib/a.c");
	CHECK(stat(p, &st) == 0 && (st.st_mode & 07777) == 0644);
	free(p);
	p = path_join(dst, "tools/.hidden");
	CHECK(!path_exists(p));
	free(p);
	free(dst);
	tree_done(top);
}

int main(void)
{
	RUN(paths);
	RUN(hash_follows_content_only);
	RUN(copy_hashes_alike_with_normal_modes);
	DONE();
}
