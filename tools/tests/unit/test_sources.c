/* test_sources.c - lib/fetch/sources (the Debian Sources parser) and the
 * version rules of lib/fetch/outdated: what is read, what is refused and
 * where the error says it is. */
#include <stdlib.h>

#include "outdated.h"
#include "sources.h"
#include "t.h"

#define H64(c)                                                                                     \
	c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c  \
		c c c c c c c c c c c c c c c c c c c

struct seen {
	struct sb b;
	int n;
};

static int collect(const struct sources_para *p, void *arg)
{
	struct seen *s = arg;
	s->n++;
	sb_printf(&s->b, "%ld %s %s %s", p->line, p->package, p->version, p->directory);
	for (size_t i = 0; i < p->nfiles; i++)
		sb_printf(&s->b, " %s:%llu:%.4s", p->files[i].name,
			  (unsigned long long)p->files[i].size, p->files[i].sha256);
	sb_addc(&s->b, '\n');
	return 0;
}

/* Parse text; on failure return the error, else the paragraphs seen. */
static char *parse(const char *text)
{
	struct seen s = {SB_INIT, 0};
	int rc = sources_parse(text, strlen(text), "S", collect, &s);
	if (rc < 0) {
		sb_free(&s.b);
		return xasprintf("ERR %s", kr_errmsg());
	}
	return sb_steal(&s.b);
}

#define FILE1 " " H64("a") " 10 foo_1.0.orig.tar.gz\n"

TEST(paragraphs_read)
{
	char *got = parse("Package: foo\nBinary: foo, foo-doc,\n libfoo1\nVersion: 1:1.0-2\n"
			  "Checksums-Sha256:\n" FILE1
			  " " H64("b") " 7 foo_1.0-2.dsc\n"
				       "Directory: pool/main/f/foo\nX-Odd:\n\n\n"
				       "package: bar\nversion: 2\ndirectory: pool/main/b/bar\n"
				       "checksums-sha256:\n " H64("c") " 3 bar_2.tar.xz");
	CHECK_STR(got, "1 foo 1:1.0-2 pool/main/f/foo foo_1.0.orig.tar.gz:10:aaaa "
		       "foo_1.0-2.dsc:7:bbbb\n"
		       "12 bar 2 pool/main/b/bar bar_2.tar.xz:3:cccc\n");
	free(got);
}

