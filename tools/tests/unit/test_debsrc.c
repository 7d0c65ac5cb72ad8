/* test_debsrc.c - lib/debsrc without the network: reading the host's apt
 * configuration (both formats), the private sources list, and the sha256
 * index built from (compressed) Sources files. Hosts here are placeholders
 * under .invalid. */
#include <stdlib.h>

#include "debsrc.h"
#include "t.h"
#include "util.h"

static char *tmp;

static char *put(const char *rel, const char *text)
{
	char *p = path_join(tmp, rel), *d = path_dirname(p);
	mkdir_p(d, 0755);
	write_file_atomic(p, text, strlen(text), 0644);
	free(d);
	return p;
}

TEST(host_config_both_formats)
{
	free(put("etc1/sources.list",
		 "# comment\n"
		 "deb [arch=amd64 signed-by=/k/debian.gpg] http://a.invalid/debian bookworm main\n"
		 "deb http://a.invalid/debian bookworm-updates main\n"
		 "deb http://ports.invalid/ubuntu jammy main\n"));
	free(put("etc1/sources.list.d/sec.sources",
		 "Types: deb\nURIs: http://s.invalid/debian-security/\nSuites: bookworm-security\n"
		 "Components: main\n\n"
		 "Types: deb\nURIs: http://off.invalid/debian\nSuites: trixie\nEnabled: no\n"
		 "Components: main\n\n"
		 "Types: deb\nURIs: http://vendor.invalid/apt\nSuites: nodistro\nComponents: "
		 "main\n"));
	free(put("etc1/sources.list.d/x.list.disabled", "deb http://no.invalid/debian sid main\n"));
	char *etc = path_join(tmp, "etc1");
	struct debsrc_hosts h;
	CHECK(debsrc_read_host(etc, &h) == 0);
	CHECK(h.main.n == 1 && !strcmp(h.main.v[0], "http://a.invalid/debian"));
	CHECK(h.security.n == 1 && !strcmp(h.security.v[0], "http://s.invalid/debian-security"));
	CHECK_STR(h.signed_by, "/k/debian.gpg");
	char *sl = debsrc_sources_list(&h);
	CHECK(strstr(sl, "Types: deb-src\nURIs: http://a.invalid/debian\nSuites: experimental sid "
			 "forky trixie bookworm\nComponents: main\nSigned-By: /k/debian.gpg\n"));
	CHECK(strstr(sl, "URIs: http://s.invalid/debian-security\nSuites: trixie-security "
			 "bookworm-security\n"));
	free(sl);
	debsrc_hosts_free(&h);
	free(etc);
}

TEST(deb822_keyblock_and_security_fallback)
{
	free(put("etc2/sources.list.d/debian.sources",
		 "Types: deb deb-src\n# a note\nURIs: http://b.invalid/debian\n"
		 "Suites: sid\nComponents: main\n"
		 "Signed-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n abc\n"
		 " -----END PGP PUBLIC KEY BLOCK-----\n"));
	char *etc = path_join(tmp, "etc2");
	struct debsrc_hosts h;
	CHECK(debsrc_read_host(etc, &h) == 0);
	CHECK(h.main.n == 1 && !strcmp(h.main.v[0], "http://b.invalid/debian"));
	CHECK(h.security.n == 1 && !strcmp(h.security.v[0], "http://b.invalid/debian-security"));
	CHECK(h.signed_by && strstr(h.signed_by, "\n abc\n"));
	char *sl = debsrc_sources_list(&h);
	CHECK(strstr(sl, "Signed-By: \n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n abc\n"));
	free(sl);
	debsrc_hosts_free(&h);
	free(etc);
}

TEST(no_debian_archive_is_an_error)
{
	free(put("etc3/sources.list", "deb http://ports.invalid/ubuntu jammy main\n"));
	char *etc = path_join(tmp, "etc3");
	struct debsrc_hosts h;
	CHECK(debsrc_read_host(etc, &h) < 0);
	CHECK(strstr(kr_errmsg(), "no Debian archive") != NULL);
	free(etc);
}

