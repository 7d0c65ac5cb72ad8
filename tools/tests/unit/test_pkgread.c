/* test_pkgread.c - the package reader on archives crafted here with
 * libarchive's writer: good ones, and each way a package can be wrong. */
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "pkgread.h"
#include "t.h"

#define INFO                                                                                       \
	"name: hello\nversion: 1.0-r1\narch: x86_64\norigin: hello\nsummary: s\nlicense: "         \
	"MIT\ninstalled-size: 5\n"
#define SBOM "{\"spdxVersion\": \"SPDX-2.3\"}"

struct member {
	const char *path;
	int type;	  /* AE_IF* or 0 for hardlink */
	const char *data; /* file data, or link target */
};

static char *build(const struct member *m, size_t n, int zstd, size_t *len)
{
	size_t cap = 1 << 20;
	char *buf = xmalloc(cap);
	struct archive *a = archive_write_new();
	if (zstd)
		archive_write_add_filter_zstd(a);
	archive_write_set_format_pax_restricted(a);
	archive_write_open_memory(a, buf, cap, len);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, m[i].path);
		archive_entry_set_mtime(e, 1700000000, 0);
		if (m[i].type == 0) {
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_hardlink(e, m[i].data);
		} else {
			archive_entry_set_filetype(e, (unsigned)m[i].type);
		}
		archive_entry_set_perm(e, m[i].type == AE_IFDIR ? 0755 : 0644);
		if (m[i].type == AE_IFLNK)
			archive_entry_set_symlink(e, m[i].data);
		if (m[i].type == AE_IFREG)
			archive_entry_set_size(e, (la_int64_t)strlen(m[i].data));
		archive_write_header(a, e);
		if (m[i].type == AE_IFREG)
			archive_write_data(a, m[i].data, strlen(m[i].data));
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
	return buf;
}

static struct pkgread *open_members(const struct member *m, size_t n, int zstd, char **keep)
{
	size_t len;
	*keep = build(m, n, zstd, &len);
	return pkgread_open_memory(*keep, len, "p.pkg.tar.zst");
}

TEST(good_package_iterates)
{
	const struct member m[] = {
		{".PKGINFO", AE_IFREG, INFO},
		{".SBOM.spdx.json", AE_IFREG, SBOM},
		{"usr", AE_IFDIR, NULL},
		{"usr/bin", AE_IFDIR, NULL},
		{"usr/bin/hello", AE_IFREG, "hi!\n\n"},
		{"usr/bin/hi", AE_IFLNK, "hello"},
		{"usr/bin/hello2", 0, "usr/bin/hello"},
	};
	char *buf;
	struct pkgread *r = open_members(m, ARRAY_LEN(m), 1, &buf);
	CHECK(r != NULL);
	if (!r) {
		printf("  %s\n", kr_errmsg());
		free(buf);
		return;
	}
	CHECK_STR(pkgread_info(r)->name, "hello");
	size_t slen;
	CHECK(strstr(pkgread_sbom(r, &slen), "SPDX-2.3") != NULL);
	size_t ilen;
	CHECK_STR(pkgread_pkginfo_text(r, &ilen), INFO);
	CHECK(ilen == strlen(INFO));
	struct pkg_entry e;
	int types[8], n = 0;
	char data[16] = "";
	while (pkgread_next(r, &e) == 1 && n < 8) {
		types[n++] = e.type;
		if (e.type == PKG_FILE) {
			CHECK(e.size == 5 && e.mode == 0644 && e.mtime == 1700000000);
			CHECK(pkgread_data(r, data, sizeof data) == 5);
			CHECK(pkgread_data(r, data + 5, sizeof data - 5) == 0);
		}
		if (e.type == PKG_SYMLINK)
			CHECK_STR(e.link, "hello");
		if (e.type == PKG_HARDLINK)
			CHECK_STR(e.link, "usr/bin/hello");
	}
	CHECK(n == 5);
	CHECK(types[0] == PKG_DIR && types[2] == PKG_FILE && types[3] == PKG_SYMLINK &&
	      types[4] == PKG_HARDLINK);
	CHECK(!memcmp(data, "hi!\n\n", 5));
	pkgread_close(r);
	free(buf);
}

