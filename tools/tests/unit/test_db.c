/* test_db.c - the installed-package database: round trip, strict parsing,
 * repository versions, and recovery of an interrupted transaction in both
 * directions (staging: rolled back; committed: completed). */
#include <unistd.h>

#include "craft.h"
#include "db.h"
#include "t.h"

static char *tmpd;

static const char sample[] = "krill-db 1\n"
			     "repo 7 main/x86_64\n"
			     "pin main/x86_64 http://127.0.0.1:8080/a repo\n"
			     "pkg\n"
			     "name: zlib\nversion: 1.3-r0\narch: x86_64\norigin: zlib\n"
			     "summary: z\nlicense: Zlib\ninstalled-size: 10\n"
			     "provide: so:libz.so.1\nconffile: etc/z.conf\n"
			     "files\n"
			     "D usr\n"
			     "R 0000000000000000000000000000000000000000000000000000000000000000 "
			     "usr/lib/libz.so.1 with space\n"
			     "L usr/lib/libz.so\n"
			     "end\n";

TEST(round_trip)
{
	struct db db = {0};
	CHECK(db_parse(&db, sample, sizeof sample - 1, "sample") == 0);
	CHECK(db.n == 1 && db.pkgs[0].nfiles == 3);
	CHECK(db_repo_version(&db, "main/x86_64") == 7);
	CHECK(db_repo_version(&db, "other") == 0);
	/* the pin: URL (rest of the line, spaces allowed) -> NAME/ARCH */
	CHECK_STR(db_pin(&db, "http://127.0.0.1:8080/a repo"), "main/x86_64");
	CHECK(db_pin(&db, "http://127.0.0.1:8080/a") == NULL);
	CHECK(db_owner(&db, "usr/lib/libz.so.1 with space") == &db.pkgs[0]);
	CHECK(db_owner(&db, "usr") == NULL); /* directories are shared */
	CHECK(db_dir_used(&db, "usr", NULL) && !db_dir_used(&db, "usr", "zlib"));
	struct sb out = SB_INIT;
	db_format(&db, &out);
	CHECK_STR(sb_str(&out), sample);
	sb_free(&out);
	db_close(&db);
}

TEST(strict_parsing)
{
	static const char *bad[] = {
		"krill-db 2\n",
		"krill-db 1\nbogus\n",
		"krill-db 1\npkg\nname: a\n",
		"krill-db 1\npkg\nname: a\nversion: 1-r0\narch: x\norigin: a\nsummary: s\n"
		"license: MIT\ninstalled-size: 1\nfiles\nR 12 x\nend\n",
		"krill-db 1\npkg\nname: a\nversion: 1-r0\narch: x\norigin: a\nsummary: s\n"
		"license: MIT\ninstalled-size: 1\nfiles\nD x\n",
		"krill-db 1\nrepo x name\n",
		"krill-db 1\npin main/x86_64\n",
		"krill-db 1\npin main/x86_64 \n",
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		struct db db = {0};
		CHECK(db_parse(&db, bad[i], strlen(bad[i]), "bad") < 0);
		CHECK(str_starts(kr_errmsg(), "bad:"));
		db_close(&db);
	}
}

static char *mkroot(const char *name)
{
	char *r = xasprintf("%s/%s", tmpd, name);
	mkdir_p(r, 0755);
	return r;
}

static void put(const char *root, const char *rel, const char *data)
{
	char *p = path_join(root, rel);
	char *d = path_dirname(p);
	mkdir_p(d, 0755);
	write_file_atomic(p, data, strlen(data), 0644);
	free(d);
	free(p);
}

static int exists(const char *root, const char *rel)
{
	char *p = path_join(root, rel);
	int r = path_exists(p);
	free(p);
	return r;
}

TEST(save_is_atomic_and_reloads)
{
	char *root = mkroot("save");
	struct db db;
	CHECK(db_open(&db, root, 1) == 0);
	db_set_repo_version(&db, "r", 5);
	CHECK(db_save(&db) == 0);
	db_close(&db);
	struct strlist ls = STRLIST_INIT;
	char *dir = path_join(root, "var/lib/krill");
	list_dir(dir, &ls);
	char *all = sl_join(&ls, " ");
	CHECK_STR(all, "installed lock"); /* no temp file left behind */
	CHECK(db_open(&db, root, 1) == 0 && db_repo_version(&db, "r") == 5);
	db_close(&db);
	free(all);
	free(dir);
	sl_free(&ls);
	free(root);
}

