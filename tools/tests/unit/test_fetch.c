/* test_fetch.c - lib/fetch: the lookup order over cache, distfiles and
 * file:// mirrors; mismatches and misses leave the cache clean and say
 * where they looked. The Debian step is off (no network in tests), but
 * for one lookup in a prepared, fresh index. */
#include <stdlib.h>
#include <unistd.h>

#include "fetch.h"
#include "t.h"
#include "util.h"

static char *tmp;
static char hash[SHA256_HEX_LEN + 1], other[SHA256_HEX_LEN + 1];
static const char content[] = "source tarball bytes\n";

static char *put(const char *dir, const char *name, const char *text)
{
	char *d = path_join(tmp, dir), *p = path_join(d, name);
	mkdir_p(d, 0755);
	write_file_atomic(p, text, strlen(text), 0644);
	free(d);
	return p;
}

/* A fresh cache and options with the Debian step off. */
static void opts(struct fetch_opts *o, const char *cache)
{
	char *c = path_join(tmp, cache);
	fetch_opts_init(o, c);
	free(c);
	o->no_debian = 1;
}

/* Entries of the cache's distfiles folder (temp files included). */
static int cache_entries(const struct fetch_opts *o)
{
	char *d = xasprintf("%s/distfiles", o->cache_dir);
	struct strlist l = STRLIST_INIT;
	int n = list_dir(d, &l) < 0 ? -1 : (int)l.n;
	sl_free(&l);
	free(d);
	return n;
}

TEST(distfiles_by_name_then_cache)
{
	struct fetch_opts o;
	opts(&o, "c1");
	free(put("dist", "pkg-1.0.tar.gz", content));
	o.distfiles = path_join(tmp, "dist");
	struct fetch_result r;
	CHECK(fetch_file(&o, "pkg-1.0.tar.gz", hash, NULL, &r) == 0);
	CHECK(r.origin == FETCH_DISTFILES && r.size == strlen(content));
	char *want = fetch_cache_path(o.cache_dir, hash);
	CHECK_STR(r.path, want);
	char got[SHA256_HEX_LEN + 1];
	CHECK(sha256_file(want, got, NULL) == 0 && !strcmp(got, hash));
	fetch_result_free(&r);
	CHECK(fetch_file(&o, "pkg-1.0.tar.gz", hash, NULL, &r) == 0);
	CHECK(r.origin == FETCH_CACHE);
	CHECK(cache_entries(&o) == 1);
	fetch_result_free(&r);
	free(want);
	fetch_opts_free(&o);
}

/* A temp file of a killed fetcher goes; one of a live fetcher stays. */
TEST(stale_temp_files_removed)
{
	struct fetch_opts o;
	opts(&o, "c9");
	char *dead = xasprintf(".tmp-%s-999999999-0", hash);
	char *live = xasprintf(".tmp-%s-%ld-0.part", hash, (long)getppid());
	free(put("c9/distfiles", dead, "partial"));
	free(put("c9/distfiles", live, "partial"));
	free(put("up9", "pkg.tar.gz", content));
	char *up = xasprintf("file://%s/up9/pkg.tar.gz", tmp);
	struct fetch_result r;
	CHECK(fetch_file(&o, "pkg.tar.gz", hash, up, &r) == 0);
	char *d = xasprintf("%s/distfiles/%s", o.cache_dir, dead);
	char *l = xasprintf("%s/distfiles/%s", o.cache_dir, live);
	CHECK(!path_exists(d));
	CHECK(path_exists(l));
	CHECK(cache_entries(&o) == 2);
	fetch_result_free(&r);
	free(d), free(l), free(up), free(dead), free(live);
	fetch_opts_free(&o);
}

TEST(distfiles_by_hash)
{
	struct fetch_opts o;
	opts(&o, "c2");
	free(put("byhash", hash, content));
	o.distfiles = path_join(tmp, "byhash");
	struct fetch_result r;
	CHECK(fetch_file(&o, "renamed.tar.gz", hash, NULL, &r) == 0);
	CHECK(r.origin == FETCH_DISTFILES && str_ends(r.from, hash));
	fetch_result_free(&r);
	fetch_opts_free(&o);
}