static const char sources_sid[] =
	"Package: libfoo\nBinary: libfoo1\nVersion: 1.0-1\n"
	"Checksums-Sha256:\n"
	" 1111111111111111111111111111111111111111111111111111111111111111 1234 libfoo_1.0-1.dsc\n"
	" 2222222222222222222222222222222222222222222222222222222222222222 99999 "
	"libfoo_1.0.orig.tar.gz\n"
	"Homepage: https://foo.invalid\n"
	"Directory: pool/main/libf/libfoo\n"
	"\n"
	"Package: bar\nVersion: 2-1\nDirectory: pool/main/b/bar\nChecksums-Sha256:\n"
	" 0000000000000000000000000000000000000000000000000000000000000000 5 bar_2.orig.tar.xz\n"
	"\n"
	/* a later Debian revision of the same upstream version: same orig, same place */
	"Package: libfoo\nVersion: 1.0-2\nDirectory: pool/main/libf/libfoo\nChecksums-Sha256:\n"
	" 2222222222222222222222222222222222222222222222222222222222222222 99999 "
	"libfoo_1.0.orig.tar.gz\n";

static const char sources_sec[] =
	"Package: baz\nVersion: 3-1\nChecksums-Sha256:\n"
	" ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff 7 baz_3.orig.tar.gz\n"
	"Directory: pool/updates/main/b/baz\n"
	"\n"
	/* a security upload of libfoo 1.0: its .dsc names the main archive's orig */
	"Package: libfoo\nVersion: 1.0-1+deb13u1\nDirectory: pool/updates/main/libf/libfoo\n"
	"Checksums-Sha256:\n"
	" 2222222222222222222222222222222222222222222222222222222222222222 99999 "
	"libfoo_1.0.orig.tar.gz\n";

TEST(index_from_compressed_sources)
{
	/* apt's list names for these URIs; one xz, one gzip, one plain */
	char *a = put("lists/a.invalid_debian_dists_sid_main_source_Sources", sources_sid);
	char *b = put("lists/s.invalid_debian-security_dists_trixie-security_main_source_Sources",
		      sources_sec);
	char *cmd = xasprintf("xz '%s' && gzip '%s'", a, b);
	CHECK(system(cmd) == 0);
	free(put("lists/a.invalid_debian_dists_sid_Release", "not a Sources file\n"));
	free(put("lists/other.invalid_x_dists_sid_main_source_Sources",
		 "Package: evil\nVersion: 1\nDirectory: pool/x\nChecksums-Sha256:\n"
		 " 3333333333333333333333333333333333333333333333333333333333333333 1 evil.tar\n"));
	struct strlist uris = STRLIST_INIT;
	sl_push(&uris, "http://a.invalid/debian");
	sl_push(&uris, "http://s.invalid/debian-security");
	char *lists = path_join(tmp, "lists"), *index = path_join(tmp, "index");
	CHECK(debsrc_build_index(&uris, lists, index) == 0);
	struct strlist u = STRLIST_INIT;
	uint64_t size = 0;
	/* both places of the orig, each once */
	CHECK(debsrc_index_lookup(
		      index, "2222222222222222222222222222222222222222222222222222222222222222", &u,
		      &size) == 2);
	CHECK(u.n == 2);
	CHECK_STR(u.n == 2 ? u.v[0] : NULL,
		  "http://a.invalid/debian/pool/main/libf/libfoo/libfoo_1.0.orig.tar.gz");
	CHECK_STR(u.n == 2 ? u.v[1] : NULL, "http://s.invalid/debian-security/pool/updates/main/"
					    "libf/libfoo/libfoo_1.0.orig.tar.gz");
	CHECK(size == 99999);
	sl_free(&u);
	CHECK(debsrc_index_lookup(
		      index, "0000000000000000000000000000000000000000000000000000000000000000", &u,
		      &size) == 1);
	CHECK_STR(u.n ? u.v[0] : NULL, "http://a.invalid/debian/pool/main/b/bar/bar_2.orig.tar.xz");
	sl_free(&u);
	CHECK(debsrc_index_lookup(
		      index, "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", &u,
		      &size) == 1);
	CHECK_STR(u.n ? u.v[0] : NULL,
		  "http://s.invalid/debian-security/pool/updates/main/b/baz/baz_3.orig.tar.gz");
	sl_free(&u);
	/* not from a configured archive; and absent (neighbours of a hit) */
	CHECK(debsrc_index_lookup(
		      index, "3333333333333333333333333333333333333333333333333333333333333333", &u,
		      &size) == 0);
	CHECK(debsrc_index_lookup(
		      index, "2222222222222222222222222222222222222222222222222222222222222223", &u,
		      &size) == 0);
	CHECK(debsrc_index_lookup(
		      index, "2222222222222222222222222222222222222222222222222222222222222221", &u,
		      &size) == 0);
	CHECK(u.n == 0);
	/* a malformed paragraph fails the build, named with its place, and the
	 * old index stays */
	free(put("lists/a.invalid_debian_dists_sid_main_source_Sources",
		 "Package: ok\nVersion: 1-1\nDirectory: pool/main/o/ok\nChecksums-Sha256:\n"
		 " 4444444444444444444444444444444444444444444444444444444444444444 1 "
		 "ok_1.orig.tar.gz\n"
		 "\nPackage: bad\nVersion: 1-1\nDirectory: pool/../../etc\nChecksums-Sha256:\n"
		 " 5555555555555555555555555555555555555555555555555555555555555555 1 bad.tar\n"));
	CHECK(debsrc_build_index(&uris, lists, index) < 0);
	CHECK(strstr(kr_errmsg(), "a.invalid_debian_dists_sid_main_source_Sources:9: bad "
				  "Directory 'pool/../../etc'") != NULL);
	CHECK(debsrc_index_lookup(
		      index, "0000000000000000000000000000000000000000000000000000000000000000", &u,
		      &size) == 1);
	sl_free(&u);
	sl_free(&uris);
	free(cmd), free(a), free(b), free(lists), free(index);
}