TEST(recovery_rolls_back_staging)
{
	char *root = mkroot("staging");
	put(root, "usr/bin/.krill-1-0", "half");
	put(root, "keep", "k");
	put(root, "var/lib/krill/journal",
	    "krill-journal 1\nstate staging\nmkdir\tusr\nmkdir\tusr/bin\n"
	    "new\tusr/bin/.krill-1-0\tusr/bin/x\nnew\t.krill-1-1\ty\nend\n");
	struct db db;
	CHECK(db_open(&db, root, 1) == 0);
	CHECK(db.recovered && strstr(db.recovered, "rolled back"));
	CHECK(db.n == 0);
	db_close(&db);
	CHECK(!exists(root, "usr") && !exists(root, "var/lib/krill/journal"));
	CHECK(exists(root, "keep"));
	free(root);
}

TEST(recovery_completes_commit)
{
	char *root = mkroot("commit");
	put(root, "usr/bin/.krill-1-0", "new"); /* not yet renamed */
	put(root, "usr/bin/y", "already renamed");
	put(root, "old", "from the replaced version");
	put(root, "var/lib/krill/installed.new", sample);
	put(root, "var/lib/krill/journal",
	    "krill-journal 1\nstate commit\nmkdir\tusr\n"
	    "new\tusr/bin/.krill-1-0\tusr/bin/x\nnew\tusr/bin/.krill-1-1\tusr/bin/y\n"
	    "rm\told\nrmdir\tgone\nend\n");
	struct db db;
	CHECK(db_open(&db, root, 1) == 0);
	CHECK(db.recovered && strstr(db.recovered, "completed"));
	CHECK(db.n == 1 && db_find(&db, "zlib"));
	db_close(&db);
	char *x = xasprintf("%s/usr/bin/x", root);
	char *s = read_str(x);
	CHECK_STR(s, "new");
	CHECK(exists(root, "usr/bin/y") && !exists(root, "old"));
	CHECK(!exists(root, "usr/bin/.krill-1-0") && !exists(root, "var/lib/krill/journal"));
	CHECK(!exists(root, "var/lib/krill/installed.new"));
	free(s);
	free(x);
	free(root);
}

TEST(bad_journal_is_an_error)
{
	char *root = mkroot("badj");
	put(root, "var/lib/krill/journal", "krill-journal 1\nstate commit\nbogus\tx\nend\n");
	struct db db;
	CHECK(db_open(&db, root, 1) < 0);
	CHECK(strstr(kr_errmsg(), "journal") && strstr(kr_errmsg(), "recover"));
	db_close(&db);
	free(root);
}

/* a journal cut short (an OS crash without --durable) is set aside, the
 * root stays usable, and the message says what to do */
TEST(torn_journal_is_set_aside)
{
	static const char *const torn[] = {"", "krill-journal 1\nstate commit\nnew\tx\ty\n",
					   "krill-journal 1\nstate staging\nmkdir\tu"};
	for (size_t i = 0; i < ARRAY_LEN(torn); i++) {
		char *root = mkroot("tornj");
		put(root, "var/lib/krill/installed", sample);
		put(root, "var/lib/krill/installed.new", "krill-db 1\n");
		put(root, "var/lib/krill/journal", torn[i]);
		struct db db;
		CHECK(db_open(&db, root, 0) == 0);
		CHECK(db.recovered && strstr(db.recovered, "torn journal") &&
		      strstr(db.recovered, "krill audit"));
		CHECK(db.n == 1 && db_find(&db, "zlib")); /* installed as it was */
		db_close(&db);
		CHECK(exists(root, "var/lib/krill/journal.torn"));
		CHECK(!exists(root, "var/lib/krill/journal") &&
		      !exists(root, "var/lib/krill/installed.new"));
		CHECK(db_open(&db, root, 0) == 0 && !db.recovered); /* once only */
		db_close(&db);
		rm_rf(root);
		free(root);
	}
}

int main(void)
{
	char tmpl[] = "/tmp/krill-test-db.XXXXXX";
	tmpd = mkdtemp(tmpl);
	RUN(round_trip);
	RUN(strict_parsing);
	RUN(save_is_atomic_and_reloads);
	RUN(recovery_rolls_back_staging);
	RUN(recovery_completes_commit);
	RUN(bad_journal_is_an_error);
	RUN(torn_journal_is_set_aside);
	rm_rf(tmpd);
	DONE();
}
