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
	CHECK(strstr(sl, "Types: deb-src\nURIs: http://a.invalid/debian\nSuites: sid trixie "
			 "bookworm\nComponents: main\nSigned-By: /k/debian.gpg\n"));
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
	"Package: bar\nDirectory: pool/main/b/bar\nChecksums-Sha256:\n"
	" 0000000000000000000000000000000000000000000000000000000000000000 5 bar_2.orig.tar.xz\n"
	"\n"
	/* a later Debian revision of the same upstream version: same orig, same place */
	"Package: libfoo\nVersion: 1.0-2\nDirectory: pool/main/libf/libfoo\nChecksums-Sha256:\n"
	" 2222222222222222222222222222222222222222222222222222222222222222 99999 "
	"libfoo_1.0.orig.tar.gz\n";

static const char sources_sec[] =
	"Package: baz\nChecksums-Sha256:\n"
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
		 "Package: evil\nDirectory: pool/x\nChecksums-Sha256:\n"
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
	sl_free(&uris);
	free(cmd), free(a), free(b), free(lists), free(index);
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
	rm_rf(tmp);
	DONE();
}
