/* cmd_fetch.c - `krill fetch`: get sources into the content-addressed cache
 * (lib/fetch.h), for one port, a whole ports tree, or one file by hash. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "debsrc.h"
#include "fetch.h"
#include "verbs.h"

static int run(int argc, char **argv);

const struct verb verb_fetch = {
	"fetch",
	"fetch sources into the content-addressed cache (mirrors, upstream, Debian archive)",
	"usage: krill fetch [OPTIONS] PORTDIR\n"
	"       krill fetch [OPTIONS] --all PORTS_DIR\n"
	"       krill fetch [OPTIONS] --sha256 HEX --name FILE [--url URL]\n"
	"       krill fetch [OPTIONS] --update-debian-index\n"
	"\n"
	"Makes every source of a port (or of every port under PORTS_DIR with --all,\n"
	"or the one file given by --sha256/--name) available as CACHE/distfiles/SHA256,\n"
	"trying in order: the cache, a local distfiles folder (by name, then by hash),\n"
	"each mirror (BASE/NAME, then BASE/SHA256), the upstream URL, then the Debian\n"
	"source archive (found by sha256 through the host's apt configuration). A file\n"
	"enters the cache only after its sha256 matched. Prints one line per file:\n"
	"NAME SIZE ORIGIN FROM. See tools/doc/fetch.md.\n"
	"\n"
	"  --cache DIR        cache folder (default: $KRILL_CACHE_DIR, else ~/.cache/krill)\n"
	"  --distfiles DIR    local folder of source files ($KRILL_DISTFILES)\n"
	"  --mirror URL       a mirror base URL, file:// or http(s)://; repeatable; added\n"
	"                     after those in $KRILL_MIRRORS (whitespace-separated)\n"
	"  --no-upstream      do not try the recipes' URLs\n"
	"  --no-debian        do not try the Debian source archive ($KRILL_NO_DEBIAN=1)\n"
	"  --update-debian-index  refresh the Debian lookup index now (else: daily)\n"
	"  --arch A           the arch ${arch} in URLs expands to (default: this machine's)\n"
	"  --all              PORTS_DIR is a folder of ports: fetch for each of them\n"
	"  --sha256 HEX, --name FILE, --url URL   fetch one file (for scripts); its path\n"
	"                     is then CACHE/distfiles/HEX\n"
	"\n"
	"Exit status: 0 all fetched, 1 a file could not be fetched (every place tried is\n"
	"listed), 2 usage.\n",
	run,
};

struct args {
	struct fetch_opts o;
	const char *arch, *sha256, *name, *url;
	int all, update;
};

static void print_result(const char *name, const struct fetch_result *r)
{
	printf("%s %llu %s %s\n", name, (unsigned long long)r->size, fetch_origin_name(r->origin),
	       r->from);
	fflush(stdout);
}

static int fetch_port(const struct args *a, const char *dir)
{
	char *path = path_join(dir, "port.yaml");
	struct diags d = DIAGS_INIT;
	struct recipe *r = recipe_load(path, &d);
	int failed = 0;
	if (!r || d.n) {
		if (!r)
			fprintf(stderr, "krill fetch: %s\n", kr_errmsg());
		diag_print(&d, stderr);
		failed = 1;
	}
	for (size_t i = 0; r && !d.n && i < r->nsources; i++) {
		struct fetch_result res;
		if (source_tree(&r->sources[i]))
			continue; /* in the source tree: nothing to fetch */
		char *name = source_filename(r, &r->sources[i], a->arch);
		if (name && fetch_source(&a->o, r, &r->sources[i], a->arch, &res) == 0) {
			print_result(name, &res);
			fetch_result_free(&res);
		} else {
			fprintf(stderr, "krill fetch: %s\n", kr_errmsg());
			failed = 1;
		}
		free(name);
	}
	recipe_free(r);
	diag_free(&d);
	free(path);
	return failed;
}