static const char *open_err(const struct member *m, size_t n, int zstd)
{
	char *buf;
	struct pkgread *r = open_members(m, n, zstd, &buf);
	free(buf);
	if (r) {
		pkgread_close(r);
		return NULL;
	}
	return kr_errmsg();
}

TEST(bad_shapes_refused)
{
	const char *m;
	const struct member sbom_first[] = {{".SBOM.spdx.json", AE_IFREG, SBOM},
					    {".PKGINFO", AE_IFREG, INFO}};
	m = open_err(sbom_first, 2, 1);
	CHECK(m &&
	      strstr(m, "first member is '.SBOM.spdx.json', expected the regular file .PKGINFO"));
	const struct member no_sbom[] = {{".PKGINFO", AE_IFREG, INFO}, {"usr", AE_IFDIR, NULL}};
	m = open_err(no_sbom, 2, 1);
	CHECK(m && strstr(m, "second member is 'usr"));
	const struct member only_info[] = {{".PKGINFO", AE_IFREG, INFO}};
	m = open_err(only_info, 1, 1);
	CHECK(m && strstr(m, "ends early"));
	const struct member bad_info[] = {{".PKGINFO", AE_IFREG, "name: x\n"},
					  {".SBOM.spdx.json", AE_IFREG, SBOM}};
	m = open_err(bad_info, 2, 1);
	CHECK(m && strstr(m, "p.pkg.tar.zst:.PKGINFO:1: missing required key"));
	const struct member idx_info[] = {{".PKGINFO", AE_IFREG, INFO "size: 3\n"},
					  {".SBOM.spdx.json", AE_IFREG, SBOM}};
	m = open_err(idx_info, 2, 1);
	CHECK(m && strstr(m, ".PKGINFO:8: unknown key 'size'"));
	const struct member two[] = {{".PKGINFO", AE_IFREG, INFO "\n" INFO},
				     {".SBOM.spdx.json", AE_IFREG, SBOM}};
	m = open_err(two, 2, 1);
	CHECK(m && strstr(m, "a second stanza"));
	const struct member bad_json[] = {{".PKGINFO", AE_IFREG, INFO},
					  {".SBOM.spdx.json", AE_IFREG, "{\"a\": "}};
	m = open_err(bad_json, 2, 1);
	CHECK(m && strstr(m, ".SBOM.spdx.json:1:"));
	const struct member dir_info[] = {{".PKGINFO", AE_IFDIR, NULL},
					  {".SBOM.spdx.json", AE_IFREG, SBOM}};
	m = open_err(dir_info, 2, 1);
	CHECK(m && strstr(m, "expected the regular file .PKGINFO"));
	const struct member ok[] = {{".PKGINFO", AE_IFREG, INFO},
				    {".SBOM.spdx.json", AE_IFREG, SBOM}};
	m = open_err(ok, 2, 0);
	CHECK(m && strstr(m, "not zstd-compressed"));
	m = open_err(ok, 2, 1);
	CHECK(m == NULL);
}

static const char *iter_err(const struct member *m, size_t n)
{
	char *buf;
	struct pkgread *r = open_members(m, n, 1, &buf);
	if (!r) {
		free(buf);
		return kr_errmsg();
	}
	struct pkg_entry e;
	int rc;
	while ((rc = pkgread_next(r, &e)) == 1)
		;
	pkgread_close(r);
	free(buf);
	return rc < 0 ? kr_errmsg() : NULL;
}

TEST(bad_members_refused)
{
	const char *m;
	const struct member more[] = {{".PKGINFO", AE_IFREG, INFO},
				      {".SBOM.spdx.json", AE_IFREG, SBOM},
				      {"a", AE_IFREG, "1234"},
				      {"b", AE_IFREG, "56"}};
	m = iter_err(more, 4);
	CHECK(m && strstr(m, "b: files add up to more than installed-size 5"));
	const struct member again[] = {{".PKGINFO", AE_IFREG, INFO},
				       {".SBOM.spdx.json", AE_IFREG, SBOM},
				       {".PKGINFO", AE_IFREG, "x"}};
	m = iter_err(again, 3);
	CHECK(m && strstr(m, ".PKGINFO appears again"));
	const struct member fine[] = {{".PKGINFO", AE_IFREG, INFO},
				      {".SBOM.spdx.json", AE_IFREG, SBOM},
				      {"a", AE_IFREG, "12345"},
				      {"dev", AE_IFCHR, NULL}};
	m = iter_err(fine, 4);
	CHECK(m == NULL);
}

