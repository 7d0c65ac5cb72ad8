/* test_remotecache.c - the remote cache's manifest parser on hostile
 * input, and a file:// push/fetch round trip: what is refused (unknown
 * key, a file name that escapes, a key mismatch, wrong bytes) leaves the
 * local result dir absent and no temp dir behind. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "remotecache.h"
#include "sign.h"
#include "t.h"

#define K64	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define H64	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ENTRY(n, s) "file: " n "\nsize: " s "\nsha256: " H64 "\n"
#define HEAD	    "format: krill-result-1\nkey: " K64 "\n"

static int parses(const char *text)
{
	struct rcache_manifest m;
	int rc = rcache_manifest_parse(text, strlen(text), "RESULT", K64, &m);
	rcache_manifest_free(&m);
	return rc == 0;
}

TEST(manifest_good)
{
	const char *s = HEAD ENTRY("done", "60") ENTRY("x-1.0-r1.host.pkg.tar.zst", "123");
	struct rcache_manifest m;
	CHECK(rcache_manifest_parse(s, strlen(s), "RESULT", K64, &m) == 0);
	CHECK(m.n == 2);
	if (m.n == 2) {
		CHECK_STR(m.name[1], "x-1.0-r1.host.pkg.tar.zst");
		CHECK(m.size[1] == 123);
		CHECK_STR(m.sha256[0], H64);
	}
	rcache_manifest_free(&m);
}

TEST(manifest_hostile_names)
{
	CHECK(!parses(HEAD ENTRY("done", "1") ENTRY("../x", "1")));
	CHECK(!parses(HEAD ENTRY("done", "1") ENTRY("a/b", "1")));
	CHECK(!parses(HEAD ENTRY(".hidden", "1") ENTRY("done", "1")));
	CHECK(!parses(HEAD ENTRY("done", "1") ENTRY("RESULT", "1")));
	CHECK(!parses(HEAD ENTRY("-x", "1") ENTRY("done", "1")));
	CHECK(!parses(HEAD ENTRY("a b", "1") ENTRY("done", "1")));
	CHECK(!parses(HEAD ENTRY("", "1") ENTRY("done", "1")));
}

TEST(manifest_order_and_duplicates)
{
	CHECK(!parses(HEAD ENTRY("done", "1") ENTRY("done", "1")));
	CHECK(!parses(HEAD ENTRY("z", "1") ENTRY("done", "1")));
}

TEST(manifest_fields)
{
	CHECK(!parses(HEAD ENTRY("x", "1")));			   /* no done */
	CHECK(!parses(HEAD ENTRY("done", "-1")));		   /* size */
	CHECK(!parses(HEAD ENTRY("done", "01")));		   /* leading zero */
	CHECK(!parses(HEAD ENTRY("done", "99999999999")));	   /* > 4 GiB */
	CHECK(!parses(HEAD "file: done\nsize: 1\nsha256: ABC\n")); /* hash */
	CHECK(!parses(HEAD "file: done\nsize: 1\nsha256: " H64));  /* no newline */
	CHECK(!parses(HEAD "file: done\nsha256: " H64 "\nsize: 1\n"));
	CHECK(!parses(HEAD "file: done\nsize: 1\nsha256: "
			   "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef\n"));
	CHECK(!parses("format: krill-result-2\nkey: " K64 "\n" ENTRY("done", "1")));
	CHECK(!parses("format: krill-result-1\nkey: "
		      "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n" ENTRY(
			      "done", "1")));
	CHECK(!parses(HEAD ENTRY("done", "1") "extra: 1\n"));
	const char nul[] = HEAD "file: do\0ne\nsize: 1\nsha256: " H64 "\n";
	struct rcache_manifest m;
	CHECK(rcache_manifest_parse(nul, sizeof nul - 1, "RESULT", K64, &m) < 0);
	rcache_manifest_free(&m);
}

static char dir[64];

static char *p(const char *rel)
{
	return xasprintf("%s/%s", dir, rel);
}

/* A result dir with a package-like file and its done stamp. */
static void make_result(const char *out)
{
	mkdir_p(out, 0755);
	char *f = path_join(out, "x-1.0-r1.host.pkg.tar.zst");
	write_file_atomic(f, "package bytes", 13, 0644);
	free(f);
	f = path_join(out, "done");
	const char *d = "key: " K64 "\nport: x\n";
	write_file_atomic(f, d, strlen(d), 0644);
	free(f);
}

static int leftovers(const char *results)
{
	struct strlist l = STRLIST_INIT;
	int n = 0;
	if (list_dir(results, &l) == 0)
		for (size_t i = 0; i < l.n; i++)
			n += strstr(l.v[i], ".tmp.") != NULL;
	sl_free(&l);
	return n;
}