TEST(mirrors_in_order_by_name_and_hash)
{
	struct fetch_opts o;
	opts(&o, "c3");
	free(put("m2", hash, content));
	sl_push_own(&o.mirrors, xasprintf("file://%s/m-empty", tmp));
	sl_push_own(&o.mirrors, xasprintf("file://%s/m2/", tmp));
	struct fetch_result r;
	CHECK(fetch_file(&o, "pkg-1.0.tar.gz", hash, NULL, &r) == 0);
	CHECK(r.origin == FETCH_MIRROR);
	char *want = xasprintf("file://%s/m2/%s", tmp, hash);
	CHECK_STR(r.from, want);
	free(want);
	fetch_result_free(&r);
	fetch_opts_free(&o);
}

TEST(mismatch_names_both_hashes_and_keeps_cache_clean)
{
	struct fetch_opts o;
	opts(&o, "c4");
	char *bad = put("bad", "pkg-1.0.tar.gz", "tampered bytes\n");
	sl_push_own(&o.mirrors, xasprintf("file://%s/bad", tmp));
	struct fetch_result r;
	CHECK(fetch_file(&o, "pkg-1.0.tar.gz", hash, NULL, &r) < 0);
	char got[SHA256_HEX_LEN + 1];
	sha256_file(bad, got, NULL);
	const char *m = kr_errmsg();
	CHECK(strstr(m, hash) != NULL);
	CHECK(strstr(m, got) != NULL);
	char *url = xasprintf("file://%s/bad/pkg-1.0.tar.gz", tmp);
	CHECK(strstr(m, url) != NULL);
	CHECK(cache_entries(&o) == 0); /* no temp file, no wrong file */
	free(url);
	free(bad);
	fetch_opts_free(&o);
}

TEST(miss_lists_every_place)
{
	struct fetch_opts o;
	opts(&o, "c5");
	o.distfiles = path_join(tmp, "nothing-here");
	sl_push_own(&o.mirrors, xasprintf("file://%s/mirror-x", tmp));
	char *up = xasprintf("file://%s/upstream/pkg-1.0.tar.gz", tmp);
	struct fetch_result r;
	CHECK(fetch_file(&o, "pkg-1.0.tar.gz", other, up, &r) < 0);
	const char *m = kr_errmsg();
	CHECK(strstr(m, "pkg-1.0.tar.gz (sha256 ") && strstr(m, "not found; looked in:"));
	CHECK(strstr(m, "not in the cache") != NULL);
	CHECK(strstr(m, "nothing-here/pkg-1.0.tar.gz") != NULL);
	CHECK(strstr(m, "mirror-x/pkg-1.0.tar.gz") != NULL);
	CHECK(strstr(m, "mirror-x/") && strstr(m, other));
	CHECK(strstr(m, up) != NULL);
	CHECK(strstr(m, "Debian source archive: disabled") != NULL);
	CHECK(cache_entries(&o) == 0);
	free(up);
	fetch_opts_free(&o);
}

TEST(damaged_cache_entry_is_replaced)
{
	struct fetch_opts o;
	opts(&o, "c6");
	char *dist = xasprintf("%s/distfiles", o.cache_dir);
	free(put("c6/distfiles", hash, "bit rot\n"));
	free(put("up6", "pkg.tar.gz", content));
	char *up = xasprintf("file://%s/up6/pkg.tar.gz", tmp);
	struct fetch_result r;
	CHECK(fetch_file(&o, "pkg.tar.gz", hash, up, &r) == 0);
	CHECK(r.origin == FETCH_UPSTREAM);
	char got[SHA256_HEX_LEN + 1];
	CHECK(sha256_file(r.path, got, NULL) == 0 && !strcmp(got, hash));
	fetch_result_free(&r);
	free(up);
	free(dist);
	fetch_opts_free(&o);
}