/* apt-get -q update's words (apt 2.6) when one suite's Release is expired,
 * one is badly signed, one is missing, and one only has a keyring notice. */
static const char apt_out[] =
	"Hit:1 http://a.invalid/debian sid InRelease\n"
	"Get:2 http://a.invalid/debian trixie InRelease [140 kB]\n"
	"Err:3 http://a.invalid/debian bookworm InRelease\n"
	"  The following signatures couldn't be verified because the public key is not "
	"available: NO_PUBKEY 0123456789ABCDEF\n"
	"Get:4 http://s.invalid/debian-security trixie-security InRelease [43 kB]\n"
	"Ign:5 http://s.invalid/debian-security bookworm-security InRelease\n"
	"Err:6 http://s.invalid/debian-security bookworm-security Release\n"
	"  404  Not Found [IP: 192.0.2.1 80]\n"
	"Reading package lists...\n"
	"W: http://a.invalid/debian/dists/sid/InRelease: Key is stored in legacy trusted.gpg "
	"keyring (/etc/apt/trusted.gpg), see the DEPRECATION section in apt-key(8) for details.\n"
	"E: Release file for http://a.invalid/debian/dists/trixie/InRelease is expired (invalid "
	"since 3d 4h 5min 6s). Updates for this repository will not be applied.\n"
	"W: GPG error: http://a.invalid/debian bookworm InRelease: The following signatures "
	"couldn't be verified because the public key is not available: NO_PUBKEY "
	"0123456789ABCDEF\n"
	"E: The repository 'http://a.invalid/debian bookworm InRelease' is not signed.\n"
	"E: The repository 'http://s.invalid/debian-security bookworm-security Release' does not "
	"have a Release file.\n";

