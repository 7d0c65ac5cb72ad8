/* cmd_cache.c - `krill cache gc` and `krill cache push`: the result cache's
 * housekeeping (tools/doc/graph.md, tools/doc/remotecache.md). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cachegc.h"
#include "remotecache.h"
#include "verbs.h"

static int run(int argc, char **argv);

const struct verb verb_cache = {
	"cache",
	"cache gc: remove results no checkout needs; cache push: share finished results",
	"usage: krill cache gc [--cache-dir DIR] [--store-days N] [--dry-run]\n"
	"       krill cache push --remote-cache URL [--cache-dir DIR] [--keys FILE] [KEY...]\n"
	"\n"
	"gc removes from DIR (default ~/.cache/krill, make's CACHE_DIR):\n"
	"  - every finished result (results/KEY) that no registered root names: each\n"
	"    checkout registers its graph's keys (build/ARCH/graph.keys) in\n"
	"    DIR/gcroots/ when make builds its graph; roots whose file is gone are\n"
	"    dropped, so removing a checkout releases what only it needed;\n"
	"  - toolchain store entries made from a removed result, and store entries\n"
	"    unused for more than N days (default 14);\n"
	"  - temp dirs left by builds that no longer run (older than an hour).\n"
	"Never distfiles/ (a pinned source the archive no longer lists cannot be\n"
	"fetched again), durations/, ccache/ or keys/, and never a store entry a\n"
	"build is using. With no root registered it removes nothing. --dry-run\n"
	"lists what would go.\n"
	"\n"
	"push uploads finished results to a remote cache, signed with the builder key\n"
	"KRILL_BUILDER_KEY (tools/doc/remotecache.md): the KEYs given, the keys of\n"
	"FILE (a graph.keys), or else every finished result in DIR. An entry the\n"
	"cache already holds is left alone.\n"
	"\n"
	"Exit status: 0 done, 1 failure (each named), 2 usage.\n",
	run,
};

static const char *default_cache(void)
{
	static char buf[4096];
	const char *home = getenv("HOME");
	snprintf(buf, sizeof buf, "%s/.cache/krill", home && *home ? home : "/root");
	return buf;
}

static int gc_cmd(const char *cache, double days, int dry)
{
	struct gc_opts o = {cache, dry, days, time(NULL), stdout};
	struct gc_stats st;
	int rc = cache_gc(&o, &st);
	printf("%s: %s %zu results, %zu store entries, %zu temp dirs: %.1f MB; kept %zu results "
	       "(%zu roots, %zu stale dropped), %zu store entries (%zu in use)\n",
	       cache, dry ? "would remove" : "removed", st.results_removed, st.store_removed,
	       st.temps_removed, (double)st.bytes / 1e6, st.results_kept, st.roots,
	       st.stale_roots, st.store_kept + st.store_busy, st.store_busy);
	if (rc < 0) {
		fprintf(stderr, "krill cache: %s\n", kr_errmsg());
		return 1;
	}
	return 0;
}

/* The done stamp must name the dir's key: anything else is not a result. */
static int finished(const char *dir, const char *key, char **port)
{
	char *done = path_join(dir, "done"), *data = NULL;
	size_t len;
	int ok = 0;
	*port = NULL;
	if (read_file(done, &data, &len) == 0) {
		char *want = xasprintf("key: %s\n", key);
		ok = str_starts(data, want);
		free(want);
		char *p = strstr(data, "\nport: ");
		if (p)
			*port = xstrndup(p + 7, strcspn(p + 7, "\n"));
	}
	free(data);
	free(done);
	return ok;
}

