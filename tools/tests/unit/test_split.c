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

/* The package's files joined by spaces equal want (else print them). */
static int files_are(const struct split_pkg *p, const char *want)
{
	char *got = sl_join(&p->files, " ");
	int ok = !strcmp(got, want);
	if (!ok)
		printf("  %s has: %s\n", p->name, got);
	free(got);
	return ok;
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
	struct fixture f = fixture_new("depends: [bar]\nsubpackages:\n"
				       "  - name: foo-tools\n    files: [usr/bin/foo-*]\n"
				       "    depends: [foo]\n");
	make_tree(f.root);
	struct split s;
	CHECK(split_tree(f.r, f.root, &s) == 0);
	CHECK(s.n == 4);
	CHECK_STR(s.v[0].name, "foo");
	CHECK_STR(s.v[1].name, "foo-tools");
	const struct split_pkg *m = find(&s, "foo"), *t = find(&s, "foo-tools"),
			       *dev = find(&s, "foo-dev"), *doc = find(&s, "foo-doc");
	CHECK(m && t && dev && doc);
	if (!m || !t || !dev || !doc) {
		fixture_free(&f);
		return;
	}
	CHECK(files_are(m, "etc/foo.conf usr/bin/foo usr/lib/libfoo.so.1 usr/lib/libfoo.so.1.0 "
			   "usr/share/foo/data var/lib/foo/empty"));
	CHECK(files_are(t, "usr/bin/foo-tool"));
	CHECK(files_are(dev, "usr/include/foo/foo.h usr/lib/libfoo.a usr/lib/libfoo.so "
			     "usr/lib/pkgconfig/foo.pc"));
	CHECK(files_are(doc, "usr/share/doc/foo/README usr/share/doc/foo/examples "
			     "usr/share/man/man1/foo.1"));
	CHECK(sl_has(&dev->depends, "foo=1.2-r3"));
	CHECK_STR(dev->summary, "the foo library (development files)");
	CHECK_STR(doc->summary, "the foo library (documentation)");
	CHECK_STR(m->summary, "the foo library");
	CHECK(sl_has(&m->depends, "bar"));
	CHECK(sl_has(&t->depends, "foo"));
	split_free(&s);
	fixture_free(&f);
}

TEST(dev_depends_on_the_package_its_link_points_into)
{
	/* the library split off as libfoo: foo-dev's libfoo.so points there */
	struct fixture f = fixture_new("subpackages:\n  - name: libfoo\n"
				       "    files: [usr/lib/libfoo.so.*]\n");
	make_tree(f.root);
	struct split s;
	CHECK(split_tree(f.r, f.root, &s) == 0);
	const struct split_pkg *lib = find(&s, "libfoo"), *dev = find(&s, "foo-dev");
	CHECK(lib && dev);
	if (lib && dev) {
		CHECK(files_are(lib, "usr/lib/libfoo.so.1 usr/lib/libfoo.so.1.0"));
		CHECK(sl_has(&dev->depends, "foo=1.2-r3"));
		CHECK(sl_has(&dev->depends, "libfoo=1.2-r3"));
		CHECK(dev->depends.n == 2);
	}
	split_free(&s);
	fixture_free(&f);
}

TEST(linker_script_lib_so_is_dev)
{
	/* libc.so as glibc installs it (a script) is -dev; a real library
	 * without a version suffix (a preload module) is the runtime's */
	struct fixture f = fixture_new("");
	put(f.root, "usr/lib/libc.so", "/* GNU ld script */\nGROUP ( /usr/lib/libc.so.6 )\n", 0644);
	put(f.root, "usr/lib/libmemusage.so",
	    "\x7f"
	    "ELF\2\1\1",
	    0755);
	struct split s;
	CHECK(split_tree(f.r, f.root, &s) == 0);
	const struct split_pkg *m = find(&s, "foo"), *dev = find(&s, "foo-dev");
	CHECK(m && dev);
	if (m && dev) {
		CHECK(files_are(dev, "usr/lib/libc.so"));
		CHECK(files_are(m, "usr/lib/libmemusage.so"));
	}
	split_free(&s);
	fixture_free(&f);
}

TEST(no_dev_or_doc_when_empty)
{
	struct fixture f = fixture_new("");
	put(f.root, "usr/share/foo/data", "data\n", 0644);
	struct split s;
	CHECK(split_tree(f.r, f.root, &s) == 0);
	CHECK(s.n == 1 && s.v[0].files.n == 1);
	split_free(&s);
	fixture_free(&f);
}

TEST(explicit_subpackage_without_files_is_an_error)
{
	struct fixture f = fixture_new("subpackages:\n  - name: foo-extra\n"
				       "    files: [usr/share/extra/**]\n");
	put(f.root, "usr/bin/foo", "x\n", 0755);
	struct split s;
	CHECK(split_tree(f.r, f.root, &s) == -1);
	CHECK(strstr(kr_errmsg(), "port.yaml:") && strstr(kr_errmsg(), "foo-extra"));
	fixture_free(&f);
}

TEST(legacy_layout_is_refused)
{
	struct fixture f = fixture_new("");
	const char *root = f.root;
	const struct recipe *r = f.r;
	put(root, "bin/foo", "x\n", 0755);
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
	fixture_free(&f);
}

int main(void)
{
	RUN(globs);
	RUN(split_assignment);
	RUN(dev_depends_on_the_package_its_link_points_into);
	RUN(linker_script_lib_so_is_dev);
	RUN(no_dev_or_doc_when_empty);
	RUN(explicit_subpackage_without_files_is_an_error);
	RUN(legacy_layout_is_refused);
	DONE();
}
