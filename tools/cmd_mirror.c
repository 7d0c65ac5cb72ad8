/* cmd_mirror.c - `krill mirror sync`: keep a verified copy of a repository. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mirror.h"
#include "repo.h"
#include "verbs.h"

static int run(int argc, char **argv);

const struct verb verb_mirror = {
	"mirror",
	"mirror sync: copy a signed repository, refusing tampered, rolled-back or stale ones",
	"usage: krill mirror sync SRC DST --keys DIR [--grace HOURS]\n"
	"\n"
	"SRC is an http:// or https:// URL, a file:/// URL or a directory holding a\n"
	"repository (INDEX, INDEX.sig, packages); DST is a local directory.\n"
	"\n"
	"  1. fetch SRC's INDEX and INDEX.sig into DST/.krill/staging, check the\n"
	"     signature against DIR/*.pub and that the index has not expired\n"
	"  2. refuse rollback: a version lower than DST's, or DST's version with\n"
	"     different content, or another repository name or arch\n"
	"  3. download only packages DST's pool lacks, each cut off at the size the\n"
	"     index lists and checked against its sha256 (interrupted downloads resume)\n"
	"  4. switch DST's INDEX, INDEX.sig and package names over in one atomic\n"
	"     rename, last\n"
	"  5. prune packages no index has referenced for HOURS (default 24)\n"
	"\n"
	"Safe to kill at any point and rerun: DST keeps serving its last complete,\n"
	"verifiable repository until the switch. Layout: tools/doc/repo.md.\n"
	"Exit status: 0 synced (or already current), 1 refused or failed, 2 usage.\n",
	run,
};

static int sync_cmd(const char *src, const char *dst, const char *keys, long grace)
{
	struct keyring kr;
	if (keyring_load(&kr, keys) < 0) {
		fprintf(stderr, "krill mirror: %s\n", kr_errmsg());
		return 1;
	}
	struct mirror_opts o = {src, dst, &kr, time(NULL), grace};
	struct mirror_stats st;
	int lock = repo_lock(dst);
	int rc = lock < 0 ? -1 : mirror_sync(&o, &st);
	keyring_free(&kr);
	if (rc < 0) {
		fprintf(stderr, "krill mirror: %s\n", kr_errmsg());
		return 1;
	}
	close(lock);
	printf("%s: %s version %llu (was %llu): %zu packages, %zu fetched, %zu already here, "
	       "%zu retained for the grace period, %zu pruned\n",
	       dst, st.switched ? "now at" : "already at", (unsigned long long)st.version,
	       (unsigned long long)st.previous, st.packages, st.fetched, st.reused, st.retained,
	       st.pruned);
	return 0;
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
		{"keys", required_argument, NULL, 'k'},
		{"grace", required_argument, NULL, 'g'},
		{NULL, 0, NULL, 0},
	};
	const char *keys = NULL;
	long grace = 24;
	int c;
	char *end;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k': keys = optarg; break;
		case 'g':
			errno = 0;
			grace = strtol(optarg, &end, 10);
			if (!*optarg || *end || errno || grace < 0 || grace > 24 * 366)
				return verb_usage_error(&verb_mirror,
							"--grace: expected 0 to 8784 hours");
			break;
		default: return verb_usage_error(&verb_mirror, "unknown option");
		}
	}
	if (argc - optind != 3 || strcmp(argv[optind], "sync"))
		return verb_usage_error(&verb_mirror, "expected: sync SRC DST");
	if (!keys)
		return verb_usage_error(&verb_mirror, "--keys DIR is required");
	return sync_cmd(argv[optind + 1], argv[optind + 2], keys, grace * 3600);
}