static int fetch_all(const struct args *a, const char *ports)
{
	struct strlist names = STRLIST_INIT;
	if (list_dir(ports, &names) < 0) {
		fprintf(stderr, "krill fetch: %s\n", kr_errmsg());
		return 1;
	}
	int failed = 0;
	for (size_t i = 0; i < names.n; i++) {
		char *dir = path_join(ports, names.v[i]);
		char *y = path_join(dir, "port.yaml");
		if (path_exists(y))
			failed |= fetch_port(a, dir);
		free(y);
		free(dir);
	}
	sl_free(&names);
	return failed;
}

static int fetch_one(const struct args *a)
{
	struct fetch_result res;
	if (fetch_file(&a->o, a->name, a->sha256, a->url, &res) < 0) {
		fprintf(stderr, "krill fetch: %s\n", kr_errmsg());
		return 1;
	}
	print_result(a->name, &res);
	fetch_result_free(&res);
	return 0;
}

static char *default_cache(void)
{
	const char *e = getenv("KRILL_CACHE_DIR"), *home = getenv("HOME");
	if (e && *e)
		return xstrdup(e);
	return xasprintf("%s/.cache/krill", home && *home ? home : ".");
}

static int parse(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{"cache", required_argument, NULL, 'c'},
		{"distfiles", required_argument, NULL, 'd'},
		{"mirror", required_argument, NULL, 'm'},
		{"no-upstream", no_argument, NULL, 'U'},
		{"no-debian", no_argument, NULL, 'D'},
		{"update-debian-index", no_argument, NULL, 'u'},
		{"arch", required_argument, NULL, 'a'},
		{"all", no_argument, NULL, 'A'},
		{"sha256", required_argument, NULL, 's'},
		{"name", required_argument, NULL, 'n'},
		{"url", required_argument, NULL, 'r'},
		{NULL, 0, NULL, 0},
	};
	char *cache = NULL;
	struct strlist mirrors = STRLIST_INIT;
	int c, bad = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			free(cache);
			cache = xstrdup(optarg);
			break;
		case 'd':
			free(a->o.distfiles);
			a->o.distfiles = xstrdup(optarg);
			break;
		case 'm': sl_push(&mirrors, optarg); break;
		case 'U': a->o.no_upstream = 1; break;
		case 'D': a->o.no_debian = 1; break;
		case 'u': a->update = 1; break;
		case 'a': a->arch = optarg; break;
		case 'A': a->all = 1; break;
		case 's': a->sha256 = optarg; break;
		case 'n': a->name = optarg; break;
		case 'r': a->url = optarg; break;
		default: bad = 1;
		}
	}
	free(a->o.cache_dir);
	a->o.cache_dir = cache ? cache : default_cache();
	for (size_t i = 0; i < mirrors.n; i++)
		sl_push(&a->o.mirrors, mirrors.v[i]);
	sl_free(&mirrors);
	return bad ? -1 : 0;
}

static int run(int argc, char **argv)
{
	struct args a = {0};
	fetch_opts_init(&a.o, ".");
	int rc = 2;
	if (parse(argc, argv, &a) < 0) {
		rc = verb_usage_error(&verb_fetch, "bad option");
		goto out;
	}
	int nargs = argc - optind;
	if (!a.arch) {
		static struct utsname u;
		a.arch = uname(&u) == 0 ? u.machine : "x86_64";
	}
	if (a.sha256 || a.name) {
		if (!a.sha256 || !a.name || nargs || a.all) {
			rc = verb_usage_error(&verb_fetch,
					      "--sha256 and --name go together, without ports");
			goto out;
		}
	} else if (nargs != 1 && !(a.update && !nargs)) {
		rc = verb_usage_error(&verb_fetch, "expected one PORTDIR or PORTS_DIR");
		goto out;
	}
	rc = 0;
	if (a.update && debsrc_update(a.o.cache_dir, a.o.apt_etc, 1) < 0) {
		fprintf(stderr, "krill fetch: %s\n", kr_errmsg());
		rc = 1;
	}
	if (a.sha256)
		rc |= fetch_one(&a);
	else if (nargs)
		rc |= a.all ? fetch_all(&a, argv[optind]) : fetch_port(&a, argv[optind]);
out:
	fetch_opts_free(&a.o);
	return rc;
}
