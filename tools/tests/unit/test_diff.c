/* test_diff.c - `krill diff`'s library on packages crafted here: each kind
 * of difference is reported with the right facts, identical builds are
 * identical, and bad inputs are errors that name the file. */
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "diff.h"
#include "pkgtest.h"
#include "t.h"

/* One member: 'f' file, 'd' dir, 'l' symlink. len 0: strlen(data). */
struct m {
	char type;
	const char *path;
	const char *data;
	size_t len;
	unsigned mode;	 /* 0: 0644 / 0755 */
	int64_t mtime;	 /* 0: 1700000000 */
	unsigned uid;	 /* owner */
	const char *gnm; /* group name stored in the tar header, or NULL */
};

static const char *version = "1.0-r1";

/* Write a package: .PKGINFO (with extra lines), an SBOM, the members,
 * compressed at zstd level. */
static void mkpkg(const char *file, const char *name, const char *extra, const struct m *m,
		  size_t n, int level)
{
	size_t cap = 8u << 20, len = 0, total = 0;
	char *tar = xmalloc(cap);
	for (size_t i = 0; i < n; i++)
		total += m[i].type == 'f' ? (m[i].len ? m[i].len : strlen(m[i].data)) : 0;
	char *info = xasprintf("name: %s\nversion: %s\narch: x86_64\norigin: %s\nsummary: s\n"
			       "license: MIT\ninstalled-size: %zu\n%s",
			       name, version, name, total, extra ? extra : "");
	const char *sbom = "{\n  \"spdxVersion\": \"SPDX-2.3\",\n  \"name\": \"x\"\n}\n";
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	archive_write_open_memory(a, tar, cap, &len);
	for (size_t i = 0; i < n + 2; i++) {
		struct m x = i == 0   ? (struct m){'f', ".PKGINFO", info, 0, 0, 0, 0, NULL}
			     : i == 1 ? (struct m){'f', ".SBOM.spdx.json", sbom, 0, 0, 0, 0, NULL}
				      : m[i - 2];
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, x.path);
		archive_entry_set_mtime(e, x.mtime ? x.mtime : 1700000000, 0);
		archive_entry_set_uid(e, x.uid);
		if (x.gnm)
			archive_entry_set_gname(e, x.gnm);
		size_t dl = x.type == 'f' ? (x.len ? x.len : strlen(x.data)) : 0;
		archive_entry_set_filetype(e, x.type == 'f'   ? AE_IFREG
					      : x.type == 'd' ? AE_IFDIR
							      : AE_IFLNK);
		archive_entry_set_perm(e, x.mode ? x.mode : x.type == 'f' ? 0644 : 0755);
		if (x.type == 'l')
			archive_entry_set_symlink(e, x.data);
		archive_entry_set_size(e, (la_int64_t)dl);
		archive_write_header(a, e);
		if (dl)
			archive_write_data(a, x.data, dl);
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
	size_t zcap = ZSTD_compressBound(len);
	char *z = xmalloc(zcap);
	size_t zn = ZSTD_compress(z, zcap, tar, len, level);
	if (ZSTD_isError(zn) || write_file_atomic(file, z, zn, 0644) < 0)
		abort();
	free(z);
	free(tar);
	free(info);
}

static const struct m base[] = {
	{'d', "usr", NULL, 0, 0, 0, 0, NULL},
	{'f', "usr/a.txt", "one\ntwo\nthree\n", 0, 0, 0, 0, NULL},
	{'l', "usr/link", "a.txt", 0, 0, 0, 0, NULL},
	{'f', "usr/mode", "x", 0, 0755, 0, 0, NULL},
	{'f', "usr/old", "gone", 0, 0, 0, 0, NULL},
};

static char *dir;

static char *at(const char *name)
{
	return path_join(dir, name);
}

/* Run diff_paths on two names under dir. */
static int run(const char *a, const char *b, int verbose, json_t **r)
{
	char *pa = at(a), *pb = at(b);
	struct diff_opts o = {.verbose = verbose, .tmp = dir};
	int rc = diff_paths(pa, pb, &o, r);
	free(pa);
	free(pb);
	return rc;
}

