/* test_extract.c - lib/extract: formats, strip, wrapped archives, and every
 * kind of escaping archive refused (with the outside left untouched). */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "extract.h"
#include "t.h"
#include "util.h"

static char *tmp;

/* An entry to write: type 'f' file (data), 'd' dir, 'l' symlink (data =
 * target), 'h' hardlink (data = target), 'c' char device. */
struct ent {
	char type;
	const char *path, *data;
};

static int set_format(struct archive *a, const char *kind)
{
	if (!strcmp(kind, "zip"))
		return archive_write_set_format_zip(a);
	archive_write_set_format_pax_restricted(a);
	if (!strcmp(kind, "tar.gz"))
		return archive_write_add_filter_gzip(a);
	if (!strcmp(kind, "tar.bz2"))
		return archive_write_add_filter_bzip2(a);
	if (!strcmp(kind, "tar.xz"))
		return archive_write_add_filter_xz(a);
	if (!strcmp(kind, "tar.zst"))
		return archive_write_add_filter_zstd(a);
	return archive_write_add_filter_none(a);
}

static void write_entry(struct archive *a, const struct ent *e)
{
	struct archive_entry *ae = archive_entry_new();
	archive_entry_set_pathname(ae, e->path);
	/* x.c is the newest entry: extract_opts.newest must find it */
	archive_entry_set_mtime(ae, strstr(e->path, "x.c") ? 1700000500 : 1700000000, 0);
	switch (e->type) {
	case 'd':
		archive_entry_set_filetype(ae, AE_IFDIR);
		archive_entry_set_perm(ae, 0755);
		break;
	case 'l':
		archive_entry_set_filetype(ae, AE_IFLNK);
		archive_entry_set_symlink(ae, e->data);
		break;
	case 'h': archive_entry_set_hardlink(ae, e->data); break;
	case 'c':
		archive_entry_set_filetype(ae, AE_IFCHR);
		archive_entry_set_rdev(ae, makedev(1, 3));
		break;
	default:
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_perm(ae, 0644);
		archive_entry_set_size(ae, (la_int64_t)strlen(e->data));
	}
	archive_write_header(a, ae);
	if (e->type == 'f')
		archive_write_data(a, e->data, strlen(e->data));
	archive_entry_free(ae);
}

/* Write an archive of kind (tar.gz, tar.xz, zip, ...) to tmp/name. */
static char *make_archive(const char *name, const char *kind, const struct ent *ents, size_t n)
{
	char *path = xasprintf("%s/%s", tmp, name);
	struct archive *a = archive_write_new();
	set_format(a, kind);
	archive_write_open_filename(a, path);
	for (size_t i = 0; i < n; i++)
		write_entry(a, &ents[i]);
	archive_write_close(a);
	archive_write_free(a);
	return path;
}

static char *slurp(const char *dir, const char *rel)
{
	char *p = path_join(dir, rel), *d = NULL;
	if (read_file(p, &d, NULL) < 0)
		d = NULL;
	free(p);
	return d;
}

static int dir_entries(const char *dir)
{
	struct strlist l = STRLIST_INIT;
	if (list_dir(dir, &l) < 0)
		return -1;
	int n = (int)l.n;
	sl_free(&l);
	return n;
}

static const struct ent tree[] = {
	{'d', "pkg-1.0/", NULL},
	{'f', "pkg-1.0/README", "hello\n"},
	{'d', "pkg-1.0/src/deep/er/", NULL},
	{'f', "pkg-1.0/src/deep/er/x.c", "int x;\n"},
	{'l', "pkg-1.0/link", "src/deep"},
	{'h', "pkg-1.0/README2", "pkg-1.0/README"},
};

