/* test_split.c - assigning an install root's files to packages. */
#include <unistd.h>

#include "pkgtest.h"
#include "split.h"
#include "t.h"

static const struct split_pkg *find(const struct split *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].name, name))
			return &s->v[i];
	return NULL;
}

TEST(globs)
{
	CHECK(glob_match("usr/include/**", "usr/include/foo.h"));
	CHECK(glob_match("usr/include/**", "usr/include/a/b/c.h"));
	CHECK(!glob_match("usr/include/**", "usr/include"));
	CHECK(glob_match("usr/**/x.h", "usr/x.h"));
	CHECK(glob_match("usr/**/x.h", "usr/a/b/x.h"));
	CHECK(!glob_match("usr/**/x.h", "usr/a/b/y.h"));
	CHECK(glob_match("usr/lib/*.a", "usr/lib/libfoo.a"));
	CHECK(!glob_match("usr/lib/*.a", "usr/lib/x/libfoo.a"));
	CHECK(glob_match("usr/bin/foo-?", "usr/bin/foo-1"));
	CHECK(glob_match("**", "anything/at/all"));
	CHECK(!glob_match("usr/bin", "usr/bin/foo"));
}

/* A typical library port with a tools subpackage and defaults. */
static void make_tree(const char *root)
{
	put(root, "usr/bin/foo", "#!/bin/sh\n", 0755);
	put(root, "usr/bin/foo-tool", "#!/bin/sh\n", 0755);
	put(root, "usr/lib/libfoo.so.1.0", "elf\n", 0755);
	put(root, "usr/lib/libfoo.a", "!<arch>\n", 0644);
	put(root, "usr/lib/pkgconfig/foo.pc", "Name: foo\n", 0644);
	put(root, "usr/include/foo/foo.h", "int foo(void);\n", 0644);
	put(root, "usr/share/man/man1/foo.1", ".TH FOO 1\n", 0644);
	put(root, "usr/share/doc/foo/README", "read me\n", 0644);
	put(root, "usr/share/foo/data", "data\n", 0644);
	put(root, "etc/foo.conf", "x=1\n", 0644);
	lnk(root, "usr/lib/libfoo.so", "libfoo.so.1.0");
	lnk(root, "usr/lib/libfoo.so.1", "libfoo.so.1.0");
	char *p = path_join(root, "var/lib/foo/empty");
	mkdir_p(p, 0755);
	free(p);
	p = path_join(root, "usr/share/doc/foo/examples");
	mkdir_p(p, 0755);
	free(p);
}

TEST(split_assignment)
{
	char *dir = tmpdir_new();
	char *root = path_join(dir, "dest");
	make_tree(root);
	struct recipe *r = load_recipe(dir, "depends: [bar]\nsubpackages:\n"
					    "  - name: foo-tools\n    files: [usr/bin/foo-*]\n"
					    "    depends: [foo]\n");
	struct split s;
	CHECK(split_tree(r, root, &s) == 0);
	CHECK(s.n == 4);
	CHECK_STR(s.v[0].name, "foo");
	CHECK_STR(s.v[1].name, "foo-tools");
	const struct split_pkg *m = find(&s, "foo"), *t = find(&s, "foo-tools"),
			       *dev = find(&s, "foo-dev"), *doc = find(&s, "foo-doc");
	CHECK(m && t && dev && doc);
	if (!m || !t || !dev || !doc)
		return;
	char *mj = sl_join(&m->files, " ");
	CHECK_STR(mj, "etc/foo.conf usr/bin/foo usr/lib/libfoo.so.1 usr/lib/libfoo.so.1.0 "
		      "usr/share/foo/data var/lib/foo/empty");
	free(mj);
	char *tj = sl_join(&t->files, " ");
	CHECK_STR(tj, "usr/bin/foo-tool");
	free(tj);
	char *dj = sl_join(&dev->files, " ");
	CHECK_STR(dj, "usr/include/foo/foo.h usr/lib/libfoo.a usr/lib/libfoo.so "
		      "usr/lib/pkgconfig/foo.pc");
	free(dj);
	char *oj = sl_join(&doc->files, " ");
	CHECK_STR(oj, "usr/share/doc/foo/README usr/share/doc/foo/examples usr/share/man/man1/foo.1");
	free(oj);
	CHECK(sl_has(&dev->depends, "foo=1.2-r3"));
	CHECK(sl_has(&m->depends, "bar"));
	CHECK(sl_has(&t->depends, "foo"));
	split_free(&s);
	recipe_free(r);
	rm_rf(dir);
	free(root);
	free(dir);
}

TEST(no_dev_or_doc_when_empty)
{
	char *dir = tmpdir_new();
	char *root = path_join(dir, "dest");
	put(root, "usr/share/foo/data", "data\n", 0644);
	struct recipe *r = load_recipe(dir, "");
	struct split s;
	CHECK(split_tree(r, root, &s) == 0);
	CHECK(s.n == 1 && s.v[0].files.n == 1);
	split_free(&s);
	recipe_free(r);
	rm_rf(dir);
	free(root);
	free(dir);
}

TEST(explicit_subpackage_without_files_is_an_error)
{
	char *dir = tmpdir_new();
	char *root = path_join(dir, "dest");
	put(root, "usr/bin/foo", "x\n", 0755);
	struct recipe *r = load_recipe(dir, "subpackages:\n  - name: foo-extra\n"
					    "    files: [usr/share/extra/**]\n");
	struct split s;
	CHECK(split_tree(r, root, &s) == -1);
	CHECK(strstr(kr_errmsg(), "port.yaml:") && strstr(kr_errmsg(), "foo-extra"));
	recipe_free(r);
	rm_rf(dir);
	free(root);
	free(dir);
}

TEST(legacy_layout_is_refused)
{
	char *dir = tmpdir_new();
	char *root = path_join(dir, "dest");
	put(root, "bin/foo", "x\n", 0755);
	struct recipe *r = load_recipe(dir, "");
	struct split s;
	CHECK(split_tree(r, root, &s) == -1);
	CHECK(strstr(kr_errmsg(), "merged-/usr") != NULL);
	/* a symlink bin -> usr/bin is fine */
	rm_rf(root);
	put(root, "usr/bin/foo", "x\n", 0755);
	char *p = path_join(root, "bin");
	CHECK(symlink("usr/bin", p) == 0);
	CHECK(split_tree(r, root, &s) == 0);
	CHECK(s.n == 1 && sl_has(&s.v[0].files, "bin"));
	split_free(&s);
	/* a fifo is refused */
	free(p);
	p = path_join(root, "usr/fifo");
	CHECK(mkfifo(p, 0644) == 0);
	CHECK(split_tree(r, root, &s) == -1);
	CHECK(strstr(kr_errmsg(), "usr/fifo") != NULL);
	free(p);
	recipe_free(r);
	rm_rf(dir);
	free(root);
	free(dir);
}

int main(void)
{
	RUN(globs);
	RUN(split_assignment);
	RUN(no_dev_or_doc_when_empty);
	RUN(explicit_subpackage_without_files_is_an_error);
	RUN(legacy_layout_is_refused);
	DONE();
}