static json_t *first_pkg(json_t *r)
{
	return json_array_get(json_object_get(r, "differing"), 0);
}

static json_t *file_entry(json_t *pkg, const char *path)
{
	size_t i;
	json_t *f;
	json_array_foreach(
		json_object_get(pkg, "files"), i,
		f) if (!strcmp(json_string_value(json_object_get(f, "path")), path)) return f;
	return NULL;
}

static const char *sget(json_t *o, const char *a, const char *b)
{
	json_t *x = json_object_get(o, a);
	return json_string_value(b ? json_object_get(x, b) : x);
}

static long long iget(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

TEST(lines_show_only_what_changed)
{
	size_t om;
	const char *a = "h\nx\ny\nz\nt\n", *b = "h\nx\nY\nz\nnew\nt\n";
	json_t *l = diff_lines(a, strlen(a), b, strlen(b), 10, &om);
	CHECK(json_array_size(l) == 3 && om == 0);
	CHECK_STR(json_string_value(json_array_get(l, 0)), "-y");
	CHECK_STR(json_string_value(json_array_get(l, 1)), "+Y");
	CHECK_STR(json_string_value(json_array_get(l, 2)), "+new");
	json_decref(l);
	l = diff_lines(a, strlen(a), a, strlen(a), 10, &om);
	CHECK(json_array_size(l) == 0);
	json_decref(l);
	/* the cap keeps the first lines and counts the rest */
	l = diff_lines("1\n2\n3\n", 6, "4\n5\n6\n", 6, 2, &om);
	CHECK(json_array_size(l) == 2 && om == 4);
	json_decref(l);
	/* a last line without a newline still counts; bytes that are not UTF-8 survive */
	l = diff_lines("a\n\xff", 3, "a\nb", 3, 10, &om);
	CHECK(json_array_size(l) == 2);
	CHECK_STR(json_string_value(json_array_get(l, 0)), "-\\xff");
	json_decref(l);
}

TEST(identical_builds_are_identical)
{
	char *p = at("same.pkg.tar.zst"), *q = at("same2.pkg.tar.zst");
	mkpkg(p, "same", NULL, base, ARRAY_LEN(base), 3);
	mkpkg(q, "same", NULL, base, ARRAY_LEN(base), 3);
	json_t *r;
	CHECK(run("same.pkg.tar.zst", "same2.pkg.tar.zst", 1, &r) == 0);
	CHECK(iget(r, "identical") == 1);
	CHECK_STR(sget(r, "result", NULL), "identical");
	CHECK(json_array_size(json_object_get(r, "differing")) == 0);
	CHECK_STR(json_string_value(json_array_get(json_object_get(r, "identical_packages"), 0)),
		  "same");
	json_decref(r);
	CHECK(run("same.pkg.tar.zst", "same2.pkg.tar.zst", 0, &r) == 0);
	CHECK(!json_object_get(r, "identical_packages"));
	json_decref(r);
	free(p);
	free(q);
}

TEST(every_member_difference_is_named)
{
	struct m b[] = {
		{'d', "usr", NULL, 0, 0, 0, 0, NULL},
		{'f', "usr/a.txt", "one\nTWO\nthree\n", 0, 0, 1700000001, 0, NULL},
		{'f', "usr/link", "now a file", 0, 0, 0, 0, NULL},
		{'f', "usr/mode", "x", 0, 0700, 0, 1000, NULL},
		{'l', "usr/new", "a.txt", 0, 0, 0, 0, NULL},
	};
	char *p = at("A.pkg.tar.zst"), *q = at("B.pkg.tar.zst");
	mkpkg(p, "m", NULL, base, ARRAY_LEN(base), 3);
	mkpkg(q, "m", NULL, b, ARRAY_LEN(b), 3);
	json_t *r;
	CHECK(run("A.pkg.tar.zst", "B.pkg.tar.zst", 0, &r) == 1);
	json_t *pk = first_pkg(r), *f;
	CHECK_STR(sget(pk, "name", NULL), "m");
	CHECK(json_array_size(json_object_get(pk, "files")) == 5);
	f = file_entry(pk, "usr/a.txt");
	CHECK(f && iget(json_object_get(f, "mtime"), "a") == 1700000000 &&
	      iget(json_object_get(f, "mtime"), "b") == 1700000001);
	json_t *c = json_object_get(f, "content");
	CHECK(c && iget(c, "first_difference") == 4 && iget(c, "differing_bytes") == 3);
	CHECK(c && !json_object_get(c, "elf_sections"));
	char want[SHA256_HEX_LEN + 1];
	sha256_hex("one\ntwo\nthree\n", 14, want);
	CHECK_STR(sget(json_object_get(c, "a"), "sha256", NULL), want);
	f = file_entry(pk, "usr/link");
	CHECK(f && !strcmp(sget(f, "type", "a"), "symlink") &&
	      !strcmp(sget(f, "type", "b"), "file"));
	f = file_entry(pk, "usr/mode");
	CHECK(f && !strcmp(sget(f, "mode", "a"), "0755") && !strcmp(sget(f, "mode", "b"), "0700"));
	CHECK(f && !strcmp(sget(f, "owner", "a"), "0:0") &&
	      !strcmp(sget(f, "owner", "b"), "1000:0"));
	CHECK(f && !json_object_get(f, "content"));
	f = file_entry(pk, "usr/new");
	CHECK(f && !strcmp(sget(f, "change", NULL), "added") &&
	      !strcmp(sget(f, "b", "link"), "a.txt"));
	f = file_entry(pk, "usr/old");
	CHECK(f && !strcmp(sget(f, "change", NULL), "removed") &&
	      iget(json_object_get(f, "a"), "size") == 4);
	CHECK(!file_entry(pk, "usr")); /* unchanged members are not listed */
	CHECK(!json_object_get(pk, "archive"));
	json_decref(r);
	free(p);
	free(q);
}

TEST(symlink_target_and_metadata_lines)
{
	struct m b[ARRAY_LEN(base)];
	memcpy(b, base, sizeof b);
	b[2].data = "elsewhere";
	char *p = at("L1.pkg.tar.zst"), *q = at("L2.pkg.tar.zst");
	mkpkg(p, "l", NULL, base, ARRAY_LEN(base), 3);
	mkpkg(q, "l", "homepage: https://example.org\n", b, ARRAY_LEN(b), 3);
	json_t *r;
	CHECK(run("L1.pkg.tar.zst", "L2.pkg.tar.zst", 0, &r) == 1);
	json_t *pk = first_pkg(r), *f = file_entry(pk, "usr/link");
	CHECK(f && !strcmp(sget(f, "link", "a"), "a.txt") &&
	      !strcmp(sget(f, "link", "b"), "elsewhere"));
	json_t *fld = json_array_get(json_object_get(pk, "pkginfo"), 0);
	CHECK_STR(sget(fld, "field", NULL), "homepage");
	CHECK(json_is_null(json_object_get(fld, "a")));
	CHECK_STR(sget(fld, "b", NULL), "https://example.org");
	json_t *md = json_array_get(json_object_get(pk, "metadata"), 0);
	CHECK_STR(sget(md, "member", NULL), ".PKGINFO");
	CHECK(json_array_size(json_object_get(md, "lines")) == 1);
	CHECK_STR(json_string_value(json_array_get(json_object_get(md, "lines"), 0)),
		  "+homepage: https://example.org");
	json_decref(r);
	free(p);
	free(q);
}

TEST(large_files_compare_across_chunks)
{
	size_t n = 1u << 20;
	char *x = xcalloc(n, 1), *y = xcalloc(n, 1);
	y[65535] = y[65536] = y[900000] = 1; /* both sides of a 64 KiB chunk edge */
	struct m a[] = {{'f', "big", x, n, 0, 0, 0, NULL}, {'f', "grow", "abc", 0, 0, 0, 0, NULL}};
	struct m b[] = {{'f', "big", y, n, 0, 0, 0, NULL},
			{'f', "grow", "abcdef", 0, 0, 0, 0, NULL}};
	char *p = at("G1.pkg.tar.zst"), *q = at("G2.pkg.tar.zst");
	mkpkg(p, "g", NULL, a, 2, 3);
	mkpkg(q, "g", NULL, b, 2, 3);
	json_t *r;
	CHECK(run("G1.pkg.tar.zst", "G2.pkg.tar.zst", 0, &r) == 1);
	json_t *c = json_object_get(file_entry(first_pkg(r), "big"), "content");
	CHECK(c && iget(c, "first_difference") == 65535 && iget(c, "differing_bytes") == 3);
	c = json_object_get(file_entry(first_pkg(r), "grow"), "content");
	/* one is a prefix of the other: the difference starts where it ends */
	CHECK(c && iget(c, "first_difference") == 3 && !json_object_get(c, "differing_bytes"));
	CHECK(c && iget(json_object_get(c, "a"), "size") == 3 &&
	      iget(json_object_get(c, "b"), "size") == 6);
	json_decref(r);
	free(x);
	free(y);
	free(p);
	free(q);
}

TEST(archive_level_differences)
{
	/* text long enough that zstd levels 1 and 19 encode it differently */
	struct sb t = SB_INIT;
	for (int i = 0; i < 4000; i++)
		sb_printf(&t, "%d %d\n", i, i * 7919 % 1013);
	struct m base2[ARRAY_LEN(base) + 1], g[ARRAY_LEN(base) + 1];
	memcpy(base2, base, sizeof base);
	base2[ARRAY_LEN(base)] = (struct m){'f', "usr/text", sb_str(&t), 0, 0, 0, 0, NULL};
	memcpy(g, base2, sizeof g);
	g[1].gnm = "wheel"; /* a tar header field no member comparison looks at */
	char *p = at("Z1.pkg.tar.zst"), *q = at("Z2.pkg.tar.zst"), *s = at("Z3.pkg.tar.zst");
	mkpkg(p, "z", NULL, base2, ARRAY_LEN(base2), 1);
	mkpkg(q, "z", NULL, base2, ARRAY_LEN(base2), 19);
	mkpkg(s, "z", NULL, g, ARRAY_LEN(g), 1);
	json_t *r;
	CHECK(run("Z1.pkg.tar.zst", "Z2.pkg.tar.zst", 0, &r) == 1);
	json_t *pk = first_pkg(r);
	CHECK_STR(sget(pk, "archive", NULL), "compression");
	CHECK(json_array_size(json_object_get(pk, "files")) == 0);
	CHECK(pk && strcmp(sget(pk, "a", "sha256"), sget(pk, "b", "sha256")));
	json_decref(r);
	CHECK(run("Z1.pkg.tar.zst", "Z3.pkg.tar.zst", 0, &r) == 1);
	CHECK_STR(sget(first_pkg(r), "archive", NULL), "tar");
	json_decref(r);
	sb_free(&t);
	free(p);
	free(q);
	free(s);
}

TEST(directories_pair_by_name)
{
	char *da = at("da"), *db = at("db");
	mkdir_p(da, 0755);
	mkdir_p(db, 0755);
	char *f;
	/* file names do not matter, the .PKGINFO name does */
	mkpkg(f = path_join(da, "one.pkg.tar.zst"), "common", NULL, base, 2, 3), free(f);
	mkpkg(f = path_join(db, "other-name.pkg.tar.zst"), "common", NULL, base, 2, 3), free(f);
	mkpkg(f = path_join(da, "x.pkg.tar.zst"), "onlya", NULL, base, 1, 3), free(f);
	mkpkg(f = path_join(db, "y.pkg.tar.zst"), "onlyb", NULL, base, 1, 3), free(f);
	put(da, "INDEX", "not a package\n", 0644);
	json_t *r;
	CHECK(run("da", "db", 0, &r) == 1);
	CHECK(iget(r, "identical") == 1);
	CHECK_STR(sget(json_array_get(json_object_get(r, "only_in_a"), 0), "name", NULL), "onlya");
	CHECK_STR(sget(json_array_get(json_object_get(r, "only_in_b"), 0), "name", NULL), "onlyb");
	CHECK(json_array_size(json_object_get(r, "differing")) == 0);
	char *text = NULL;
	size_t tl = 0;
	FILE *m = open_memstream(&text, &tl);
	diff_print(r, m);
	fclose(m);
	CHECK(strstr(text, "only in A: onlya") && strstr(text, "only in B: onlyb"));
	CHECK(strstr(text, "1 identical, 0 differ, 1 only in A, 1 only in B"));
	free(text);
	json_decref(r);
	free(da);
	free(db);
}

/* A repo keeping older versions: a name with several versions pairs by
 * version; a single package per side pairs whatever its version. */
TEST(several_versions_pair_by_version)
{
	char *va = at("va"), *vb = at("vb"), *f;
	mkdir_p(va, 0755);
	mkdir_p(vb, 0755);
	mkpkg(f = path_join(va, "v1.pkg.tar.zst"), "v", NULL, base, 2, 3), free(f);
	mkpkg(f = path_join(vb, "v1.pkg.tar.zst"), "v", NULL, base, 2, 3), free(f);
	mkpkg(f = path_join(va, "w.pkg.tar.zst"), "w", NULL, base, 2, 3), free(f);
	mkpkg(f = path_join(vb, "w.pkg.tar.zst"), "w", NULL, base, 2, 3), free(f);
	version = "2.0-r1";
	mkpkg(f = path_join(va, "v2.pkg.tar.zst"), "v", NULL, base, 2, 3), free(f);
	mkpkg(f = at("w2.pkg.tar.zst"), "w", NULL, base, 2, 3), free(f);
	version = "1.0-r1";
	json_t *r;
	CHECK(run("va", "vb", 0, &r) == 1);
	CHECK(iget(r, "identical") == 2);
	CHECK(json_array_size(json_object_get(r, "only_in_a")) == 1);
	CHECK_STR(sget(json_array_get(json_object_get(r, "only_in_a"), 0), "version", NULL),
		  "2.0-r1");
	CHECK(json_array_size(json_object_get(r, "differing")) == 0);
	json_decref(r);
	/* one package of the name per side: paired although the versions differ */
	CHECK(run("va/w.pkg.tar.zst", "w2.pkg.tar.zst", 0, &r) == 1);
	json_t *fld = json_array_get(json_object_get(first_pkg(r), "pkginfo"), 0);
	CHECK_STR(sget(fld, "field", NULL), "version");
	CHECK_STR(sget(fld, "b", NULL), "2.0-r1");
	json_decref(r);
	free(va);
	free(vb);
}

TEST(provenance_beside_the_package)
{
	char *pa = at("pa"), *pb = at("pb");
	mkdir_p(pa, 0755);
	mkdir_p(pb, 0755);
	char *f;
	mkpkg(f = path_join(pa, "p-1.0-r1.x86_64.pkg.tar.zst"), "p", NULL, base, 2, 3), free(f);
	mkpkg(f = path_join(pb, "p-1.0-r1.x86_64.pkg.tar.zst"), "p", NULL, base, 2, 3), free(f);
	put(pa, "p-1.0-r1.x86_64.provenance.json", "{\n  \"tool\": \"1\"\n}\n", 0644);
	put(pb, "p-1.0-r1.x86_64.provenance.json", "{\n  \"tool\": \"2\"\n}\n", 0644);
	json_t *r;
	CHECK(run("pa", "pb", 0, &r) == 1);
	json_t *pk = first_pkg(r), *pv = json_object_get(pk, "provenance");
	CHECK(json_is_true(json_object_get(pk, "identical_bytes")));
	CHECK(pv && json_array_size(json_object_get(pv, "lines")) == 2);
	json_decref(r);
	f = path_join(pb, "p-1.0-r1.x86_64.provenance.json");
	unlink(f);
	free(f);
	CHECK(run("pa", "pb", 0, &r) == 1);
	CHECK_STR(sget(json_object_get(first_pkg(r), "provenance"), "only_in", NULL), "a");
	json_decref(r);
	free(pa);
	free(pb);
}

TEST(elf_sections_that_differ)
{
	char *e1 = at("e1"), *e2 = at("e2");
	mkdir_p(e1, 0755);
	mkdir_p(e2, 0755);
	put(e1, "m.c", "int v = 1; const char s[] = \"aaaa\"; int main(void) { return v; }\n",
	    0644);
	put(e2, "m.c", "int v = 2; const char s[] = \"aaaa\"; int main(void) { return v; }\n",
	    0644);
	CHECK(sh("cd '%s' && cc -O0 -o m m.c && cd '%s' && cc -O0 -o m m.c", e1, e2) == 0);
	char *b1 = NULL, *b2 = NULL;
	size_t l1 = 0, l2 = 0;
	char *m1 = path_join(e1, "m"), *m2 = path_join(e2, "m");
	if (read_file(m1, &b1, &l1) < 0 || read_file(m2, &b2, &l2) < 0) {
		CHECK(!"the test programs were built");
		return;
	}
	struct m a[] = {{'f', "usr/bin/m", b1, l1, 0755, 0, 0, NULL}};
	struct m b[] = {{'f', "usr/bin/m", b2, l2, 0755, 0, 0, NULL}};
	mkpkg(m1, "e", NULL, a, 1, 3);
	mkpkg(m2, "e", NULL, b, 1, 3);
	json_t *r;
	CHECK(diff_paths(m1, m2, &(struct diff_opts){.tmp = dir}, &r) == 1);
	json_t *c = json_object_get(file_entry(first_pkg(r), "usr/bin/m"), "content");
	json_t *s = json_object_get(c, "elf_sections"), *x;
	size_t i;
	int data = 0, text = 0;
	json_array_foreach(s, i, x)
	{
		data |= !strcmp(sget(x, "name", NULL), ".data");
		text |= !strcmp(sget(x, "name", NULL), ".text");
	}
	CHECK(s && data && !text);
	json_decref(r);
	free(b1);
	free(b2);
	free(m1);
	free(m2);
	free(e1);
	free(e2);
}

TEST(bad_inputs_name_the_file)
{
	json_t *r = NULL;
	put(dir, "junk.pkg.tar.zst", "not zstd", 0644);
	CHECK(run("junk.pkg.tar.zst", "same.pkg.tar.zst", 0, &r) == -1 && !r);
	CHECK(strstr(kr_errmsg(), "junk.pkg.tar.zst") && strstr(kr_errmsg(), "expected"));
	CHECK(run("missing", "same.pkg.tar.zst", 0, &r) == -1);
	CHECK(strstr(kr_errmsg(), "missing") && strstr(kr_errmsg(), "expected"));
	char *e = at("empty");
	mkdir_p(e, 0755);
	CHECK(run("empty", "same.pkg.tar.zst", 0, &r) == -1);
	CHECK(strstr(kr_errmsg(), "no *.pkg.tar.zst"));
	char *dup = at("dup"), *f;
	mkdir_p(dup, 0755);
	mkpkg(f = path_join(dup, "a.pkg.tar.zst"), "twice", NULL, base, 1, 3), free(f);
	mkpkg(f = path_join(dup, "b.pkg.tar.zst"), "twice", NULL, base, 1, 3), free(f);
	CHECK(run("dup", "same.pkg.tar.zst", 0, &r) == -1);
	CHECK(strstr(kr_errmsg(), "a.pkg.tar.zst") && strstr(kr_errmsg(), "b.pkg.tar.zst") &&
	      strstr(kr_errmsg(), "twice"));
	free(e);
	free(dup);
}

int main(void)
{
	dir = tmpdir_new();
	RUN(lines_show_only_what_changed);
	RUN(identical_builds_are_identical);
	RUN(every_member_difference_is_named);
	RUN(symlink_target_and_metadata_lines);
	RUN(large_files_compare_across_chunks);
	RUN(archive_level_differences);
	RUN(directories_pair_by_name);
	RUN(several_versions_pair_by_version);
	RUN(provenance_beside_the_package);
	RUN(elf_sections_that_differ);
	RUN(bad_inputs_name_the_file);
	/* the spool dirs are gone once a diff returns */
	int left = sh("ls -d '%s'/krill-diff.* >/dev/null 2>&1", dir) == 0;
	if (left)
		printf("FAIL spool_dirs_removed: %s/krill-diff.* left behind\n", dir);
	else
		printf("PASS spool_dirs_removed\n");
	rm_rf(dir);
	free(dir);
	return t_failed_total || left ? 1 : 0;
}