#define SUM_A "5994471abb01112afcc18159f6cc74b4f511b99806da59b3caf5a9c173cacfc5" /* "12345" */
#define SUM_B "6b51d431df5d7f141cbececcf79edf3dd861c3b4069f0b11661a3eefacbba918" /* "12" */

/* .SHA256SUMS: each regular file gets its line's digest; the SBOM is not
 * parsed when the caller needs only those (PKGREAD_SUMS_ENOUGH). */
TEST(sums_member)
{
	const struct member m[] = {{".PKGINFO", AE_IFREG, INFO},
				   {".SBOM.spdx.json", AE_IFREG, "not JSON at all"},
				   {".SHA256SUMS", AE_IFREG, SUM_A "  usr/a\n"},
				   {"usr", AE_IFDIR, NULL},
				   {"usr/a", AE_IFREG, "12345"},
				   {"usr/b", 0, "usr/a"}};
	size_t len;
	char *buf = build(m, ARRAY_LEN(m), 1, &len);
	/* the SBOM is still checked by a plain open (the index's) */
	struct pkgread *r = pkgread_open_memory(buf, len, "p");
	CHECK(r == NULL && strstr(kr_errmsg(), ".SBOM.spdx.json:1:"));
	r = pkgread_open_memory_flags(buf, len, "p", PKGREAD_SUMS_ENOUGH);
	CHECK(r != NULL);
	struct pkg_entry e;
	int files = 0, rc;
	while (r && (rc = pkgread_next(r, &e)) == 1) {
		if (e.type == PKG_FILE) {
			files++;
			CHECK(e.sha256 && !memcmp(e.sha256, SUM_A, 64));
		} else {
			CHECK(e.sha256 == NULL);
		}
	}
	CHECK(r && rc == 0 && files == 1);
	size_t tl;
	CHECK(r && !strcmp(pkgread_sums_text(r, &tl), SUM_A "  usr/a\n") && tl == 66 + 6);
	pkgread_close(r);
	free(buf);

	/* without the member (a package written before it): the SBOM is
	 * parsed, and entries carry no digest */
	const struct member old[] = {{".PKGINFO", AE_IFREG, INFO},
				     {".SBOM.spdx.json", AE_IFREG, SBOM},
				     {"usr/a", AE_IFREG, "12345"}};
	buf = build(old, ARRAY_LEN(old), 1, &len);
	r = pkgread_open_memory_flags(buf, len, "p", PKGREAD_SUMS_ENOUGH);
	CHECK(r && pkgread_next(r, &e) == 1 && !strcmp(e.path, "usr/a") && !e.sha256 &&
	      pkgread_sums_text(r, &tl) == NULL && pkgread_next(r, &e) == 0);
	pkgread_close(r);
	free(buf);
	/* and a package of the metadata alone ends cleanly */
	r = open_members(old, 2, 1, &buf);
	CHECK(r && pkgread_next(r, &e) == 0);
	pkgread_close(r);
	free(buf);
}

static const char *sums_err(const char *sums, const char *b)
{
	const struct member m[] = {{".PKGINFO", AE_IFREG, INFO},
				   {".SBOM.spdx.json", AE_IFREG, SBOM},
				   {".SHA256SUMS", AE_IFREG, sums},
				   {"a", AE_IFREG, "12345"},
				   {b ? b : "c", b ? AE_IFREG : AE_IFDIR, b ? "" : NULL}};
	return iter_err(m, ARRAY_LEN(m));
}