static int push_cmd(const char *cache, const char *url, const char *keyfile,
		    struct strlist *keys)
{
	struct rcache c = {url, NULL, getenv("KRILL_BUILDER_KEY"), 1};
	if (!c.signing_key || !*c.signing_key) {
		fprintf(stderr, "krill cache: push needs the builder key to sign with: set "
				"KRILL_BUILDER_KEY (tools/doc/remotecache.md)\n");
		return 1;
	}
	/* named on the command line: each must be here; else what is */
	int named = keys->n && !keyfile;
	int listing = !named && !keyfile;
	char *results = path_join(cache, "results");
	if (keyfile) {
		char *data;
		size_t len;
		if (read_file(keyfile, &data, &len) < 0) {
			fprintf(stderr, "krill cache: %s\n", kr_errmsg());
			free(results);
			return 1;
		}
		struct strlist lines = STRLIST_INIT;
		sl_split(&lines, data, "\n");
		for (size_t i = 0; i < lines.n; i++) {
			char *w = lines.v[i];
			w[strcspn(w, " \t")] = 0;
			if (*w)
				sl_push(keys, w);
		}
		sl_free(&lines);
		free(data);
	} else if (!keys->n && list_dir(results, keys) < 0) {
		fprintf(stderr, "krill cache: %s\n", kr_errmsg());
		free(results);
		return 1;
	}
	sl_sort(keys);
	size_t sent = 0, had = 0, failed = 0, absent = 0;
	uint64_t total = 0;
	for (size_t i = 0; i < keys->n; i++) {
		const char *k = keys->v[i];
		int is_key = strlen(k) == SHA256_HEX_LEN && is_hex(k, SHA256_HEX_LEN);
		if (!is_key && listing)
			continue; /* temp dirs of running builds */
		char *dir = path_join(results, k), *port = NULL;
		if (!is_key || !finished(dir, k, &port)) {
			if (named || (!is_key && keyfile)) {
				fprintf(stderr, "krill cache: %s: %s\n", dir,
					is_key ? "no finished result (its done stamp is missing or "
						 "names another key)"
					       : "not a content key (64 hex digits)");
				failed++;
			} else {
				absent++;
			}
			free(port);
			free(dir);
			continue;
		}
		uint64_t bytes = 0;
		int r = rcache_push(&c, k, dir, 0, &bytes);
		if (r < 0) {
			fprintf(stderr, "krill cache: %.16s %s: %s\n", k, port ? port : "?",
				kr_errmsg());
			failed++;
		} else if (r > 0) {
			had++;
		} else {
			printf("pushed %.16s %s: %llu bytes\n", k, port ? port : "?",
			       (unsigned long long)bytes);
			sent++;
			total += bytes;
		}
		free(port);
		free(dir);
	}
	printf("%s: %zu pushed (%llu bytes), %zu already there, %zu failed", url, sent,
	       (unsigned long long)total, had, failed);
	if (keyfile)
		printf(", %zu not built here", absent);
	printf("\n");
	free(results);
	return failed ? 1 : 0;
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
		{"cache-dir", required_argument, NULL, 'c'},
		{"store-days", required_argument, NULL, 'd'},
		{"dry-run", no_argument, NULL, 'n'},
		{"remote-cache", required_argument, NULL, 'r'},
		{"keys", required_argument, NULL, 'k'},
		{NULL, 0, NULL, 0},
	};
	const char *cache = default_cache(), *url = getenv("KRILL_REMOTE_CACHE"), *keyfile = NULL;
	double days = 14;
	int dry = 0, c;
	char *end;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c': cache = optarg; break;
		case 'd':
			errno = 0;
			days = strtod(optarg, &end);
			if (!*optarg || *end || errno || days < 0 || days > 36500)
				return verb_usage_error(&verb_cache,
							"--store-days: expected 0 to 36500 days");
			break;
		case 'n': dry = 1; break;
		case 'r': url = optarg; break;
		case 'k': keyfile = optarg; break;
		default: return verb_usage_error(&verb_cache, "unknown option");
		}
	}
	if (optind >= argc)
		return verb_usage_error(&verb_cache, "expected gc or push");
	const char *sub = argv[optind++];
	if (!strcmp(sub, "gc")) {
		if (optind != argc || url != getenv("KRILL_REMOTE_CACHE") || keyfile)
			return verb_usage_error(&verb_cache, "gc takes --cache-dir, --store-days "
							     "and --dry-run only");
		return gc_cmd(cache, days, dry);
	}
	if (strcmp(sub, "push"))
		return verb_usage_error(&verb_cache, "unknown subcommand '%s': expected gc or push",
					sub);
	if (!url || !*url)
		return verb_usage_error(&verb_cache, "push needs --remote-cache URL");
	if (keyfile && optind < argc)
		return verb_usage_error(&verb_cache, "give KEYs or --keys FILE, not both");
	struct strlist keys = STRLIST_INIT;
	for (int i = optind; i < argc; i++)
		sl_push(&keys, argv[i]);
	int rc = push_cmd(cache, url, keyfile, &keys);
	sl_free(&keys);
	return rc;
}