TEST(recipe_source_url_expanded)
{
	struct fetch_opts o;
	opts(&o, "c7");
	free(put("up7", "pkg-2.5.tar.gz", content));
	char *y = xasprintf("name: pkg\nversion: 2.5\nrelease: 1\nsummary: s\nlicense: MIT\n"
			    "homepage: https://example.org\nsources:\n"
			    "  - url: file://%s/up7/pkg-${version}.tar.gz\n    sha256: %s\n"
			    "build:\n  style: make\ntest: |\n  true\n",
			    tmp, hash);
	char *p = put("ports/pkg", "port.yaml", y);
	struct diags d = DIAGS_INIT;
	struct recipe *rc = recipe_load(p, &d);
	CHECK(rc && d.n == 0);
	if (rc && !d.n) {
		char *n = source_filename(rc, &rc->sources[0], "x86_64");
		CHECK_STR(n, "pkg-2.5.tar.gz");
		struct fetch_result r;
		CHECK(fetch_source(&o, rc, &rc->sources[0], "x86_64", &r) == 0);
		CHECK(r.origin == FETCH_UPSTREAM);
		fetch_result_free(&r);
		free(n);
	}
	diag_print(&d, stdout);
	recipe_free(rc);
	diag_free(&d);
	free(p);
	free(y);
	fetch_opts_free(&o);
}

/* The Debian step with an index fresh from an update (so no apt run) that
 * lacks the file, and a suite apt refused then: the "not found" names the
 * suite and apt's reason instead of leaving the user to guess. */
TEST(miss_names_refused_debian_suites)
{
	struct fetch_opts o;
	opts(&o, "c9");
	o.no_debian = 0;
	free(put("c9/apt", "sha256.index", ""));
	free(put("c9/apt", "refused",
		 "trixie (http://a.invalid/debian): Release file for "
		 "http://a.invalid/debian/dists/trixie/InRelease is expired (invalid since 3d)\n"));
	struct fetch_result r;
	CHECK(fetch_file(&o, "libfoo_1.0.orig.tar.gz", other, NULL, &r) < 0);
	const char *m = kr_errmsg();
	CHECK(strstr(m, "Debian source archive: no file with this sha256 in the Sources indices"));
	CHECK(strstr(m, "Debian suites apt refused at the last index update:\n    trixie "
			"(http://a.invalid/debian): Release file for "
			"http://a.invalid/debian/dists/trixie/InRelease is expired"));
	fetch_opts_free(&o);
}

TEST(bad_sha256_refused)
{
	struct fetch_opts o;
	opts(&o, "c8");
	struct fetch_result r;
	CHECK(fetch_file(&o, "x.tar.gz", "ABC", NULL, &r) < 0);
	CHECK(strstr(kr_errmsg(), "expected 64 lowercase hex digits") != NULL);
	CHECK(fetch_file(&o, "../x", hash, NULL, &r) < 0);
	fetch_opts_free(&o);
}

int main(void)
{
	char tmpl[] = "/tmp/krill-test-fetch-XXXXXX";
	tmp = mkdtemp(tmpl);
	if (!tmp)
		return 1;
	unsetenv("KRILL_MIRRORS");
	unsetenv("KRILL_DISTFILES");
	sha256_hex(content, strlen(content), hash);
	sha256_hex("absent", 6, other);
	RUN(distfiles_by_name_then_cache);
	RUN(distfiles_by_hash);
	RUN(stale_temp_files_removed);
	RUN(mirrors_in_order_by_name_and_hash);
	RUN(mismatch_names_both_hashes_and_keeps_cache_clean);
	RUN(miss_lists_every_place);
	RUN(damaged_cache_entry_is_replaced);
	RUN(recipe_source_url_expanded);
	RUN(bad_sha256_refused);
	RUN(miss_names_refused_debian_suites);
	rm_rf(tmp);
	DONE();
}