TEST(bad_sums_refused)
{
	const char *m;
	/* a digest is the signer's word, not checked here: b holds "", not "12"
	 * (the installer records it; audit then reports b) */
	CHECK(sums_err(SUM_A "  a\n" SUM_B "  b\n", "b") == NULL);
	CHECK(sums_err(SUM_A "  a\n", NULL) == NULL);
	m = sums_err(SUM_A " a\n", NULL);
	CHECK(m && strstr(m, ".SHA256SUMS:1: expected 64 lowercase hex digits, two spaces"));
	m = sums_err(SUM_A "  a", NULL); /* no final newline */
	CHECK(m && strstr(m, ".SHA256SUMS:1: expected"));
	m = sums_err(SUM_A "  a\nXYZ  c\n", NULL);
	CHECK(m && strstr(m, ".SHA256SUMS:2: expected"));
	m = sums_err("5994471ABB01112AFCC18159F6CC74B4F511B99806DA59B3CAF5A9C173CACFC5  a\n", NULL);
	CHECK(m && strstr(m, ".SHA256SUMS:1: expected 64 lowercase"));
	m = sums_err(SUM_A "  \n", NULL);
	CHECK(m && strstr(m, ".SHA256SUMS:1: expected"));
	/* lines and members must pair up, in order */
	m = sums_err("", NULL);
	CHECK(m && strstr(m, "p.pkg.tar.zst: a: .SHA256SUMS line 1 is missing, expected"));
	m = sums_err(SUM_A "  x\n", NULL);
	CHECK(m && strstr(m, "a: .SHA256SUMS line 1 names 'x', expected this regular file's line"));
	m = sums_err(SUM_A "  a\n" SUM_B "  gone\n", NULL);
	CHECK(m && strstr(m, ".SHA256SUMS line 2 names 'gone', which is not a regular file"));
	m = sums_err(SUM_A "  a\n", "b");
	CHECK(m && strstr(m, "b: .SHA256SUMS line 2 is missing"));
	/* where it belongs, and only there */
	const struct member late[] = {{".PKGINFO", AE_IFREG, INFO},
				      {".SBOM.spdx.json", AE_IFREG, SBOM},
				      {"a", AE_IFREG, "12345"},
				      {".SHA256SUMS", AE_IFREG, SUM_A "  a\n"}};
	m = iter_err(late, 4);
	CHECK(m && strstr(m, ".SHA256SUMS appears again, expected it only at the start"));
	const struct member dir[] = {{".PKGINFO", AE_IFREG, INFO},
				     {".SBOM.spdx.json", AE_IFREG, SBOM},
				     {".SHA256SUMS", AE_IFLNK, "elsewhere"}};
	m = iter_err(dir, 3);
	CHECK(m && strstr(m, ".SHA256SUMS is not a regular file of at most"));
}

/* PKGREAD_VERIFIED skips zstd's frame checksum, and only for that open:
 * pooled decoder contexts forget the flag. */
TEST(verified_skips_the_frame_checksum)
{
	const struct member m[] = {{".PKGINFO", AE_IFREG, INFO},
				   {".SBOM.spdx.json", AE_IFREG, SBOM},
				   {"a", AE_IFREG, "12345"}};
	size_t tlen;
	char *tar = build(m, ARRAY_LEN(m), 0, &tlen);
	ZSTD_CCtx *c = ZSTD_createCCtx();
	ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
	size_t cap = ZSTD_compressBound(tlen), zlen;
	char *z = xmalloc(cap);
	zlen = ZSTD_compress2(c, z, cap, tar, tlen);
	ZSTD_freeCCtx(c);
	CHECK(!ZSTD_isError(zlen) && zlen > 4);
	z[zlen - 1] ^= 0x55; /* the checksum is the frame's last 4 bytes */
	for (int round = 0; round < 2; round++) {
		int got[2];
		for (int v = 0; v < 2; v++) {
			struct pkgread *r =
				pkgread_open_memory_flags(z, zlen, "z", v ? PKGREAD_VERIFIED : 0);
			struct pkg_entry e;
			char d[8];
			int rc = r ? 1 : -1;
			while (rc == 1 && (rc = pkgread_next(r, &e)) == 1)
				while (pkgread_data(r, d, sizeof d) > 0)
					;
			got[v] = rc;
			pkgread_close(r);
		}
		CHECK(got[0] < 0);
		CHECK(got[1] == 0);
	}
	free(z);
	free(tar);
}

TEST(truncated_and_garbage_refused)
{
	const struct member ok[] = {{".PKGINFO", AE_IFREG, INFO},
				    {".SBOM.spdx.json", AE_IFREG, SBOM},
				    {"a", AE_IFREG, "12345"}};
	size_t len;
	char *buf = build(ok, 3, 1, &len);
	int failures = 0;
	/* every prefix must fail cleanly somewhere, never crash */
	for (size_t cut = 0; cut < len; cut += 7) {
		struct pkgread *r = pkgread_open_memory(buf, cut, "cut");
		struct pkg_entry e;
		int rc = -1;
		if (r) {
			while ((rc = pkgread_next(r, &e)) == 1) {
				char d[8];
				while (pkgread_data(r, d, sizeof d) > 0)
					;
			}
			pkgread_close(r);
		}
		failures += rc != 0;
	}
	CHECK(failures > 0);
	struct pkgread *r = pkgread_open_memory("garbage", 7, "g");
	CHECK(r == NULL);
	CHECK(pkgread_open("/nonexistent/x.pkg.tar.zst") == NULL);
	CHECK(strstr(kr_errmsg(), "/nonexistent/x.pkg.tar.zst") != NULL);
	free(buf);
}

