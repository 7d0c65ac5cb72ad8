/* test_client.c - the client's configuration: the repositories file and
 * the common options. */
#include "client.h"
#include "t.h"

TEST(repositories_file)
{
	static const char text[] = "# main repo\n"
				   "https://example.invalid/krill/x86_64\n"
				   "\n"
				   "   /srv/repo   # local\n"
				   "file:///mnt/repo\r\n";
	struct strlist urls = STRLIST_INIT;
	CHECK(client_parse_repositories(text, sizeof text - 1, "repos", &urls) == 0);
	char *all = sl_join(&urls, "|");
	CHECK_STR(all, "https://example.invalid/krill/x86_64|/srv/repo|file:///mnt/repo");
	free(all);
	sl_free(&urls);
	static const char bad[] = "a b\n";
	CHECK(client_parse_repositories(bad, sizeof bad - 1, "repos", &urls) < 0);
	CHECK(strstr(kr_errmsg(), "repos: 'a b'"));
	sl_free(&urls);
}

TEST(options)
{
	char *argv[] = {"add",	      "--root", "/nonexistent-root", "-X", "r1", "--repo", "r2",
			"--no-cache", "curl",	"zlib>=1",	     NULL};
	struct client_opts o;
	int first = client_parse(10, argv, 0, &o);
	CHECK(first == 8);
	CHECK_STR(o.root, "/nonexistent-root");
	CHECK(o.repos.n == 2 && o.no_cache);
	CHECK_STR(o.keys, "/nonexistent-root/etc/krill/keys");
	client_opts_free(&o);
	char *bad[] = {"del", "--installed", "x", NULL};
	CHECK(client_parse(3, bad, 0, &o) < 0);
	client_opts_free(&o);
	char *list[] = {"list", "--installed", "--root", "/nonexistent-root", NULL};
	CHECK(client_parse(4, list, 1, &o) == 4 && o.installed);
	client_opts_free(&o);
}

int main(void)
{
	RUN(repositories_file);
	RUN(options);
	DONE();
}
