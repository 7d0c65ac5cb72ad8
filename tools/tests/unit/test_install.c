/* test_install.c - the installer: a normal install, the path-safety
 * refusals (crafted malicious packages), conflicts, hash checks, removal
 * keeping modified conffiles, upgrades, and local sysroot installs. */
#include <unistd.h>

#include "craft.h"
#include "db.h"
#include "install.h"
#include "t.h"

static char *tmpd;

static char *fresh_root(const char *name)
{
	char *r = xasprintf("%s/%s", tmpd, name);
	rm_rf(r);
	mkdir_p(r, 0755);
	return r;
}

static char *pkgpath(const char *name)
{
	return xasprintf("%s/%s.pkg.tar.zst", tmpd, name);
}

/* Install one package file into root; returns the install result. */
static int add1(const char *root, const char *pkg, const char *sha)
{
	struct db db;
	int r = db_open(&db, root, 1);
	struct install_item it = {pkg, sha, 0, NULL, 0, NULL, 0};
	struct pkginfo entry = {0};
	if (sha) {
		char got[65];
		sha256_file(pkg, got, &it.size);
		if (pkgfile_info(pkg, &entry) == 0)
			it.entry = &entry;
	}
	if (r == 0)
		r = install_pkgs(&db, &it, 1, NULL);
	pkginfo_free(&entry);
	db_close(&db);
	if (r < 0)
		printf("# %s\n", kr_errmsg());
	return r;
}

static int del1(const char *root, const char *name, struct strlist *kept)
{
	struct db db;
	struct strlist names = STRLIST_INIT;
	sl_push(&names, name);
	int r = db_open(&db, root, 1);
	if (r == 0)
		r = remove_pkgs(&db, &names, kept);
	db_close(&db);
	if (r < 0)
		printf("# %s\n", kr_errmsg());
	sl_free(&names);
	return r;
}

static char *rootfile(const char *root, const char *rel)
{
	char *p = path_join(root, rel);
	char *s = read_str(p);
	free(p);
	return s;
}

TEST(installs_files_links_and_records_them)
{
	char *root = fresh_root("ok");
	char *pkg = pkgpath("ok");
	struct member m[] = {{'d', "usr/", 0},
			     {'d', "usr/bin/", 0},
			     {'f', "usr/bin/hello", "hi\n"},
			     {'h', "usr/bin/hello2", "usr/bin/hello"},
			     {'l', "usr/bin/hi", "hello"},
			     {'f', "./etc/hello.conf", "x=1\n"}};
	craft_pkg(pkg, "hello", "1.0-r0", "conffile: etc/hello.conf\n", m, ARRAY_LEN(m));
	CHECK(add1(root, pkg, NULL) == 0);
	char *s = rootfile(root, "usr/bin/hello2");
	CHECK_STR(s, "hi\n");
	free(s);
	char *lt = path_join(root, "usr/bin/hi"), buf[64] = "";
	CHECK(readlink(lt, buf, sizeof buf) == 5 && !memcmp(buf, "hello", 5));
	free(lt);
	s = rootfile(root, "var/lib/krill/installed");
	CHECK(s && strstr(s, "name: hello\n") && strstr(s, "L usr/bin/hi\n") &&
	      strstr(s, " etc/hello.conf\n"));
	free(s);
	char *j = path_join(root, "var/lib/krill/journal");
	CHECK(!path_exists(j));
	free(j);
	free(root);
	free(pkg);
}

/* Each crafted package must be refused and leave the root as it was. */
static int refused_unchanged(const char *name, const struct member *m, size_t n)
{
	char *root = fresh_root(name);
	char *pkg = pkgpath(name);
	craft_pkg(pkg, name, "1.0-r0", "", m, n);
	struct db db;
	db_open(&db, root, 1);
	db_close(&db);
	char *before = tree(root);
	int r = add1(root, pkg, NULL);
	char *after = tree(root);
	int ok = r < 0 && !strcmp(before, after);
	if (!ok)
		printf("# %s: r=%d err=%s\n", name, r, kr_errmsg());
	free(before);
	free(after);
	free(root);
	free(pkg);
	return ok;
}