/* The SBOM check: depth and memory caps, what passes them still parsed */
TEST(sbom_caps)
{
	CHECK(pkgread_check_sbom(SBOM, strlen(SBOM), "p") == 0);
	CHECK(pkgread_check_sbom("[1]", 3, "p") < 0 && strstr(kr_errmsg(), "not a JSON object"));
	const char *str = "{\"a\": \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\\"\"}";
	CHECK(pkgread_check_sbom(str, strlen(str), "p") == 0); /* brackets in a string */
	struct sb deep = SB_INIT;
	sb_adds(&deep, "{\"a\": ");
	for (int i = 0; i < 40; i++)
		sb_addc(&deep, '[');
	for (int i = 0; i < 40; i++)
		sb_addc(&deep, ']');
	sb_addc(&deep, '}');
	CHECK(pkgread_check_sbom(sb_str(&deep), deep.len, "p") < 0 &&
	      strstr(kr_errmsg(), "nested more than 32 deep"));
	sb_free(&deep);
	/* 2 MiB of empty objects: jansson would need ~150 MiB */
	struct sb bomb = SB_INIT;
	sb_adds(&bomb, "{\"a\": [");
	for (int i = 0; i < 700000; i++)
		sb_adds(&bomb, "{},");
	sb_adds(&bomb, "{}]}");
	CHECK(pkgread_check_sbom(sb_str(&bomb), bomb.len, "p") < 0 &&
	      strstr(kr_errmsg(), "an SBOM bomb"));
	sb_free(&bomb);
	/* jansson works normally afterwards (the budget is off again) */
	CHECK(pkgread_check_sbom(SBOM, strlen(SBOM), "p") == 0);
}

/* Members with 800 KB pax headers (300 KB xattrs, written twice; libarchive itself stops at 1 MB)
 * and no data: refused once the metadata passes 16 KiB per member + 1 MiB */
TEST(metadata_bomb_refused)
{
	size_t cap = 8 << 20, len;
	char *buf = xmalloc(cap), *big = xmalloc(1 << 20);
	memset(big, 'x', 1 << 20);
	struct archive *a = archive_write_new();
	archive_write_add_filter_zstd(a);
	archive_write_set_format_pax_restricted(a);
	archive_write_open_memory(a, buf, cap, &len);
	const char *names[] = {".PKGINFO", ".SBOM.spdx.json", "a", "b", "c", "d", "e", "f"};
	const char *datas[] = {INFO, SBOM, "", "", "", "", "", ""};
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, names[i]);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)strlen(datas[i]));
		if (i >= 2)
			archive_entry_xattr_add_entry(e, "user.bomb", big, 300000);
		archive_write_header(a, e);
		archive_write_data(a, datas[i], strlen(datas[i]));
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
	struct pkgread *r = pkgread_open_memory(buf, len, "p.pkg.tar.zst");
	CHECK(r != NULL);
	struct pkg_entry pe;
	int rc = 1;
	for (int i = 0; r && rc == 1 && i < 10; i++)
		rc = pkgread_next(r, &pe);
	if (rc >= 0 || !strstr(kr_errmsg(), "a metadata bomb"))
		printf("# %d %s\n", rc, kr_errmsg());
	CHECK(rc < 0 && strstr(kr_errmsg(), "a metadata bomb"));
	pkgread_close(r);
	free(buf);
	free(big);
}

int main(void)
{
	RUN(good_package_iterates);
	RUN(bad_shapes_refused);
	RUN(bad_members_refused);
	RUN(sums_member);
	RUN(bad_sums_refused);
	RUN(verified_skips_the_frame_checksum);
	RUN(truncated_and_garbage_refused);
	RUN(sbom_caps);
	RUN(metadata_bomb_refused);
	DONE();
}