TEST(file_roundtrip_and_refusals)
{
	char *keys = p("k"), *trust = p("trust"), *other = p("other");
	char *pem = p("k/builder.pem"), *rogue = p("k/rogue.pem");
	mkdir_p(keys, 0700);
	CHECK(sign_keygen(keys, "builder") == 0 && sign_keygen(keys, "rogue") == 0);
	mkdir_p(trust, 0755);
	mkdir_p(other, 0755);
	char *pub = p("k/builder.pub"), *tpub = p("trust/builder.pub");
	char *rpub = p("k/rogue.pub"), *opub = p("other/rogue.pub");
	CHECK(copy_file(pub, tpub) == 0 && copy_file(rpub, opub) == 0);
	char *src = p("built"), *srv = p("srv"), *res = p("results"), *out = p("results/" K64);
	make_result(src);
	char *url = xasprintf("file://%s", srv);
	struct rcache c = {url, trust, pem, 1};
	uint64_t n = 0;

	CHECK(rcache_fetch(&c, K64, out, &n) == 0); /* a miss */
	CHECK(rcache_push(&c, K64, src, 0, &n) == 0);
	CHECK(n > 13);
	CHECK(rcache_push(&c, K64, src, 0, &n) == 1); /* first writer wins */
	CHECK(rcache_fetch(&c, K64, out, &n) == 1);
	char *done = p("results/" K64 "/done");
	CHECK(path_exists(done));
	CHECK(leftovers(res) == 0);
	rm_rf(out);

	/* trusting only another key: refused, naming it */
	struct rcache o = {url, other, NULL, 0};
	CHECK(rcache_fetch(&o, K64, out, &n) < 0);
	CHECK(strstr(kr_errmsg(), "not among the trusted keys") != NULL);
	CHECK(!path_exists(out));

	/* signed by the rogue key: refused */
	struct rcache r = {url, trust, rogue, 1};
	CHECK(rcache_push(&r, K64, src, 1, &n) == 0);
	CHECK(rcache_fetch(&c, K64, out, &n) < 0);
	CHECK(strstr(kr_errmsg(), "signed by key") != NULL);
	CHECK(!path_exists(out));

	/* wrong bytes under a good signature: refused, naming the file */
	CHECK(rcache_push(&c, K64, src, 1, &n) == 0);
	char *served = p("srv/" K64 "/x-1.0-r1.host.pkg.tar.zst");
	write_file_atomic(served, "PACKAGE BYTES", 13, 0644);
	CHECK(rcache_fetch(&c, K64, out, &n) < 0);
	CHECK(strstr(kr_errmsg(), "x-1.0-r1.host.pkg.tar.zst: sha256 mismatch") != NULL);
	CHECK(!path_exists(out));
	CHECK(leftovers(res) == 0);

	/* a larger body than listed: cut off */
	write_file_atomic(served, "package bytes and more", 22, 0644);
	CHECK(rcache_fetch(&c, K64, out, &n) < 0);
	CHECK(!path_exists(out) && leftovers(res) == 0);

	/* the entry of one key served for another: refused */
	char *k2 = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
	char *e1 = p("srv/" K64), *e2 = xasprintf("%s/srv/%s", dir, k2);
	char *out2 = xasprintf("%s/results/%s", dir, k2);
	CHECK(rcache_push(&c, K64, src, 1, &n) == 0);
	CHECK(rename(e1, e2) == 0);
	CHECK(rcache_fetch(&c, k2, out2, &n) < 0);
	CHECK(strstr(kr_errmsg(), "not "
				  "bbbbbbbbbbbbbbbb") != NULL);
	CHECK(!path_exists(out2));

	/* not a URL krill knows, and not a key */
	struct rcache bad = {"ftp://x", trust, NULL, 0};
	CHECK(rcache_fetch(&bad, K64, out, &n) < 0);
	CHECK(rcache_fetch(&c, "../../etc", out, &n) < 0);

	free(e1);
	free(e2);
	free(out2);
	free(served);
	free(done);
	free(url);
	free(src);
	free(srv);
	free(res);
	free(out);
	free(pub);
	free(tpub);
	free(rpub);
	free(opub);
	free(keys);
	free(trust);
	free(other);
	free(pem);
	free(rogue);
}

int main(void)
{
	strcpy(dir, "/tmp/krill-rcache-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	RUN(manifest_good);
	RUN(manifest_hostile_names);
	RUN(manifest_order_and_duplicates);
	RUN(manifest_fields);
	RUN(file_roundtrip_and_refusals);
	rm_rf(dir);
	DONE();
}