TEST(every_format_auto_strip)
{
	const char *kinds[] = {"tar", "tar.gz", "tar.bz2", "tar.xz", "tar.zst", "zip"};
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++) {
		char *name = xasprintf("a.%s", kinds[i]);
		char *ar = make_archive(name, kinds[i], tree, ARRAY_LEN(tree));
		char *dest = xasprintf("%s/out-%s", tmp, kinds[i]);
		long long newest = 0;
		struct extract_opts o = {-1, NULL, &newest};
		CHECK(extract_archive(ar, dest, &o) == 0);
		CHECK(newest == 1700000500);
		char *r = slurp(dest, "README"), *x = slurp(dest, "src/deep/er/x.c");
		CHECK_STR(r, "hello\n");
		CHECK_STR(x, "int x;\n");
		char *y = slurp(dest, "link/er/x.c");
		CHECK_STR(y, "int x;\n");
		struct stat a, b;
		char *p1 = path_join(dest, "README"), *p2 = path_join(dest, "README2");
		int zip =
			!strcmp(kinds[i], "zip"); /* zip has no hardlinks: libarchive drops them */
		CHECK(stat(p1, &a) == 0 && a.st_mtime == 1700000000);
		CHECK(zip || (stat(p2, &b) == 0 && a.st_ino == b.st_ino));
		CHECK(dir_entries(dest) == 4 - zip); /* README README2 link src; no staging left */
		free(p1), free(p2), free(r), free(x), free(y), free(dest), free(ar), free(name);
	}
}

TEST(explicit_strip_and_no_strip)
{
	char *ar = make_archive("s.tar.gz", "tar.gz", tree, ARRAY_LEN(tree));
	char *d0 = xasprintf("%s/s0", tmp), *d2 = xasprintf("%s/s2", tmp);
	struct extract_opts o0 = {0, NULL, NULL}, o2 = {2, NULL, NULL};
	CHECK(extract_archive(ar, d0, &o0) == 0);
	char *r = slurp(d0, "pkg-1.0/README");
	CHECK_STR(r, "hello\n");
	CHECK(extract_archive(ar, d2, &o2) == 0);
	char *x = slurp(d2, "deep/er/x.c");
	CHECK_STR(x, "int x;\n");
	free(r), free(x), free(d0), free(d2), free(ar);
}

TEST(auto_strip_keeps_several_top_entries)
{
	static const struct ent e[] = {{'f', "a.txt", "a"}, {'d', "b/", NULL}, {'f', "b/c", "c"}};
	char *ar = make_archive("m.tar", "tar", e, ARRAY_LEN(e));
	char *d = xasprintf("%s/m", tmp);
	struct extract_opts o = {-1, NULL, NULL};
	CHECK(extract_archive(ar, d, &o) == 0);
	char *c = slurp(d, "b/c");
	CHECK_STR(c, "c");
	free(c), free(d), free(ar);
}

TEST(collision_leaves_dest_untouched)
{
	static const struct ent e[] = {{'f', "a", "new"}, {'f', "z", "z"}};
	char *ar = make_archive("c.tar", "tar", e, ARRAY_LEN(e));
	char *d = xasprintf("%s/coll", tmp);
	mkdir_p(d, 0755);
	char *a = path_join(d, "a");
	write_file_atomic(a, "old", 3, 0644);
	struct extract_opts o = {0, NULL, NULL};
	CHECK(extract_archive(ar, d, &o) < 0);
	CHECK(strstr(kr_errmsg(), "already exists") != NULL);
	char *s = slurp(d, "a");
	CHECK_STR(s, "old");
	CHECK(dir_entries(d) == 1);
	free(s), free(a), free(d), free(ar);
}

/* The outside file every escape aims at; must stay "safe". */
static char *outside;