TEST(malformed_paragraphs_located)
{
	static const struct {
		const char *text, *err;
	} cases[] = {
		{"Package: foo\nVersion 1.0\n", "S:2: expected 'Field: value'"},
		{"Package: foo\nVersion: 1.0-1\nDirectory: pool/x\n\nPackage: bar\n",
		 "S:4: the paragraph that starts at line 1 has no Checksums-Sha256 field"},
		{"Package: foo\nVersion: 1-1\nDirectory: pool/x\nChecksums-Sha256:\n" FILE1
		 "\nPackage: bar\n",
		 "S:7: the paragraph that starts at line 7 has no Version field"},
		{"Package: foo\nVersion: 1.0-1\nDirectory: pool/x\nChecksums-Sha256:\n\n",
		 "S:5: the paragraph that starts at line 1 lists no file"},
		{"Package: foo\nPackage: foo\n", "S:2: duplicate field 'Package'"},
		{" " H64("a") " 1 x\n", "S:1: a continuation line outside a paragraph"},
		{"Package: Foo\n", "S:1: bad Package 'Foo'"},
		{"Package: foo\nVersion: a1.0\n", "S:2: bad Version 'a1.0'"},
		{"Package: foo\nVersion: x:1.0\n", "S:2: bad Version 'x:1.0'"},
		{"Package: foo\nVersion: 1.0-\n", "S:2: bad Version '1.0-'"},
		{"Package: foo\nVersion: 1.0\n 2\n", "S:3: a continuation line after the one-line"},
		{"Package: foo\nDirectory: pool/../../etc\n",
		 "S:2: bad Directory 'pool/../../etc'"},
		{"Package: foo\nDirectory: /etc\n", "S:2: bad Directory '/etc'"},
		{"Package: foo\nChecksums-Sha256:\n " H64("a") " 1 ../../x\n",
		 "S:3: bad file name '../../x'"},
		{"Package: foo\nChecksums-Sha256:\n " H64("a") " 1 a/b\n",
		 "S:3: bad file name 'a/b'"},
		{"Package: foo\nChecksums-Sha256:\n " H64("A") " 1 x\n",
		 "S:3: expected ' SHA256 SIZE"},
		{"Package: foo\nChecksums-Sha256:\n " H64("a") " -1 x\n", "S:3: expected ' SHA256"},
		{"Package: foo\nChecksums-Sha256:\n " H64("a") " 99999999999999999999 x\n",
		 "S:3: expected ' SHA256"},
		{"Package: foo\nChecksums-Sha256:\n " H64("a") " 1\n", "S:3: expected ' SHA256"},
		{"Package: foo\nChecksums-Sha256: x\n", "S:2: Checksums-Sha256 has 'x'"},
		{"Package: foo\r\n", "S:1: control character 0x0d"},
		{"Package: foo\nVersion: 1\0\n", "S:2: control character 0x00"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		/* embedded NUL: pass the full length */
		size_t len = strlen(cases[i].text);
		if (strstr(cases[i].err, "0x00"))
			len += 2;
		struct seen s = {SB_INIT, 0};
		int rc = sources_parse(cases[i].text, len, "S", collect, &s);
		if (rc == 0 || !strstr(kr_errmsg(), cases[i].err))
			printf("  case %zu: rc %d, %s\n", i, rc, rc ? kr_errmsg() : "(no error)");
		CHECK(rc < 0 && strstr(kr_errmsg(), cases[i].err) == kr_errmsg());
		sb_free(&s.b);
	}
}

TEST(long_line_refused)
{
	size_t n = (1u << 20) + 16;
	char *big = xmalloc(n + 1);
	memcpy(big, "Package: foo\nBinary: ", 21);
	memset(big + 21, 'a', n - 21);
	big[n] = 0;
	struct seen s = {SB_INIT, 0};
	CHECK(sources_parse(big, n, "S", collect, &s) < 0);
	CHECK(strstr(kr_errmsg(), "S:2: a line longer than 1048576 bytes") != NULL);
	sb_free(&s.b);
	free(big);
}

static int stop(const struct sources_para *p, void *arg)
{
	(void)arg;
	kr_err("stopped at %s", p->package);
	return -1;
}

TEST(callback_error_stops)
{
	const char *t = "Package: foo\nVersion: 1\nDirectory: d\nChecksums-Sha256:\n" FILE1;
	CHECK(sources_parse(t, strlen(t), "S", stop, NULL) < 0);
	CHECK_STR(kr_errmsg(), "stopped at foo");
}

TEST(upstream_versions)
{
	static const char *const v[][2] = {
		{"1:1.3.dfsg+really1.3.2-4", "1.3.2"},
		{"1.5.7+dfsg-1", "1.5.7"},
		{"1.5.4+dfsg2-5+deb12u1", "1.5.4"},
		{"3.5.7-1~deb13u2", "3.5.7"},
		{"1:2.78-1", "2.78"},
		{"20250419", "20250419"},
		{"2.0+ds1-1", "2.0"},
		{"2.0~repack-1", "2.0"},
		{"4.4.1-3", "4.4.1"},
		{"2.0+dsx-1", "2.0+dsx"},
		{"8.23.0~rc3-1", "8.23.0~rc3"},
		{"1.0-2-3", "1.0-2"},
	};
	for (size_t i = 0; i < ARRAY_LEN(v); i++) {
		char *u = outdated_upstream(v[i][0]);
		CHECK_STR(u, v[i][1]);
		free(u);
	}
	CHECK(outdated_kind("8.23.0", "8.21.0") == OD_RELEASE);
	CHECK(outdated_kind("8.23.0~rc3", "8.21.0") == OD_PRE);
	CHECK(outdated_kind("2.47.50.20261021", "2.47") == OD_SNAPSHOT);
	CHECK(outdated_kind("20260601", "20250419") == OD_RELEASE);
	CHECK(outdated_kind("0.7.40+git5", "0.7.23") == OD_SNAPSHOT);
	CHECK(outdated_kind("1.0-2", "1.0") == OD_INVALID);
}

TEST(upstream_tarball_names)
{
	CHECK(sources_is_upstream_tarball("curl", "8.23.0-1", "curl_8.23.0.orig.tar.gz"));
	CHECK(sources_is_upstream_tarball("zlib", "1:1.3.dfsg+really1.3.2-4",
					  "zlib_1.3.dfsg+really1.3.2.orig.tar.gz"));
	CHECK(sources_is_upstream_tarball("ca-certificates", "20250419",
					  "ca-certificates_20250419.tar.xz"));
	CHECK(!sources_is_upstream_tarball("curl", "8.23.0-1", "curl_8.23.0.orig.tar.gz.asc"));
	CHECK(!sources_is_upstream_tarball("curl", "8.23.0-1", "curl_8.23.0-1.debian.tar.xz"));
	CHECK(!sources_is_upstream_tarball("gcc-16", "16.2.0-4", "gcc-16_16.2.0.orig-x.tar.gz"));
	CHECK(!sources_is_upstream_tarball("curl", "8.23.0-1", "curl_8.23.0.orig.tar."));
	CHECK(!sources_is_upstream_tarball("curl", "8.23.0-1", "curl_8.22.0.orig.tar.gz"));
}

int main(void)
{
	RUN(paragraphs_read);
	RUN(malformed_paragraphs_located);
	RUN(long_line_refused);
	RUN(callback_error_stops);
	RUN(upstream_versions);
	RUN(upstream_tarball_names);
	DONE();
}