TEST(refuses_absolute_path)
{
	struct member m[] = {{'f', "usr/ok", "1"}, {'f', "/tmp/krill-evil", "x"}};
	CHECK(refused_unchanged("abs", m, 2));
	CHECK(strstr(kr_errmsg(), "absolute path"));
	CHECK(!path_exists("/tmp/krill-evil"));
}

TEST(refuses_dotdot)
{
	struct member m[] = {{'f', "usr/ok", "1"}, {'f', "usr/../../krill-evil", "x"}};
	CHECK(refused_unchanged("dotdot", m, 2));
	CHECK(strstr(kr_errmsg(), "'..'"));
}

TEST(refuses_file_through_symlink_to_slash)
{
	struct member m[] = {{'l', "evil", "/"}, {'f', "evil/tmp/krill-evil", "x"}};
	CHECK(refused_unchanged("through", m, 2));
	CHECK(strstr(kr_errmsg(), "goes through 'evil'"));
	CHECK(!path_exists("/tmp/krill-evil"));
}

TEST(refuses_symlink_chain_escape)
{
	struct member m[] = {{'d', "a", 0},
			     {'l', "a/b", "../c"},
			     {'l', "c", "/tmp"},
			     {'f', "a/b/krill-evil", "x"}};
	CHECK(refused_unchanged("chain", m, 4));
	CHECK(!path_exists("/tmp/krill-evil"));
}

TEST(refuses_hardlink_out_of_root)
{
	struct member m[] = {{'h', "etc/passwd2", "/etc/passwd"}};
	CHECK(refused_unchanged("hardabs", m, 1));
	struct member m2[] = {{'h', "etc/passwd2", "etc/passwd"}};
	CHECK(refused_unchanged("hardrel", m2, 1));
	CHECK(strstr(kr_errmsg(), "same package"));
	struct member m3[] = {{'h', "x", "../../../../etc/passwd"}};
	CHECK(refused_unchanged("harddot", m3, 1));
}

TEST(refuses_device_node)
{
	struct member m[] = {{'c', "dev/null2", 0}};
	CHECK(refused_unchanged("dev", m, 1));
	CHECK(strstr(kr_errmsg(), "device node"));
}

TEST(refuses_write_through_symlink_already_in_root)
{
	char *root = fresh_root("preroot");
	char *out = xasprintf("%s/outside", tmpd);
	mkdir_p(out, 0755);
	char *usr = path_join(root, "usr");
	CHECK(symlink(out, usr) == 0);
	char *pkg = pkgpath("pre");
	struct member m[] = {{'f', "usr/krill-evil", "x"}};
	craft_pkg(pkg, "pre", "1.0-r0", "", m, 1);
	CHECK(add1(root, pkg, NULL) < 0);
	char *ev = path_join(out, "krill-evil");
	CHECK(!path_exists(ev));
	free(ev);
	free(usr);
	free(out);
	free(pkg);
	free(root);
}

TEST(conflict_names_both_and_changes_nothing)
{
	char *root = fresh_root("conflict");
	char *a = pkgpath("ca"), *b = pkgpath("cb");
	struct member ma[] = {{'f', "usr/share/x", "a"}},
		      mb[] = {{'f', "usr/share/y", "b"}, {'f', "usr/share/x", "b"}};
	craft_pkg(a, "ca", "1.0-r0", "", ma, 1);
	craft_pkg(b, "cb", "1.0-r0", "", mb, 2);
	CHECK(add1(root, a, NULL) == 0);
	char *before = tree(root);
	CHECK(add1(root, b, NULL) < 0);
	CHECK(strstr(kr_errmsg(), "usr/share/x") && strstr(kr_errmsg(), "ca") &&
	      strstr(kr_errmsg(), "cb"));
	char *after = tree(root);
	CHECK_STR(before, after);
	free(before);
	free(after);
	free(a);
	free(b);
	free(root);
}

TEST(hash_mismatch_refused_before_extracting)
{
	char *root = fresh_root("hash");
	char *pkg = pkgpath("hash");
	struct member m[] = {{'f', "usr/x", "a"}};
	craft_pkg(pkg, "hash", "1.0-r0", "", m, 1);
	struct db db;
	db_open(&db, root, 1);
	char *before = tree(root);
	struct install_item it = {
		pkg, "0000000000000000000000000000000000000000000000000000000000000000", 0, NULL, 0, NULL, 0};
	sha256_file(pkg, (char[65]){0}, &it.size);
	CHECK(install_pkgs(&db, &it, 1, NULL) < 0);
	CHECK(strstr(kr_errmsg(), "sha256 mismatch"));
	it.size++;
	CHECK(install_pkgs(&db, &it, 1, NULL) < 0);
	CHECK(strstr(kr_errmsg(), "size"));
	db_close(&db);
	char *after = tree(root);
	CHECK_STR(before, after);
	free(before);
	free(after);
	free(pkg);
	free(root);
}