static void refused(const char *t_name_, const char *name, const struct ent *e, size_t n,
		    const char *want_entry, const char *want_why, int *failed)
{
	char *ar = make_archive(name, "tar.gz", e, n);
	char *d = xasprintf("%s/x-%s", tmp, name);
	struct extract_opts o = {0, NULL, NULL};
	int rc = extract_archive(ar, d, &o);
	char *s = NULL;
	read_file(outside, &s, NULL);
	int ok = rc < 0 && strstr(kr_errmsg(), ar) && strstr(kr_errmsg(), want_entry) &&
		 strstr(kr_errmsg(), want_why) && s && !strcmp(s, "safe") && dir_entries(d) == 0;
	if (!ok && !*failed)
		printf("FAIL %s: %s: rc %d, outside '%s', dest entries %d, message: %s\n", t_name_,
		       name, rc, s ? s : "(gone)", dir_entries(d), kr_errmsg());
	*failed |= !ok;
	free(s), free(d), free(ar);
}

TEST(malicious_archives_refused)
{
	char *abs_target = xstrdup(outside);
	char *dotdot = xasprintf("../../%s", path_basename(outside)); /* from tmp/x-NAME/ */
	const struct ent absolute[] = {{'f', abs_target, "pwned"}};
	const struct ent up[] = {{'f', "ok", "x"}, {'f', dotdot, "pwned"}};
	const struct ent sym_out[] = {{'l', "esc", tmp}, {'f', "esc/outside", "pwned"}};
	const struct ent sym_file[] = {{'l', "f", abs_target}, {'f', "f/x", "pwned"}};
	const struct ent hard_abs[] = {{'h', "h", abs_target}};
	const struct ent hard_up[] = {{'h', "h", dotdot}};
	const struct ent hard_sym[] = {{'l', "d", tmp}, {'h', "h", "d/outside"}};
	const struct ent dev[] = {{'c', "null", NULL}};
	int failed = 0;
	refused(t_name, "abs.tgz", absolute, 1, abs_target, "absolute", &failed);
	refused(t_name, "up.tgz", up, 2, dotdot, "'..'", &failed);
	refused(t_name, "symout.tgz", sym_out, 2, "esc/outside", "symlink", &failed);
	refused(t_name, "symfile.tgz", sym_file, 2, "f/x", "symlink", &failed);
	refused(t_name, "hardabs.tgz", hard_abs, 1, "'h'", "absolute hardlink target", &failed);
	refused(t_name, "hardup.tgz", hard_up, 1, "'h'", "'..' in its hardlink target", &failed);
	refused(t_name, "hardsym.tgz", hard_sym, 2, "'h'", "symlink", &failed);
	refused(t_name, "dev.tgz", dev, 1, "null", "device node", &failed);
	t_failed |= failed;
	free(abs_target), free(dotdot);
}

/* What libarchive's own SECURE flags do, without our checks in front. */
TEST(libarchive_secure_flags_alone)
{
	char *d = xasprintf("%s/raw", tmp);
	mkdir_p(d, 0755);
	int cwd = open(".", O_RDONLY);
	CHECK(chdir(d) == 0);
	struct archive *w = archive_write_disk_new();
	archive_write_disk_set_options(w, ARCHIVE_EXTRACT_SECURE_SYMLINKS |
						  ARCHIVE_EXTRACT_SECURE_NODOTDOT |
						  ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS);
	struct archive_entry *e = archive_entry_new();
	const char *cases[][2] = {{"../esc", NULL}, {NULL, NULL}, {"l/x", "l"}};
	cases[1][0] = outside;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		if (cases[i][1]) { /* a symlink on disk first, then write through it */
			archive_entry_clear(e);
			archive_entry_set_pathname(e, cases[i][1]);
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_symlink(e, tmp);
			CHECK(archive_write_header(w, e) == ARCHIVE_OK);
		}
		archive_entry_clear(e);
		archive_entry_set_pathname(e, cases[i][0]);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		CHECK(archive_write_header(w, e) < ARCHIVE_WARN);
	}
	archive_entry_free(e);
	archive_write_free(w);
	CHECK(fchdir(cwd) == 0);
	close(cwd);
	char *s = NULL;
	read_file(outside, &s, NULL);
	CHECK_STR(s, "safe");
	free(s), free(d);
}

