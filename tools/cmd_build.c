/* cmd_build.c - `krill build`: build one port in the sandbox and package it.
 *
 * Steps: load the recipe; prepare a fresh work dir (sources fetched by
 * sha256, extracted, patched); install the dependency packages into a
 * fresh sysroot; run the style's script in bubblewrap; package DESTDIR;
 * move the result into place atomically (the `done` stamp last). A failed
 * build keeps its work dir and shows the tail of its log.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "build.h"
#include "buildrun.h"
#include "buildtime.h"
#include "remotecache.h"
#include "vary.h"
#include "verbs.h"

static int run(int argc, char **argv);

const struct verb verb_build = {
	"build",
	"build one port in the sandbox and package it",
	"usage: krill build --arch A --key KEY --out RESULT_DIR [options] PORT_DIR\n"
	"       krill build --shell --arch A [options] PORT_DIR\n"
	"\n"
	"Builds the port in PORT_DIR inside a bubblewrap sandbox (no network, cleared\n"
	"environment, fixed time/locale/umask/hostname) and writes its packages and\n"
	"provenance into RESULT_DIR, atomically, ending with RESULT_DIR/done.\n"
	"`make NAME` calls this with everything filled in; see tools/doc/sandbox.md.\n"
	"\n"
	"  --arch A          x86_64, aarch64 or host (the host compiler)\n"
	"  --key KEY         the port's content key (from krill graph)\n"
	"  --out DIR         result dir (packages, provenance, done)\n"
	"  --cache DIR       cache (distfiles); default ~/.cache/krill\n"
	"  --work DIR        work dir (kept on failure); default build/ARCH/work/NAME\n"
	"  --dep DIR         a dependency's result dir (repeatable): its packages\n"
	"                    provide the sysroot\n"
	"  --toolchain DIR   the cross toolchain, mounted at /toolchain\n"
	"  --toolchain-key K its key, recorded in the provenance\n"
	"  --with NAME       also install package NAME into the sysroot (repeatable;\n"
	"                    the graph passes the toolchain's runtime this way)\n"
	"  --tree PATH=HASH  the content hash krill graph keyed a tree:PATH source\n"
	"                    by (repeatable); the build refuses a copy that differs\n"
	"  --jobs N          parallel jobs inside the build (default: 2)\n"
	"  --log FILE        full log (default: WORK.log)\n"
	"  --progress FILE   shared counter for the [k/n] progress line\n"
	"  --total N         n of the progress line\n"
	"  --verbose         also show the log live\n"
	"  --keep-work       keep the work dir after a successful build\n"
	"  --shared-src      the extracted, patched sources from the source store\n"
	"                    (CACHE/store/src/KEY, made once, shared by ports with\n"
	"                    the same sources and patches), read-only at /build/src\n"
	"  --ccache DIR      ccache in front of the compilers (make CCACHE=1), its\n"
	"                    cache in DIR/ARCH-TOOLCHAINKEY, the only writable path\n"
	"                    builds share; never part of a result or a key\n"
	"  --shell           prepare the work dir and sysroot, then open an\n"
	"                    interactive shell in the same sandbox\n"
	"  --vary SPEC       `make repro`'s second build: vary what the build script\n"
	"                    sees (reprotest's --vary syntax: -time,+fileordering;\n"
	"                    tools/doc/repro.md); never for a result of the cache\n"
	"  --vary-locales DIR  the locales variation's locale, made once by\n"
	"                    `krill build --make-locale DIR` (else made per build)\n"
	"  --remote-cache URL  before building, fetch the result for KEY from this\n"
	"                    cache (http(s)://... accepting GET and PUT, or file:///PATH;\n"
	"                    default $KRILL_REMOTE_CACHE); after a build, upload it\n"
	"  --builder-keys DIR  trusted builder keys (*.pub): a fetched result is used\n"
	"                    only if signed by one (default $KRILL_BUILDER_KEYS)\n"
	"  --builder-key PEM the private key uploads are signed with (default\n"
	"                    $KRILL_BUILDER_KEY; none: no uploads)\n"
	"  --no-push         read-only remote cache (also KRILL_REMOTE_CACHE_PUSH=0)\n"
	"  --fetch-only      only bring KEY's result from the remote cache into --out\n"
	"                    (after a LAUNCHER ran the build elsewhere); no build, no\n"
	"                    progress line; fails if the cache does not have it\n"
	"  --describe-vary   print what --vary SPEC varies (the repro header), exit\n"
	"  --make-locale DIR make that locale (localedef) in DIR, exit\n"
	"\n"
	"While a build runs, a heartbeat line every KRILL_HEARTBEAT seconds (default\n"
	"60; 0: none): `NAME running 14m (took 52m last time), log LOG`.\n"
	"A result fetched from the remote cache says `cached (remote)` and the bytes\n"
	"fetched; a refused one (bad signature, unknown key, wrong bytes) is named\n"
	"and the port is built here instead (tools/doc/remotecache.md).\n",
	run,
};

/* Bump the shared counter under a lock: the k of "[k/n]". */
static int next_progress(const char *path)
{
	if (!path)
		return 0;
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return 0;
	flock(fd, LOCK_EX);
	char buf[32] = {0};
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	int k = (n > 0 ? atoi(buf) : 0) + 1;
	int len = snprintf(buf, sizeof buf, "%d\n", k);
	if (pwrite(fd, buf, (size_t)len, 0) < 0 || ftruncate(fd, len) < 0)
		k = 0;
	flock(fd, LOCK_UN);
	close(fd);
	return k;
}