TEST(remove_keeps_modified_conffile_removes_the_rest)
{
	char *root = fresh_root("del");
	char *pkg = pkgpath("del");
	struct member m[] = {{'d', "etc", 0},
			     {'f', "etc/a.conf", "a"},
			     {'f', "etc/b.conf", "b"},
			     {'d', "usr", 0},
			     {'f', "usr/bin", "x"}};
	craft_pkg(pkg, "del", "1.0-r0", "conffile: etc/a.conf\nconffile: etc/b.conf\n", m, 5);
	CHECK(add1(root, pkg, NULL) == 0);
	char *a = path_join(root, "etc/a.conf");
	write_file_atomic(a, "mine", 4, 0644);
	struct strlist kept = STRLIST_INIT;
	CHECK(del1(root, "del", &kept) == 0);
	CHECK(kept.n == 1 && !strcmp(kept.v[0], "etc/a.conf"));
	char *s = read_str(a);
	CHECK_STR(s, "mine");
	free(s);
	char *b = path_join(root, "etc/b.conf"), *u = path_join(root, "usr");
	CHECK(!path_exists(b) && !path_exists(u));
	char *db = rootfile(root, "var/lib/krill/installed");
	CHECK(db && !strstr(db, "name: del"));
	free(db);
	sl_free(&kept);
	free(a);
	free(b);
	free(u);
	free(pkg);
	free(root);
}

TEST(remove_refused_when_needed)
{
	char *root = fresh_root("needed");
	char *a = pkgpath("na"), *b = pkgpath("nb");
	struct member ma[] = {{'f', "na", "a"}}, mb[] = {{'f', "nb", "b"}};
	craft_pkg(a, "na", "1.0-r0", "", ma, 1);
	craft_pkg(b, "nb", "1.0-r0", "depend: na\n", mb, 1);
	CHECK(add1(root, a, NULL) == 0 && add1(root, b, NULL) == 0);
	CHECK(del1(root, "na", NULL) < 0);
	CHECK(strstr(kr_errmsg(), "nb depends on it"));
	free(a);
	free(b);
	free(root);
}

TEST(upgrade_replaces_and_drops_old_files)
{
	char *root = fresh_root("up");
	char *v1 = pkgpath("up1"), *v2 = pkgpath("up2");
	struct member m1[] = {{'f', "old", "1"}, {'f', "same", "1"}, {'f', "etc/c", "1"}};
	struct member m2[] = {{'f', "new", "2"}, {'f', "same", "2"}, {'f', "etc/c", "2"}};
	craft_pkg(v1, "up", "1.0-r0", "conffile: etc/c\n", m1, 3);
	craft_pkg(v2, "up", "2.0-r0", "conffile: etc/c\n", m2, 3);
	CHECK(add1(root, v1, NULL) == 0);
	char *c = path_join(root, "etc/c");
	write_file_atomic(c, "mine", 4, 0644);
	CHECK(add1(root, v2, NULL) == 0);
	char *s = rootfile(root, "same"), *cn = rootfile(root, "etc/c.krill-new");
	char *cs = read_str(c), *o = path_join(root, "old");
	CHECK_STR(s, "2");
	CHECK_STR(cs, "mine");
	CHECK_STR(cn, "2");
	CHECK(!path_exists(o));
	free(s);
	free(cn);
	free(cs);
	free(o);
	free(c);
	free(v1);
	free(v2);
	free(root);
}