/* A file entry over an earlier symlink replaces the link; the target of
 * the link is never written. */
TEST(file_over_symlink_replaces_it)
{
	const struct ent e[] = {{'l', "f", outside}, {'f', "f", "pwned"}};
	char *ar = make_archive("over.tar", "tar", e, ARRAY_LEN(e));
	char *d = xasprintf("%s/over", tmp);
	struct extract_opts o = {0, NULL, NULL};
	int rc = extract_archive(ar, d, &o);
	char *s = NULL, *f = path_join(d, "f");
	read_file(outside, &s, NULL);
	CHECK_STR(s, "safe");
	struct stat st;
	CHECK(rc < 0 || (lstat(f, &st) == 0 && S_ISREG(st.st_mode)));
	free(s), free(f), free(d), free(ar);
}

TEST(wrapped_inner_archive)
{
	char *inner = make_archive("gcc-9.9-dfsg.tar.xz", "tar.xz", tree, ARRAY_LEN(tree));
	char *data;
	size_t len;
	CHECK(read_file(inner, &data, &len) == 0);
	struct archive *a = archive_write_new();
	char *outer = xasprintf("%s/gcc-9_9.9.orig.tar.gz", tmp);
	archive_write_set_format_pax_restricted(a);
	archive_write_add_filter_gzip(a);
	archive_write_open_filename(a, outer);
	write_entry(a, &(struct ent){'d', "gcc-9-9.9/", NULL});
	write_entry(a, &(struct ent){'f', "gcc-9-9.9/other.tar.xz", "junk"});
	struct archive_entry *ae = archive_entry_new();
	archive_entry_set_pathname(ae, "gcc-9-9.9/gcc-9.9-dfsg.tar.xz");
	archive_entry_set_filetype(ae, AE_IFREG);
	archive_entry_set_size(ae, (la_int64_t)len);
	archive_write_header(a, ae);
	archive_write_data(a, data, len);
	archive_entry_free(ae);
	archive_write_close(a);
	archive_write_free(a);
	char *d = xasprintf("%s/inner", tmp);
	struct extract_opts o = {-1, "gcc-*-dfsg.tar.xz", NULL};
	CHECK(extract_archive(outer, d, &o) == 0);
	char *x = slurp(d, "src/deep/er/x.c");
	CHECK_STR(x, "int x;\n");
	struct extract_opts none = {-1, "nothing-*.tar.xz", NULL};
	char *d2 = xasprintf("%s/inner2", tmp);
	CHECK(extract_archive(outer, d2, &none) < 0);
	CHECK(strstr(kr_errmsg(), "no member matches inner: 'nothing-*.tar.xz'") != NULL);
	free(x), free(d), free(d2), free(outer), free(data), free(inner);
}

TEST(not_an_archive)
{
	char *p = xasprintf("%s/plain.txt", tmp), *d = xasprintf("%s/plain", tmp);
	write_file_atomic(p, "just text, no archive\n", 22, 0644);
	struct extract_opts o = {-1, NULL, NULL};
	CHECK(extract_archive(p, d, &o) < 0);
	CHECK(strstr(kr_errmsg(), p) != NULL);
	free(p), free(d);
}

int main(void)
{
	char tmpl[] = "/tmp/krill-test-extract-XXXXXX";
	tmp = mkdtemp(tmpl);
	if (!tmp)
		return 1;
	outside = xasprintf("%s/outside", tmp);
	write_file_atomic(outside, "safe", 4, 0644);
	RUN(every_format_auto_strip);
	RUN(explicit_strip_and_no_strip);
	RUN(auto_strip_keeps_several_top_entries);
	RUN(collision_leaves_dest_untouched);
	RUN(malicious_archives_refused);
	RUN(libarchive_secure_flags_alone);
	RUN(file_over_symlink_replaces_it);
	RUN(wrapped_inner_archive);
	RUN(not_an_archive);
	rm_rf(tmp);
	free(outside);
	DONE();
}
