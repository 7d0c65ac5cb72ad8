/* cmd_update.c - `krill update`: fetch and verify the repository indexes. */
#include <stdio.h>

#include "client.h"
#include "index.h"
#include "remote.h"
#include "verbs.h"

static int run(int argc, char **argv);

const struct verb verb_update = {
	"update",
	"fetch and verify the repository indexes, refresh the cache",
	"usage: krill update [--root DIR] [--repo URL|PATH]... [--keys DIR] [--quiet]\n"
	"                    [--feeds] [--durable]\n"
	"\n"
	"Fetches each repository's index and signature, checks the signature against\n"
	"the trusted keys, the expiry and the version (never older than the last one\n"
	"accepted), and that the URL still serves the repository (NAME/ARCH) it\n"
	"served first (the pin), records the version and caches the index under\n"
	"ROOT/var/cache/krill/. Prints one line per repository: NAME VERSION COUNT URL.\n"
	"--repo and --keys given to a root that has no repositories file or keys yet\n"
	"are written there (ROOT/etc/krill/repositories, ROOT/etc/krill/keys/).\n"
	"With --feeds, also the security feeds each index names (secdb.json and\n"
	"openvex.json, for scanners) into ROOT/var/cache/krill/NAME/ARCH/, each capped\n"
	"at its signed size and refused unless it has its signed sha256.\n"
	"--durable (or KRILL_DURABLE=1): the recorded versions and the written\n"
	"configuration synced to disk (see krill add).\n"
	"\n"
	"Exit status: 0 all verified, 1 a repository failed, 2 usage.\n",
	run,
};

static int run(int argc, char **argv)
{
	struct client_opts o;
	int first = client_parse(argc, argv, 0, &o);
	if (first < 0 || first < argc) {
		int rc = verb_usage_error(&verb_update, "%s",
					  first < 0 ? kr_errmsg() : "expected no operands");
		client_opts_free(&o);
		return rc;
	}
	if (o.feeds && o.no_cache) {
		int rc = verb_usage_error(&verb_update, "--feeds goes into the cache: not with "
							"--no-cache");
		client_opts_free(&o);
		return rc;
	}
	struct client c;
	int r = client_open(&c, &o, 1);
	for (size_t i = 0; r == 0 && o.feeds && i < c.nrepos; i++)
		for (int f = 0; r == 0 && f < FEED_N; f++)
			if (remote_fetch_feed(&c.repos[i], f, c.cachedir) < 0)
				r = -1;
	if (c.db.recovered)
		fprintf(stderr, "krill update: %s: %s\n", o.root, c.db.recovered);
	for (size_t i = 0; r == 0 && !o.quiet && i < c.nrepos; i++)
		printf("%s %llu %zu packages %s\n", c.repos[i].name,
		       (unsigned long long)c.repos[i].version, c.repos[i].n, c.repos[i].url);
	if (client_close(&c) < 0 && r == 0)
		r = -1;
	if (r == 0) /* first use: --repo/--keys into the root */
		r = client_persist_config(&o, o.durable);
	if (r < 0)
		fprintf(stderr, "krill update: %s\n", kr_errmsg());
	client_opts_free(&o);
	return r < 0 ? 1 : 0;
}