TEST(file_moving_between_packages_in_one_transaction)
{
	char *root = fresh_root("move");
	char *a1 = pkgpath("mova1"), *a2 = pkgpath("mova2"), *b = pkgpath("movb");
	struct member ma1[] = {{'f', "usr/moved", "a"}, {'f', "usr/a", "a"}},
		      ma2[] = {{'f', "usr/a", "a2"}}, mb[] = {{'f', "usr/moved", "b"}};
	craft_pkg(a1, "mova", "1-r0", "", ma1, 2);
	craft_pkg(a2, "mova", "2-r0", "", ma2, 1);
	craft_pkg(b, "movb", "1-r0", "", mb, 1);
	CHECK(add1(root, a1, NULL) == 0);
	struct db db;
	db_open(&db, root, 1);
	struct install_item it[] = {{a2, NULL, 0, NULL, 0, NULL, 0}, {b, NULL, 0, NULL, 0, NULL, 0}};
	CHECK(install_pkgs(&db, it, 2, NULL) == 0);
	CHECK(db_owner(&db, "usr/moved") == db_find(&db, "movb"));
	db_close(&db);
	char *s = rootfile(root, "usr/moved");
	CHECK_STR(s, "b");
	free(s);
	free(a1);
	free(a2);
	free(b);
	free(root);
}

TEST(unowned_conffile_is_kept)
{
	char *root = fresh_root("unowned");
	char *pkg = pkgpath("unowned");
	struct member m[] = {{'f', "etc/u.conf", "pkg"}, {'f', "etc/other", "pkg"}};
	craft_pkg(pkg, "unowned", "1.0-r0", "conffile: etc/u.conf\n", m, 2);
	char *c = path_join(root, "etc/u.conf"), *etc = path_join(root, "etc");
	mkdir_p(etc, 0755);
	free(etc);
	write_file_atomic(c, "local", 5, 0644);
	CHECK(add1(root, pkg, NULL) == 0);
	char *s = read_str(c), *n = rootfile(root, "etc/u.conf.krill-new");
	CHECK_STR(s, "local");
	CHECK_STR(n, "pkg");
	free(s);
	free(n);
	free(c);
	free(pkg);
	free(root);
}

TEST(install_local_pulls_runtime_deps)
{
	char *root = xasprintf("%s/sysroot/deeper", tmpd);
	char *a = pkgpath("la"), *b = pkgpath("lb"), *c = pkgpath("lc");
	struct member ma[] = {{'f', "usr/lib/liba.so.1", "a"}}, mb[] = {{'f', "usr/bin/b", "b"}},
		      mc[] = {{'f', "usr/bin/c", "c"}};
	craft_pkg(a, "liba", "1.0-r0", "provide: so:liba.so.1\n", ma, 1);
	craft_pkg(b, "bprog", "1.0-r0", "depend: so:liba.so.1\n", mb, 1);
	craft_pkg(c, "cprog", "1.0-r0", "", mc, 1);
	struct strlist files = STRLIST_INIT, names = STRLIST_INIT;
	sl_push(&files, a);
	sl_push(&files, b);
	sl_push(&files, c);
	sl_push(&names, "bprog");
	CHECK(install_local(root, &files, &names) == 0);
	char *la = path_join(root, "usr/lib/liba.so.1"), *lc = path_join(root, "usr/bin/c");
	CHECK(path_exists(la) && !path_exists(lc));
	sl_free(&names);
	sl_push(&names, "nothere");
	CHECK(install_local(root, &files, &names) < 0);
	CHECK(strstr(kr_errmsg(), "nothing provides nothere"));
	free(la);
	free(lc);
	sl_free(&files);
	sl_free(&names);
	free(a);
	free(b);
	free(c);
	free(root);
}

int main(void)
{
	char tmpl[] = "/tmp/krill-test-install.XXXXXX";
	tmpd = mkdtemp(tmpl);
	RUN(installs_files_links_and_records_them);
	RUN(refuses_absolute_path);
	RUN(refuses_dotdot);
	RUN(refuses_file_through_symlink_to_slash);
	RUN(refuses_symlink_chain_escape);
	RUN(refuses_hardlink_out_of_root);
	RUN(refuses_device_node);
	RUN(refuses_write_through_symlink_already_in_root);
	RUN(conflict_names_both_and_changes_nothing);
	RUN(hash_mismatch_refused_before_extracting);
	RUN(remove_keeps_modified_conffile_removes_the_rest);
	RUN(remove_refused_when_needed);
	RUN(upgrade_replaces_and_drops_old_files);
	RUN(file_moving_between_packages_in_one_transaction);
	RUN(unowned_conffile_is_kept);
	RUN(install_local_pulls_runtime_deps);
	rm_rf(tmpd);
	DONE();
}
