/* test_pkginfo.c - the .PKGINFO / index stanza format. */
#include "pkginfo.h"
#include "t.h"

static const char stanza[] = "name: zstd\n"
			     "version: 1.5.6-r1\n"
			     "arch: x86_64\n"
			     "origin: zstd\n"
			     "summary: fast compression\n"
			     "license: BSD-3-Clause\n"
			     "installed-size: 1234\n"
			     "depend: so:libc.so.6\n"
			     "depend: libzstd=1.5.6-r1\n"
			     "provide: so:libzstd.so.1\n";

static int parse(const char *text, int index, struct pkginfo *p)
{
	size_t pos = 0;
	int line = 1;
	return pkginfo_parse(text, strlen(text), &pos, &line, "t", index, p);
}

TEST(parse_fields_and_roundtrip)
{
	struct pkginfo p;
	CHECK(parse(stanza, 0, &p) == 1);
	CHECK_STR(p.name, "zstd");
	CHECK_STR(p.version, "1.5.6-r1");
	CHECK(p.installed_size == 1234);
	CHECK(p.depends.n == 2 && p.provides.n == 1);
	struct sb b = SB_INIT;
	pkginfo_write(&p, &b);
	/* written lists are sorted: libzstd before so: */
	CHECK(strstr(sb_str(&b), "depend: libzstd=1.5.6-r1\ndepend: so:libc.so.6\n") != NULL);
	struct pkginfo q;
	CHECK(parse(sb_str(&b), 0, &q) == 1);
	struct sb b2 = SB_INIT;
	pkginfo_write(&q, &b2);
	CHECK_STR(sb_str(&b), sb_str(&b2));
	char *fn = pkginfo_filename(&p);
	CHECK_STR(fn, "zstd-1.5.6-r1.x86_64.pkg.tar.zst");
	free(fn);
	sb_free(&b);
	sb_free(&b2);
	pkginfo_free(&p);
	pkginfo_free(&q);
}

TEST(index_stanzas_in_sequence)
{
	char *text = xasprintf("%sfile: a.pkg.tar.zst\nsha256: %064d\nsize: 10\n\n"
			       "%sfile: b.pkg.tar.zst\nsha256: %064d\nsize: 20\n",
			       stanza, 0, stanza, 1);
	size_t pos = 0;
	int line = 1;
	struct pkginfo p;
	CHECK(pkginfo_parse(text, strlen(text), &pos, &line, "INDEX", 1, &p) == 1);
	CHECK(p.size == 10 && !strcmp(p.file, "a.pkg.tar.zst"));
	pkginfo_free(&p);
	CHECK(line == 15);
	CHECK(pkginfo_parse(text, strlen(text), &pos, &line, "INDEX", 1, &p) == 1);
	CHECK(p.size == 20 && p.sha256[63] == '1');
	pkginfo_free(&p);
	CHECK(pkginfo_parse(text, strlen(text), &pos, &line, "INDEX", 1, &p) == 0);
	free(text);
}

static int fails_with(const char *text, int index, const char *sub)
{
	struct pkginfo p;
	int rc = parse(text, index, &p);
	if (rc == 1)
		pkginfo_free(&p);
	return rc == -1 && strstr(kr_errmsg(), sub) != NULL;
}

TEST(errors_name_the_line)
{
	char *t = xasprintf("%scolour: red\n", stanza);
	CHECK(fails_with(t, 0, "t:11: unknown key 'colour'"));
	free(t);
	t = xasprintf("%sname: again\n", stanza);
	CHECK(fails_with(t, 0, "t:11: duplicate key 'name'"));
	free(t);
	CHECK(fails_with("name: x\n", 0, "t:1: missing required key"));
	CHECK(fails_with("name x\n", 0, "t:1: expected 'key: value'"));
	t = xasprintf("%sfile: a\n", stanza); /* index field in a package */
	CHECK(fails_with(t, 0, "unknown key 'file'"));
	free(t);
	t = xasprintf("%sfile: a\nsha256: XYZ\nsize: 1\n", stanza);
	CHECK(fails_with(t, 1, "malformed sha256"));
	free(t);
	t = xasprintf("%sfile: ../a\nsha256: %064d\nsize: 1\n", stanza, 0);
	CHECK(fails_with(t, 1, "bad file name"));
	free(t);
	t = xasprintf("%skeyring: no\n", stanza); /* only "yes" marks the keyring package */
	CHECK(fails_with(t, 0, "keyring is 'no', expected 'yes'"));
	free(t);
	t = xasprintf("%skeyring: yes\n", stanza);
	struct pkginfo kp;
	CHECK(parse(t, 0, &kp) == 1 && kp.keyring && !strcmp(kp.keyring, "yes"));
	pkginfo_free(&kp);
	free(t);
	char bad[] = "name: x\ninstalled-size: 01\n";
	CHECK(fails_with(bad, 0, "expected a whole number"));
	char nul[] = "name: a\0b\n";
	struct pkginfo p;
	size_t pos = 0;
	int line = 1;
	CHECK(pkginfo_parse(nul, sizeof nul - 1, &pos, &line, "t", 0, &p) == -1);
}

int main(void)
{
	RUN(parse_fields_and_roundtrip);
	RUN(index_stanzas_in_sequence);
	RUN(errors_name_the_line);
	DONE();
}