TEST(refused_suites_named_with_reasons)
{
	struct debsrc_hosts h = {0};
	sl_push(&h.main, "http://a.invalid/debian");
	sl_push(&h.security, "http://s.invalid/debian-security");
	/* what did arrive: sid, trixie-security, and trixie's index of an
	 * earlier update (apt keeps it when the new Release is refused) */
	free(put("lists2/a.invalid_debian_dists_sid_main_source_Sources.lz4", "x"));
	free(put("lists2/a.invalid_debian_dists_experimental_main_source_Sources.xz", "x"));
	free(put("lists2/a.invalid_debian_dists_forky_main_source_Sources.xz", "x"));
	free(put("lists2/a.invalid_debian_dists_trixie_main_source_Sources", "x"));
	free(put("lists2/s.invalid_debian-security_dists_trixie-security_main_source_Sources.xz",
		 "x"));
	char *lists = path_join(tmp, "lists2");
	struct strlist r = STRLIST_INIT;
	CHECK(debsrc_check_suites(&h, apt_out, lists, &r) == 0);
	CHECK(r.n == 3);
	const char *tri = NULL, *bw = NULL, *sec = NULL;
	for (size_t i = 0; i < r.n; i++) {
		if (str_starts(r.v[i], "trixie (http://a.invalid/debian): "))
			tri = r.v[i];
		else if (str_starts(r.v[i], "bookworm (http://a.invalid/debian): "))
			bw = r.v[i];
		else if (str_starts(r.v[i],
				    "bookworm-security (http://s.invalid/debian-security): "))
			sec = r.v[i];
	}
	/* the reason as apt gave it, and whether an older index is still used */
	CHECK(tri &&
	      strstr(tri, "Release file for http://a.invalid/debian/dists/trixie/InRelease "
			  "is expired (invalid since 3d 4h 5min 6s)") &&
	      strstr(tri, "[using its index from an earlier update]"));
	CHECK(bw && strstr(bw, "NO_PUBKEY 0123456789ABCDEF") && strstr(bw, "is not signed") &&
	      !strstr(bw, "earlier update"));
	CHECK(sec && strstr(sec, "404  Not Found") && strstr(sec, "does not have a Release file"));
	/* sid's keyring notice is no refusal; nothing else is named */
	for (size_t i = 0; i < r.n; i++)
		CHECK(!str_starts(r.v[i], "sid ") && !str_starts(r.v[i], "trixie-security "));
	sl_free(&r);

	/* no output at all (apt not run), nothing arrived: every suite named */
	char *empty = path_join(tmp, "nolists");
	CHECK(debsrc_check_suites(&h, "", empty, &r) == 0);
	CHECK(r.n == 7);
	CHECK(r.n && strstr(r.v[0], "apt-get update fetched no Sources index for it"));
	sl_free(&r);
	free(empty);

	/* everything arrived, apt said nothing bad: none */
	free(put("lists2/a.invalid_debian_dists_bookworm_main_source_Sources", "x"));
	free(put("lists2/s.invalid_debian-security_dists_bookworm-security_main_source_Sources",
		 "x"));
	CHECK(debsrc_check_suites(&h, "Hit:1 http://a.invalid/debian sid InRelease\n", lists, &r) ==
	      0);
	CHECK(r.n == 0);
	sl_free(&r);
	free(lists);
	debsrc_hosts_free(&h);
}

/* The refusals of the last update stay for later "not found" messages. */
TEST(refused_note_for_not_found)
{
	char *cache = path_join(tmp, "cache");
	CHECK(debsrc_refused_note(cache) == NULL);
	free(put("cache/apt/refused",
		 "trixie (http://a.invalid/debian): Release file for ... is expired\n"));
	char *note = debsrc_refused_note(cache);
	CHECK(note && strstr(note, "not searched: Debian suites apt refused") &&
	      strstr(note,
		     "\n    trixie (http://a.invalid/debian): Release file for ... is expired"));
	free(note);
	free(cache);
}

int main(void)
{
	char tmpl[] = "/tmp/krill-test-debsrc-XXXXXX";
	tmp = mkdtemp(tmpl);
	if (!tmp)
		return 1;
	RUN(host_config_both_formats);
	RUN(deb822_keyblock_and_security_fallback);
	RUN(no_debian_archive_is_an_error);
	RUN(index_from_compressed_sources);
	RUN(refused_suites_named_with_reasons);
	RUN(refused_note_for_not_found);
	rm_rf(tmp);
	DONE();
}