/* The heartbeat: a thread that says every interval seconds that the build
 * is still running, whatever step it is in (fetching, unpacking, the
 * sandboxed script, packaging), until stop is set. */
struct heartbeat {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop, started;
	long interval, last; /* seconds; last build's, -1 unknown */
	char *name, *log;
};

static void fmt_secs(char *buf, size_t n, long s)
{
	if (s < 60)
		snprintf(buf, n, "%lds", s);
	else if (s < 3600)
		snprintf(buf, n, "%ldm", s / 60);
	else
		snprintf(buf, n, "%ldh%02ldm", s / 3600, s / 60 % 60);
}

static void *beat(void *arg)
{
	struct heartbeat *h = arg;
	struct timespec t0, until;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	until = t0;
	pthread_mutex_lock(&h->mu);
	while (!h->stop) {
		until.tv_sec += h->interval;
		while (!h->stop && pthread_cond_timedwait(&h->cv, &h->mu, &until) == 0)
			;
		if (h->stop)
			break;
		char el[32], last[64] = "";
		fmt_secs(el, sizeof el, (long)(until.tv_sec - t0.tv_sec));
		if (h->last > 0) {
			char l[32];
			fmt_secs(l, sizeof l, h->last);
			snprintf(last, sizeof last, " (took %s last time)", l);
		}
		printf("%s running %s%s, log %s\n", h->name, el, last, h->log);
		fflush(stdout);
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

/* The log as the user would type it: relative to the current directory
 * when it lies below it (make runs from the top of the tree). */
static char *shown_path(const char *path)
{
	char *cwd = getcwd(NULL, 0);
	size_t n = cwd ? strlen(cwd) : 0;
	char *s = cwd && !strncmp(path, cwd, n) && path[n] == '/' ? xstrdup(path + n + 1)
								  : xstrdup(path);
	free(cwd);
	return s;
}

static void heartbeat_start(struct heartbeat *h, const struct buildrun *b)
{
	memset(h, 0, sizeof *h);
	const char *e = getenv("KRILL_HEARTBEAT");
	h->interval = e && *e ? strtol(e, NULL, 10) : 60;
	if (h->interval <= 0)
		return;
	char *dir = xstrdup(b->portdir);
	for (size_t n = strlen(dir); n > 1 && dir[n - 1] == '/';)
		dir[--n] = 0;
	h->name = xstrdup(path_basename(dir));
	free(dir);
	char *log = b->logpath ? xstrdup(b->logpath)
			       : xasprintf("build/%s/work/%s.log", b->arch, h->name);
	h->log = shown_path(log);
	free(log);
	char *home = getenv("HOME");
	char *cache = b->cache ? xstrdup(b->cache)
			       : xasprintf("%s/.cache/krill", home && *home ? home : "/root");
	h->last = buildtime_lookup(cache, b->arch, h->name);
	free(cache);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&h->cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&h->mu, NULL);
	h->started = pthread_create(&h->thread, NULL, beat, h) == 0;
}

static void heartbeat_stop(struct heartbeat *h)
{
	if (h->started) {
		pthread_mutex_lock(&h->mu);
		h->stop = 1;
		pthread_cond_signal(&h->cv);
		pthread_mutex_unlock(&h->mu);
		pthread_join(h->thread, NULL);
		pthread_cond_destroy(&h->cv);
		pthread_mutex_destroy(&h->mu);
	}
	free(h->name);
	free(h->log);
}

static int has_done(const char *dir)
{
	char *done = path_join(dir, "done");
	int have = path_exists(done);
	free(done);
	return have;
}

/* A dependency's result that is not here (a node-local CACHE_DIR under a
 * LAUNCHER): fetch it by its key, the name of its result dir. A miss is
 * left to the sysroot step, which names what is missing. */
static void fetch_deps(const struct rcache *remote, const struct buildrun *b)
{
	for (size_t i = 0; i < b->deps.n; i++) {
		if (has_done(b->deps.v[i]))
			continue;
		char *dir = xstrdup(b->deps.v[i]);
		for (size_t n = strlen(dir); n > 1 && dir[n - 1] == '/';)
			dir[--n] = 0;
		uint64_t got;
		if (rcache_fetch(remote, path_basename(dir), dir, &got) < 0)
			fprintf(stderr, "krill build: remote cache: dependency %s: %s\n", dir,
				kr_errmsg());
		free(dir);
	}
}

/* Before building: KEY's result from the remote cache, unless it is here.
 * 1 fetched, 0 nothing to do or a miss, -1 refused (said why: the port is
 * built here instead, and the refused entry replaced by its upload). */
static int fetch_own(const struct rcache *remote, struct buildrun *b, uint64_t *fetched)
{
	if (has_done(b->outdir))
		return 0;
	if (!remote->trust_dir) {
		fprintf(stderr,
			"krill build: remote cache %s: no trusted builder keys (--builder-keys DIR "
			"or KRILL_BUILDER_KEYS); building locally\n",
			remote->url);
		return 0;
	}
	int got = rcache_fetch(remote, b->key, b->outdir, fetched);
	if (got < 0)
		fprintf(stderr, "krill build: remote cache: %s; building locally\n", kr_errmsg());
	return got;
}

/* --fetch-only: the build ran elsewhere (LAUNCHER) and uploaded; bring the
 * result here so make's stamp exists and dependents find it. */
static int fetch_result(const struct rcache *remote, const struct buildrun *b)
{
	if (!remote->url || !*remote->url || !remote->trust_dir)
		return verb_usage_error(&verb_build,
					"--fetch-only needs --remote-cache and --builder-keys");
	if (!b->key || !b->outdir)
		return verb_usage_error(&verb_build, "--fetch-only needs --key and --out");
	if (has_done(b->outdir))
		return 0;
	uint64_t got;
	int rc = rcache_fetch(remote, b->key, b->outdir, &got);
	if (rc > 0)
		return 0;
	if (rc == 0)
		fprintf(stderr,
			"krill build: %s: no result for key %.16s in the remote cache %s after its "
			"build (did the job upload it? it needs KRILL_BUILDER_KEY)\n",
			b->portdir, b->key, remote->url);
	else
		fprintf(stderr, "krill build: remote cache: %s\n", kr_errmsg());
	return 1;
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
		{"arch", required_argument, NULL, 'a'},
		{"key", required_argument, NULL, 'k'},
		{"out", required_argument, NULL, 'o'},
		{"cache", required_argument, NULL, 'c'},
		{"work", required_argument, NULL, 'w'},
		{"dep", required_argument, NULL, 'd'},
		{"toolchain", required_argument, NULL, 't'},
		{"jobs", required_argument, NULL, 'j'},
		{"log", required_argument, NULL, 'l'},
		{"progress", required_argument, NULL, 'p'},
		{"total", required_argument, NULL, 'n'},
		{"verbose", no_argument, NULL, 'v'},
		{"keep-work", no_argument, NULL, 'K'},
		{"shell", no_argument, NULL, 's'},
		{"toolchain-key", required_argument, NULL, 'T'},
		{"with", required_argument, NULL, 'W'},
		{"tree", required_argument, NULL, 'R'},
		{"vary", required_argument, NULL, 'V'},
		{"describe-vary", no_argument, NULL, 'D'},
		{"vary-locales", required_argument, NULL, 'L'},
		{"make-locale", required_argument, NULL, 'M'},
		{"remote-cache", required_argument, NULL, 'r'},
		{"builder-keys", required_argument, NULL, 'B'},
		{"builder-key", required_argument, NULL, 'S'},
		{"no-push", no_argument, NULL, 'P'},
		{"fetch-only", no_argument, NULL, 'F'},
		{"ccache", required_argument, NULL, 'C'},
		{"shared-src", no_argument, NULL, 'H'},
		{NULL, 0, NULL, 0},
	};
	struct buildrun b = {0};
	b.jobs = 2;
	const char *progress = NULL;
	int total = 0, shell = 0, describe = 0, fetch_only = 0, c;
	const char *vary = NULL, *make_locale = NULL;
	const char *push_env = getenv("KRILL_REMOTE_CACHE_PUSH");
	struct rcache rc_opts = {getenv("KRILL_REMOTE_CACHE"), getenv("KRILL_BUILDER_KEYS"),
				 getenv("KRILL_BUILDER_KEY"),
				 !(push_env && !strcmp(push_env, "0"))};
	while ((c = getopt_long(argc, argv, "a:k:o:c:w:d:t:j:l:p:n:vKs", opts, NULL)) != -1) {
		switch (c) {
		case 'a': b.arch = optarg; break;
		case 'k': b.key = optarg; break;
		case 'o': b.outdir = optarg; break;
		case 'c': b.cache = optarg; break;
		case 'w': b.workdir = optarg; break;
		case 'd': sl_push(&b.deps, optarg); break;
		case 't': b.toolchain = optarg; break;
		case 'j': b.jobs = atoi(optarg) > 0 ? atoi(optarg) : 1; break;
		case 'l': b.logpath = optarg; break;
		case 'p': progress = optarg; break;
		case 'n': total = atoi(optarg); break;
		case 'v': b.verbose = 1; break;
		case 'K': b.keep_work = 1; break;
		case 's': shell = 1; break;
		case 'T': b.toolchain_key = optarg; break;
		case 'W': sl_push(&b.with, optarg); break;
		case 'R': sl_push(&b.trees, optarg); break;
		case 'V': vary = optarg; break;
		case 'D': describe = 1; break;
		case 'L': b.vary_locales = optarg; break;
		case 'M': make_locale = optarg; break;
		case 'r': rc_opts.url = optarg; break;
		case 'B': rc_opts.trust_dir = optarg; break;
		case 'S': rc_opts.signing_key = optarg; break;
		case 'P': rc_opts.push = 0; break;
		case 'F': fetch_only = 1; break;
		case 'C': b.ccache = optarg; break;
		case 'H': b.shared_src = 1; break;
		default:
			sl_free(&b.deps);
			sl_free(&b.with);
			sl_free(&b.trees);
			return verb_usage_error(&verb_build, "bad option");
		}
	}
	if (vary && vary_parse(vary, &b.vary) < 0) {
		sl_free(&b.deps);
		sl_free(&b.with);
		sl_free(&b.trees);
		fprintf(stderr, "krill build: %s\n", kr_errmsg());
		return 2;
	}
	if (make_locale) {
		sl_free(&b.deps);
		sl_free(&b.with);
		sl_free(&b.trees);
		if (vary_make_locale(make_locale) < 0) {
			fprintf(stderr, "krill build: %s\n", kr_errmsg());
			return 1;
		}
		return 0;
	}
	if (describe) {
		sl_free(&b.deps);
		sl_free(&b.with);
		sl_free(&b.trees);
		if (!vary)
			return verb_usage_error(&verb_build, "--describe-vary needs --vary SPEC");
		vary_describe(b.vary, stdout);
		return 0;
	}
	if (optind + 1 != argc || !b.arch || (!shell && (!b.key || !b.outdir))) {
		sl_free(&b.deps);
		sl_free(&b.with);
		sl_free(&b.trees);
		return verb_usage_error(&verb_build,
					"expected --arch, --key, --out and one PORT_DIR");
	}
	b.portdir = argv[optind];
	if (fetch_only) {
		int frc = fetch_result(&rc_opts, &b);
		sl_free(&b.deps);
		sl_free(&b.with);
		sl_free(&b.trees);
		return frc;
	}
	double t0 = now_seconds();
	struct heartbeat hb = {0};
	if (!shell)
		heartbeat_start(&hb, &b);
	/* the remote cache: never for --vary (`make repro`'s second build must
	 * be built, and its results are not the key's) */
	const struct rcache *remote =
		!shell && !b.vary && rc_opts.url && *rc_opts.url ? &rc_opts : NULL;
	uint64_t fetched = 0, pushed = 0;
	int remote_hit = 0, refused = 0, rc = 0;
	if (remote && remote->trust_dir)
		fetch_deps(remote, &b);
	if (remote) {
		int got = fetch_own(remote, &b, &fetched);
		remote_hit = got > 0;
		refused = got < 0;
	}
	rc = shell ? buildrun_shell(&b) : buildrun_port(&b);
	int pushrc = 1;
	if (rc == 0 && remote && !b.cached && remote->push) {
		if (!remote->signing_key) {
			fprintf(stderr,
				"krill build: remote cache: %s not uploaded: no builder key "
				"to sign with (KRILL_BUILDER_KEY; KRILL_REMOTE_CACHE_PUSH=0 for a "
				"read-only cache)\n",
				b.name);
		} else if ((pushrc = rcache_push(remote, b.key, b.outdir, refused, &pushed)) < 0) {
			/* the build itself is good: a cache that refuses uploads is not
			 * a failed port */
			fprintf(stderr, "krill build: warning: %s\n", kr_errmsg());
		}
	}
	heartbeat_stop(&hb);
	if (rc < 0)
		fprintf(stderr, "krill build: %s\n", kr_errmsg());
	if (!shell && b.name) {
		/* a result already in the cache is not one of the plan's n to
		 * build (make reruns the rule for a linked result): no number */
		int k = b.cached && !remote_hit ? 0 : next_progress(progress);
		char kn[48] = "";
		if (total > 0 && k > 0)
			snprintf(kn, sizeof kn, "[%d/%d] ", k, total);
		char use[96] = "";
		if (!b.cached && b.usage.maxrss_kb > 0)
			snprintf(use, sizeof use, " (build: %.0fs cpu, %ld MB peak rss)",
				 b.usage.user_s + b.usage.sys_s, b.usage.maxrss_kb / 1024);
		char net[64] = "";
		if (remote_hit && b.cached)
			snprintf(net, sizeof net, ", %llu bytes fetched",
				 (unsigned long long)fetched);
		else if (pushrc == 0)
			snprintf(net, sizeof net, ", pushed %llu bytes",
				 (unsigned long long)pushed);
		printf("%s%s %s %s ... %s %.1fs%s%s\n", kn, b.name, b.version, b.arch,
		       rc < 0			? "FAILED"
		       : b.cached && remote_hit ? "cached (remote)"
		       : b.cached		? "cached"
						: "ok",
		       now_seconds() - t0, use, net);
		fflush(stdout);
	}
	buildrun_free(&b);
	return rc < 0 ? 1 : 0;
}
