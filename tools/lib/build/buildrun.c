/* buildrun.c - see buildrun.h */
#include "buildrun.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "build.h"
#include "buildtime.h"
#include "extract.h"
#include "fetch.h"
#include "hostrt.h"
#include "install.h"
#include "patch.h"
#include "package.h"
#include "sandbox.h"
#include "srctree.h"
#include "store.h"
#include "vary.h"

static char *default_cache(void)
{
	const char *home = getenv("HOME");
	return xasprintf("%s/.cache/krill", home && *home ? home : "/root");
}

/* SOURCE_DATE_EPOCH as the caller set it, -1 if unset, -2 (with kr_err) if
 * it is not a number. krill graph hashes it into the keys when set, so a
 * key never stands for two values. */
static long long sde_override(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	if (!s || !*s)
		return -1;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (*end || v < 0 || errno) {
		kr_err("SOURCE_DATE_EPOCH='%s': expected seconds since 1970 (a non-negative "
		       "integer)",
		       s);
		return -2;
	}
	return v;
}

/* The build's SOURCE_DATE_EPOCH: the caller's, else the newest mtime in the
 * port's source archives, a function of their sha256 and so of the key
 * (the time of a commit is not: the same key built at two commits would
 * differ). Ports without an archive get KR_SDE_DEFAULT. Kept in the work
 * dir for `krill build --shell` on a kept work dir. */
static int set_sde(struct buildrun *b, long long newest)
{
	long long o = sde_override();
	if (o == -2)
		return -1;
	b->sde = o >= 0 ? o : newest > 0 ? newest : KR_SDE_DEFAULT;
	char *p = path_join(b->work, "source-date-epoch");
	char *s = xasprintf("%lld\n", b->sde);
	int rc = write_file_atomic(p, s, strlen(s), 0644);
	free(s);
	free(p);
	return rc;
}

/* The value set_sde kept in a work dir (the default if none); the
 * caller's wins, and a bad one is refused as in set_sde. */
static int load_sde(struct buildrun *b)
{
	long long o = sde_override();
	if (o == -2)
		return -1;
	char *p = path_join(b->work, "source-date-epoch");
	char *s = NULL;
	size_t n;
	b->sde = o >= 0 ? o : read_file(p, &s, &n) == 0 ? strtoll(s, NULL, 10) : KR_SDE_DEFAULT;
	free(s);
	free(p);
	return 0;
}

/* Print the last n lines of a log to stderr. */
static void log_tail(const char *path, int n)
{
	char *data;
	size_t len;
	if (read_file(path, &data, &len) < 0)
		return;
	size_t p = len;
	int lines = 0;
	while (p > 0 && lines <= n)
		if (data[--p] == '\n' && p + 1 < len)
			lines++;
	if (lines > n)
		p++;
	fprintf(stderr, "%s", data + p);
	if (len && data[len - 1] != '\n')
		fputc('\n', stderr);
	free(data);
}

static int load(struct buildrun *b)
{
	char *path = path_join(b->portdir, "port.yaml");
	struct diags d = DIAGS_INIT;
	b->r = recipe_load(path, &d);
	free(path);
	if (d.n) {
		diag_print(&d, stderr);
		diag_to_err(&d);
		diag_free(&d);
		return -1;
	}
	diag_free(&d);
	if (!b->r)
		return -1;
	b->name = b->r->name.s;
	b->version = b->r->version.s;
	b->cache_dir = b->cache ? xstrdup(b->cache) : default_cache();
	b->work =
		b->workdir ? xstrdup(b->workdir) : xasprintf("build/%s/work/%s", b->arch, b->name);
	b->log = b->logpath ? xstrdup(b->logpath) : xasprintf("%s.log", b->work);
	b->sysroot = xasprintf("%s.sysroot", b->work);
	b->host = build_host_triplet();
	/* (for host the same `cc -dumpmachine`: one process less per build) */
	b->target = !strcmp(b->arch, "host") ? xstrdup(b->host) : build_target_triplet(b->arch);
	return 0;
}

/* Remove the dirs of aside (already renamed out of the way) in a detached
 * grandchild at nice 19 and the lowest best-effort I/O priority, without
 * waiting for it:
 * a 3 GB gcc work dir took 58-261 s to remove in the foreground. */
static void remove_in_background(const struct strlist *aside)
{
	if (!aside->n)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		/* the child only forks the remover and exits, so make (and a
		 * test's $(...)) never waits for it: no fd of ours stays open */
		if (fork() == 0) {
			setsid();
			int fd = open("/dev/null", O_RDWR);
			for (int i = 0; i < 3; i++)
				dup2(fd, i);
			for (int i = 3; i < 1024; i++)
				close(i);
			(void)setpriority(PRIO_PROCESS, 0, 19);
#ifdef SYS_ioprio_set
			/* best effort, lowest level: class idle could starve it for
			 * as long as other builds keep the disk busy */
			syscall(SYS_ioprio_set, 1 /* a process */, 0, 2 << 13 | 7);
#endif
			for (size_t i = 0; i < aside->n; i++)
				rm_rf(aside->v[i]);
			_exit(0);
		}
		_exit(0);
	}
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	else /* no fork: in the foreground */
		for (size_t i = 0; i < aside->n; i++)
			rm_rf(aside->v[i]);
}

/* PATH.trash.* left by a remover that did not finish (a reboot, a kill). */
static void stale_trash(const char *path, struct strlist *out)
{
	char *dir = path_dirname(path);
	char *prefix = xasprintf("%s.trash.", path_basename(path));
	struct strlist l = STRLIST_INIT;
	if (list_dir(dir, &l) == 0)
		for (size_t i = 0; i < l.n; i++)
			if (str_starts(l.v[i], prefix))
				sl_push_own(out, path_join(dir, l.v[i]));
	sl_free(&l);
	free(prefix);
	free(dir);
}

/* The work dir and sysroot of this build out of the way: each renamed to
 * PATH.trash.PID (the name is free at once), then removed in the
 * background with whatever earlier trash of theirs is left. Only after
 * the result is committed, or when a new build of the port starts: a
 * failed build's dirs stay for `make shell`. */
static int discard_work(struct buildrun *b)
{
	const char *p[] = {b->work, b->sysroot};
	struct strlist aside = STRLIST_INIT;
	int rc = 0;
	for (size_t i = 0; i < ARRAY_LEN(p); i++) {
		stale_trash(p[i], &aside);
		if (!path_exists(p[i]))
			continue;
		char *t = xasprintf("%s.trash.%ld", p[i], (long)getpid());
		if (rename(p[i], t) == 0)
			sl_push_own(&aside, t);
		else {
			free(t);
			if (rm_rf(p[i]) < 0)
				rc = -1;
		}
	}
	remove_in_background(&aside);
	sl_free(&aside);
	return rc;
}

/* A fresh work dir: src/ obj/ dest/ home/ and the mount point files/. */
static int fresh_workdir(struct buildrun *b)
{
	static const char *const sub[] = {"src", "obj", "dest", "home", "files"};
	if (discard_work(b) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_LEN(sub); i++) {
		char *p = path_join(b->work, sub[i]);
		int rc = mkdir_p(p, 0755);
		free(p);
		if (rc < 0)
			return -1;
	}
	return mkdir_p(b->sysroot, 0755);
}

/* A tree:PATH source: copy TOP/PATH to src/PATH, hash the copy, and
 * refuse it when it is not what the key was computed from (the tree
 * changed since krill graph ran). The hash then names the source in the
 * SBOM and provenance, as a fetched file's sha256 does. */
static int copy_tree_source(struct buildrun *b, const char *top, struct source *s, const char *src)
{
	const char *t = source_tree(s);
	char hex[SHA256_HEX_LEN + 1];
	if (tree_copy(top, t, src) < 0 || tree_hash(src, t, hex) < 0)
		return -1;
	size_t n = strlen(t);
	for (size_t i = 0; i < b->trees.n; i++) {
		const char *w = b->trees.v[i];
		if (strncmp(w, t, n) || w[n] != '=')
			continue;
		if (strcmp(w + n + 1, hex)) {
			kr_err("%s: tree:%s changed since krill graph keyed it (%.12s, now %.12s); "
			       "run make again",
			       b->r->path, t, w + n + 1, hex);
			return -1;
		}
	}
	free(s->sha256);
	s->sha256 = xstrdup(hex);
	return 0;
}

/* Fetch every source by sha256, unpack (or copy) it under src, then apply
 * the port's patches in order; *newest: the newest mtime unpacked. */
static int unpack_sources(struct buildrun *b, const char *src, long long *newest)
{
	struct fetch_opts o;
	fetch_opts_init(&o, b->cache_dir); /* also KRILL_MIRRORS, KRILL_DISTFILES */
	int rc = 0;
	char *top = recipe_tree_top(b->r);
	for (size_t i = 0; !rc && i < b->r->nsources; i++) {
		struct source *s = &b->r->sources[i];
		if (source_tree(s)) {
			rc = copy_tree_source(b, top, s, src);
			continue;
		}
		struct fetch_result res = {0};
		rc = fetch_source(&o, b->r, s, b->arch, &res);
		char *sub = s->dir ? recipe_expand(b->r, s->dir, b->arch) : NULL;
		char *dir = sub ? path_join(src, sub) : xstrdup(src);
		free(sub);
		if (!rc && s->extract) {
			struct extract_opts eo = {s->strip, s->inner, newest};
			rc = extract_archive(res.path, dir, &eo);
		} else if (!rc) {
			char *name = source_filename(b->r, s, b->arch);
			char *dst = path_join(dir, name);
			rc = mkdir_p(dir, 0755);
			if (!rc)
				rc = copy_file(res.path, dst);
			free(dst);
			free(name);
		}
		free(dir);
		fetch_result_free(&res);
	}
	free(top);
	fetch_opts_free(&o);
	char *patches = path_join(b->r->dir, "patches");
	if (!rc && is_dir(patches))
		rc = patch_apply_dir(patches, src);
	free(patches);
	return rc;
}

static int hash_port_files(const char *root, const char *rel, struct strlist *store);

/* The source store's key of this port's tree: every source's sha256, name,
 * and how it is unpacked (strip, inner, dir), and the patches by sha256;
 * not the port's name: two ports with the same sources and patches (the
 * gcc stages) share one tree. */
static int shared_src_key(struct buildrun *b, char *out)
{
	struct strlist patches = STRLIST_INIT;
	if (hash_port_files(b->r->dir, "patches", &patches) < 0)
		return -1;
	struct hasher *h = hasher_new();
	hasher_adds(h, "krill-store-src 1");
	for (size_t i = 0; i < b->r->nsources; i++) {
		struct source *s = &b->r->sources[i];
		char *name = source_filename(b->r, s, b->arch);
		char *dir = s->dir ? recipe_expand(b->r, s->dir, b->arch) : NULL;
		char *line = xasprintf("source %s %s extract=%d strip=%d inner=%s dir=%s",
				       s->sha256, name, s->extract, s->strip,
				       s->inner ? s->inner : "-", dir ? dir : "-");
		hasher_adds(h, line);
		free(line);
		free(dir);
		free(name);
	}
	for (size_t i = 0; i + 1 < patches.n; i += 2) {
		char *line = xasprintf("patch %s %s", patches.v[i + 1], patches.v[i]);
		hasher_adds(h, line);
		free(line);
	}
	hasher_end(h, out);
	sl_free(&patches);
	return 0;
}

static int fill_src(const char *tmp, void *arg)
{
	struct buildrun *b = arg;
	char *root = path_join(tmp, "root"), *sde = path_join(tmp, "sde");
	long long newest = 0;
	int rc = mkdir_p(root, 0755);
	if (!rc)
		rc = unpack_sources(b, root, &newest);
	if (!rc) {
		char *v = xasprintf("%lld\n", newest);
		rc = write_file_atomic(sde, v, strlen(v), 0444);
		free(v);
	}
	free(sde);
	free(root);
	return rc;
}

/* --shared-src: the tree from the source store (made once per key),
 * mounted read-only at /build/src; WORK/src-store names the entry for
 * `make shell` on a kept work dir. */
static int prepare_shared_src(struct buildrun *b)
{
	char key[SHA256_HEX_LEN + 1];
	if (shared_src_key(b, key) < 0 ||
	    store_get(b->cache_dir, "src", key, fill_src, b, &b->src_store) < 0)
		return -1;
	char *sdep = path_join(b->src_store.dir, "sde"), *data = NULL;
	size_t n;
	long long newest = read_file(sdep, &data, &n) == 0 ? strtoll(data, NULL, 10) : 0;
	free(data);
	free(sdep);
	char *note = path_join(b->work, "src-store");
	int rc = set_sde(b, newest);
	if (!rc)
		rc = write_file_atomic(note, b->src_store.dir, strlen(b->src_store.dir), 0644);
	free(note);
	return rc;
}

/* The work dir's src/: its own copy, or (--shared-src, and no tree:
 * source, which is copied per build) the source store's. */
static int prepare_sources(struct buildrun *b)
{
	int tree = 0;
	for (size_t i = 0; i < b->r->nsources; i++)
		tree |= source_tree(&b->r->sources[i]) != NULL;
	if (b->shared_src && !tree)
		return prepare_shared_src(b);
	long long newest = 0;
	char *src = path_join(b->work, "src");
	int rc = unpack_sources(b, src, &newest);
	if (!rc)
		rc = set_sde(b, newest);
	free(src);
	return rc;
}

/* A kept work dir built on a source store entry: that entry again, if it
 * still verifies. */
static int reuse_shared_src(struct buildrun *b)
{
	char *note = path_join(b->work, "src-store"), *dir = NULL;
	size_t n;
	int rc = 0;
	if (read_file(note, &dir, &n) == 0) {
		rc = store_verify(dir, 0);
		if (!rc) {
			b->src_store.dir = xstrdup(dir);
			b->src_store.root = path_join(dir, "root");
		}
	}
	free(dir);
	free(note);
	return rc;
}

/* Append the package files of a result dir to files. */
static int list_packages(const char *dir, struct strlist *files)
{
	struct strlist l = STRLIST_INIT;
	if (list_dir(dir, &l) < 0)
		return -1;
	for (size_t i = 0; i < l.n; i++)
		if (str_ends(l.v[i], ".pkg.tar.zst"))
			sl_push_own(files, path_join(dir, l.v[i]));
	sl_free(&l);
	return 0;
}

/* The toolchain store entry of the graph's --with packages (store.h):
 * found and verified, or made. Its toolchain/ becomes /toolchain. */
static int use_store(struct buildrun *b, const struct strlist *files)
{
	if (b->store.dir || !b->with.n || b->toolchain)
		return 0;
	if (store_toolchain(b->cache_dir, files, &b->with, &b->store) < 0)
		return -1;
	char *tc = path_join(b->store.root, "toolchain");
	free(b->toolchain_auto);
	b->toolchain_auto = is_dir(tc) ? tc : (free(tc), xstrdup(""));
	return 0;
}

/* Exactly the declared build dependencies (and what they need at run
 * time), installed from the dependencies' packages into a fresh sysroot;
 * the toolchain and C runtime (--with) come from the store: the runtime
 * hard-linked in, the toolchain mounted at /toolchain. */
static int prepare_sysroot(struct buildrun *b)
{
	struct strlist files = STRLIST_INIT, names = STRLIST_INIT;
	int rc = 0;
	for (size_t i = 0; !rc && i < b->deps.n; i++)
		rc = list_packages(b->deps.v[i], &files);
	for (size_t i = 0; i < b->r->build_depends.n; i++)
		sl_push(&names, b->r->build_depends.v[i].s);
	if (!rc && b->with.n && !b->toolchain) {
		rc = use_store(b, &files);
		if (!rc)
			rc = store_link_runtime(&b->store, b->sysroot);
	} else
		for (size_t i = 0; i < b->with.n; i++)
			sl_push(&names, b->with.v[i]);
	if (!rc && names.n)
		rc = install_local(b->sysroot, &files, &names);
	if (rc)
		kr_err_prefix("%s: preparing the sysroot", b->r->path);
	sl_free(&files);
	sl_free(&names);
	return rc;
}

/* The toolchain: --toolchain, or the toolchain stages installed in the
 * sysroot (their packages hold toolchain/...), as during the bootstrap. */
static const char *toolchain(struct buildrun *b)
{
	if (b->toolchain)
		return b->toolchain;
	if (!b->toolchain_auto) {
		char *tc = path_join(b->sysroot, "toolchain");
		b->toolchain_auto = is_dir(tc) ? tc : (free(tc), xstrdup(""));
	}
	return *b->toolchain_auto ? b->toolchain_auto : NULL;
}

/* Is there a cross compiler for the target in the toolchain? */
static int cross(struct buildrun *b, const char *target)
{
	const char *tc = toolchain(b);
	if (!tc)
		return 0;
	char *gcc = xasprintf("%s/bin/%s-gcc", tc, target);
	int ok = path_exists(gcc);
	free(gcc);
	return ok;
}

static struct build_env env_of(struct buildrun *b)
{
	struct build_env e = {b->arch,
			      b->target,
			      b->host,
			      cross(b, b->target),
			      vary_jobs(b->vary, b->jobs),
			      b->sde,
			      vary_umask(b->vary)};
	return e;
}

static void setup_sandbox(struct buildrun *b, struct sandbox *sb)
{
	memset(sb, 0, sizeof *sb);
	sb->workdir = b->work;
	sb->sysroot = b->sysroot;
	sb->toolchain = toolchain(b);
	struct build_env e = env_of(b);
	build_env_vars(b->r, &e, &sb->env);
	char *files = path_join(b->r->dir, "files");
	if (is_dir(files))
		sl_push_own(&sb->ro_binds, xasprintf("%s:/build/files", files));
	free(files);
	if (b->src_store.root)
		sl_push_own(&sb->ro_binds, xasprintf("%s:/build/src", b->src_store.root));
}

/* CCACHE=1: ccache (the host's /usr/bin/ccache, read-only like every host
 * tool) in front of the compilers, by name on PATH (ccache's masquerade:
 * it runs the next compiler of that name on PATH), with its cache dir
 * CCACHE/ARCH-KEY (the toolchain: the store entry's key for a cross
 * toolchain, the host key for the host compiler) bound read-write at
 * /.krill-ccache/cache: the one writable path shared between builds. It
 * is never part of a result or a key; objects are the compiler's own
 * output for the same command, directory and inputs (ccache's direct and
 * preprocessor modes hash them, the compilers by content), so a result
 * is byte-identical with and without it (test_ccache, make repro). */
static int setup_ccache(struct buildrun *b, struct sandbox *sb)
{
	if (!b->ccache)
		return 0;
	if (!path_exists("/usr/bin/ccache")) {
		kr_err("CCACHE=1: no /usr/bin/ccache on this host (apt-get install ccache; "
		       "mk/host-packages.txt)");
		return -1;
	}
	const char *key = b->store.key	     ? b->store.key
			  : b->toolchain_key ? b->toolchain_key
					     : "none";
	char *dir = xasprintf("%s/%s-%.16s", b->ccache, b->arch, key);
	int rc = mkdir_p(dir, 0755);
	if (!rc) {
		sl_push_own(&sb->rw_binds, xasprintf("%s:/.krill-ccache/cache", dir));
		struct build_env e = env_of(b);
		const char *host[] = {"cc", "gcc", "c++", "g++"};
		for (size_t i = 0; !e.cross && i < ARRAY_LEN(host); i++) {
			sl_push_own(&sb->links,
				    xasprintf("/usr/bin/ccache:/.krill-ccache/bin/%s", host[i]));
			sl_push_own(&sb->links,
				    xasprintf("/usr/bin/ccache:/.krill-ccache/bin/%s-%s", b->host,
					      host[i]));
		}
		const char *cross[] = {"gcc", "g++", "cc", "c++"};
		for (size_t i = 0; e.cross && i < ARRAY_LEN(cross); i++)
			sl_push_own(&sb->links,
				    xasprintf("/usr/bin/ccache:/.krill-ccache/bin/%s-%s", b->target,
					      cross[i]));
		sl_push(&sb->env, "PATH=/.krill-ccache/bin:/toolchain/bin:/usr/bin:/usr/sbin");
		sl_push(&sb->env, "CCACHE_DIR=/.krill-ccache/cache");
		sl_push(&sb->env, "CCACHE_COMPILERCHECK=content");
		sl_push(&sb->env, "CCACHE_UMASK=022");
		sl_push(&sb->env, "CCACHE_TEMPDIR=/tmp/.ccache");
	}
	free(dir);
	return rc;
}

/* WORK/krill-build.sh: what the build runs, and what `make shell` offers. */
static int write_script(struct buildrun *b)
{
	struct build_env e = env_of(b);
	char *script = build_script(b->r, &e);
	if (!script)
		return -1;
	char *spath = path_join(b->work, "krill-build.sh");
	int rc = write_file_atomic(spath, script, strlen(script), 0755);
	free(spath);
	free(script);
	return rc;
}

/* A failed build step: the tail of its log on stderr, the error to return. */
static int report_failure(struct buildrun *b, const char *what, int st)
{
	fprintf(stderr, "krill build: %s: %s failed (exit %d); last lines of %s:\n", b->name, what,
		st, b->log);
	log_tail(b->log, 30);
	fprintf(stderr, "krill build: full log: %s\nkrill build: work dir kept: %s\n", b->log,
		b->work);
	kr_err("%s: %s failed (exit %d), log: %s", b->name, what, st, b->log);
	return -1;
}

static int prepare(struct buildrun *b)
{
	if (fresh_workdir(b) < 0 || prepare_sources(b) < 0 || prepare_sysroot(b) < 0)
		return -1;
	return 0;
}

/* Run the build script in the sandbox, logging to b->log (and the terminal
 * with --verbose). */
static int run_script(struct buildrun *b)
{
	if (write_script(b) < 0)
		return -1;
	char *logdir = path_dirname(b->log);
	mkdir_p(logdir, 0755);
	free(logdir);
	int fd = open(b->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		kr_err("%s: cannot create log: %s", b->log, strerror(errno));
		return -1;
	}
	FILE *tee = NULL;
	int outfd = fd;
	if (b->verbose) {
		char *cmd = xasprintf("tee -a '%s'", b->log);
		tee = popen(cmd, "w");
		free(cmd);
		if (tee)
			outfd = fileno(tee);
	}
	struct sandbox sb;
	setup_sandbox(b, &sb);
	if (setup_ccache(b, &sb) < 0) {
		sandbox_free(&sb);
		if (tee)
			pclose(tee);
		close(fd);
		return -1;
	}
	/* `make repro`'s second build: the variations apply to the build
	 * script only (the recipe's test runs as in a normal build) */
	char *src = b->src_store.root ? xstrdup(b->src_store.root) : path_join(b->work, "src");
	char *mnt = xasprintf("%s.disorderfs", b->work);
	struct vary_ctx vc = {b->host, src, mnt, 0, b->vary_locales, NULL, NULL};
	int st = b->vary ? vary_apply(b->vary, &vc, &sb) : 0;
	if (st == 0)
		st = sandbox_run_usage(&sb, ". /build/krill-build.sh", outfd, &b->usage);
	if (vary_release(&vc) < 0)
		st = -1;
	free(src);
	free(mnt);
	sandbox_free(&sb);
	if (tee)
		pclose(tee);
	close(fd);
	if (st < 0)
		return -1;
	return st ? report_failure(b, "build", st) : 0;
}

/* {name, sha256} of every file matching suffix in dir, sorted. */
static int hash_refs(const char *dir, const char *suffix, struct strlist *store)
{
	struct strlist names = STRLIST_INIT;
	if (!is_dir(dir))
		return 0;
	if (list_dir(dir, &names) < 0)
		return -1;
	for (size_t i = 0; i < names.n; i++) {
		if (!str_ends(names.v[i], suffix))
			continue;
		char *p = path_join(dir, names.v[i]);
		char hex[65];
		int rc = sha256_file(p, hex, NULL);
		free(p);
		if (rc < 0) {
			sl_free(&names);
			return -1;
		}
		sl_push(store, names.v[i]);
		sl_push(store, hex);
	}
	sl_free(&names);
	return 0;
}

/* {REL, sha256} of every file below root/rel, recursively and sorted, as
 * krill graph hashes patches/ and files/ into the key (a symlink by the
 * sha256 of its target, which is what the key takes of it). */
static int hash_port_files(const char *root, const char *rel, struct strlist *store)
{
	char *dir = path_join(root, rel);
	struct strlist names = STRLIST_INIT;
	int rc = 0;
	if (!is_dir(dir) || list_dir(dir, &names) < 0) {
		rc = is_dir(dir) ? -1 : 0;
		free(dir);
		return rc;
	}
	for (size_t i = 0; !rc && i < names.n; i++) {
		char *r = path_join(rel, names.v[i]), *full = path_join(root, r);
		struct stat st;
		char hex[SHA256_HEX_LEN + 1];
		if (lstat(full, &st) < 0) {
			kr_err("%s: %s", full, strerror(errno));
			rc = -1;
		} else if (S_ISDIR(st.st_mode)) {
			rc = hash_port_files(root, r, store);
		} else if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t n = readlink(full, target, sizeof target - 1);
			target[n < 0 ? 0 : n] = 0;
			sha256_hex(target, strlen(target), hex);
			sl_push(store, r);
			sl_push(store, hex);
		} else if ((rc = sha256_file(full, hex, NULL)) == 0) {
			sl_push(store, r);
			sl_push(store, hex);
		}
		free(r);
		free(full);
	}
	sl_free(&names);
	free(dir);
	return rc;
}

static struct prov_refs as_refs(const struct strlist *store)
{
	struct prov_ref *v = xcalloc(store->n / 2 + 1, sizeof *v);
	for (size_t i = 0; i + 1 < store->n; i += 2) {
		v[i / 2].name = store->v[i];
		v[i / 2].value = store->v[i + 1];
	}
	return (struct prov_refs){v, store->n / 2};
}

static int package(struct buildrun *b, const char *tmpout)
{
	struct strlist portfiles = STRLIST_INIT, deps = STRLIST_INIT;
	int rc = hash_port_files(b->r->dir, "patches", &portfiles);
	if (!rc)
		rc = hash_port_files(b->r->dir, "files", &portfiles);
	for (size_t i = 0; !rc && i < b->deps.n; i++)
		rc = hash_refs(b->deps.v[i], ".pkg.tar.zst", &deps);
	const char *target = b->target;
	/* the compiler that built it: the cross gcc, or the host's cc */
	char *cccmd = cross(b, target) ? xasprintf("'%s/bin/%s-gcc' --version 2>/dev/null",
						   toolchain(b), target)
				       : xstrdup("cc --version 2>/dev/null");
	char *cc = run_first_line(cccmd);
	free(cccmd);
	char *bwrap = sandbox_bwrap_version();
	struct prov_ref tools[] = {{"cc", cc ? cc : "unknown"}, {"bwrap", bwrap}};
	/* the target's strip for target code, the host's for the toolchain's
	 * own programs (a toolchain stage holds both) */
	char *strip = xasprintf("%s/bin/%s-strip", toolchain(b) ? toolchain(b) : "", target);
	if (!toolchain(b) || !path_exists(strip)) {
		free(strip);
		strip = xstrdup("strip");
	}
	char *dest = path_join(b->work, "dest");
	struct package_opts o = {
		.recipe = b->r,
		.arch = b->arch,
		.key = b->key,
		.destdir = dest,
		.outdir = tmpout,
		.source_date_epoch = b->sde,
		.strip = strip,
		.host_strip = strcmp(strip, "strip") ? "strip" : NULL,
		.toolchain_key = b->toolchain_key,
		.portfiles = as_refs(&portfiles),
		.deps = as_refs(&deps),
		.tools = {tools, ARRAY_LEN(tools)},
	};
	/* The build host's library dirs: toolchain/ programs link them, and an
	 * error names a host copy of an undeclared library. */
	struct strlist syslibs = STRLIST_INIT, runtime = STRLIST_INIT;
	static const char *const dirs[] = {"/lib/%s", "/usr/lib/%s", "/lib64", "/usr/lib64"};
	for (size_t i = 0; i < ARRAY_LEN(dirs); i++)
		sl_push_own(&syslibs, xasprintf(dirs[i], b->host));
	o.system_libdirs = &syslibs;
	char *deplib = path_join(b->sysroot, "usr/lib");
	o.dep_libdir = deplib;
	/* ARCH=host: the host compiler's runtime; a cross toolchain's is in
	 * the sysroot as packages */
	if (!rc && !strcmp(b->arch, "host")) {
		rc = hostrt_sonames(HOSTRT_DPKG_INFO, &syslibs, &runtime);
		o.runtime_sonames = &runtime;
	}
	struct package_result res = {0};
	if (!rc)
		rc = package_port(&o, &res);
	package_result_free(&res);
	sl_free(&syslibs);
	sl_free(&runtime);
	free(deplib);
	free((void *)o.portfiles.v);
	free((void *)o.deps.v);
	free(dest);
	free(strip);
	free(cc);
	free(bwrap);
	sl_free(&portfiles);
	sl_free(&deps);
	return rc;
}

/* Run the recipe's `test:` against its packages installed (with their
 * runtime dependencies, and the recipe's test-depends) into a fresh root,
 * in the build sandbox: the root at /sysroot ($ROOT), its toolchain/ (a
 * bootstrap stage's) at /toolchain. For ARCH=host the root's programs and
 * libraries are on PATH and the library path; $RUN runs a target's
 * programs against the root's glibc (build_test_runner()), $INROOT with
 * the root as / (build_test_inroot()). */
static int run_test(struct buildrun *b, const char *tmpout)
{
	if (!b->r->test)
		return 0;
	struct strlist files = STRLIST_INIT, names = STRLIST_INIT;
	char *root = xasprintf("%s.testroot", b->work);
	int rc = rm_rf(root);
	if (!rc)
		rc = list_packages(tmpout, &files);
	for (size_t i = 0; !rc && i < files.n; i++) { /* every package of this port */
		struct pkginfo pi = {0};
		rc = pkgfile_info(files.v[i], &pi);
		if (!rc)
			sl_push(&names, pi.name);
		pkginfo_free(&pi);
	}
	/* the recipe's test-depends join the root (with what they need), but
	 * no package of the port depends on them */
	for (size_t i = 0; i < b->r->test_depends.n; i++)
		sl_push(&names, b->r->test_depends.v[i].s);
	/* $RUN runs a target program with the root's loader and libc, also
	 * where nothing of the port needs them (the static archives' checks):
	 * the C runtime of the toolchain joins a cross arch's test root */
	if (sl_has(&b->with, "glibc"))
		sl_push(&names, "glibc");
	for (size_t i = 0; !rc && i < b->deps.n; i++)
		rc = list_packages(b->deps.v[i], &files);
	if (!rc)
		rc = install_local(root, &files, &names);
	if (rc) {
		kr_err_prefix("%s: installing its packages for the test", b->name);
		goto out;
	}
	struct sandbox sb;
	setup_sandbox(b, &sb);
	sb.sysroot = root;
	char *tc = path_join(root, "toolchain");
	sb.toolchain = is_dir(tc) ? tc : NULL;
	sl_push(&sb.env, "ROOT=/sysroot");
	char *run = build_test_runner(b->arch, b->host);
	sl_push_own(&sb.env, xasprintf("RUN=%s", run));
	free(run);
	char *inroot = build_test_inroot(b->arch, b->host);
	sl_push_own(&sb.env, xasprintf("INROOT=%s", inroot));
	free(inroot);
	if (!strcmp(b->arch, "host")) {
		sl_push(&sb.env, "PATH=/sysroot/usr/bin:/sysroot/usr/sbin:/usr/bin:/usr/sbin");
		sl_push(&sb.env, "LD_LIBRARY_PATH=/sysroot/usr/lib");
	}
	int fd = open(b->log, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd >= 0)
		dprintf(fd, ">>> test\n");
	char *script = xasprintf("cd /\n%s", b->r->test);
	int st = sandbox_run(&sb, script, fd);
	free(script);
	sandbox_free(&sb);
	free(tc);
	if (fd >= 0)
		close(fd);
	if (st > 0)
		rc = report_failure(b, "test", st);
	else if (st < 0)
		rc = -1;
out:
	if (!rc)
		rm_rf(root);
	free(root);
	sl_free(&files);
	sl_free(&names);
	return rc;
}

/* Move tmp into place as the result; `done` is written last inside tmp so
 * a result dir without it is never trusted. */
static int commit_result(struct buildrun *b, const char *tmpout)
{
	char *done = path_join(tmpout, "done");
	char *body = xasprintf("key: %s\nport: %s\nversion: %s-r%d\narch: %s\n", b->key, b->name,
			       b->version, b->r->release, b->arch);
	int rc = write_file_atomic(done, body, strlen(body), 0644);
	free(body);
	free(done);
	if (rc < 0)
		return -1;
	if (rm_rf(b->outdir) < 0)
		return -1;
	if (rename(tmpout, b->outdir) < 0) {
		kr_err("%s: cannot move result into place: %s", b->outdir, strerror(errno));
		return -1;
	}
	char *parent = path_dirname(b->outdir);
	fsync_dir(parent);
	free(parent);
	return 0;
}

/* Drop what an interrupted build of the same key left: NAME.tmp.PID dirs
 * (never trusted: they have no `done`). make runs one build per key. */
static void remove_stale(const char *dir, const char *name)
{
	struct strlist l = STRLIST_INIT;
	char *prefix = xasprintf("%s.tmp.", name);
	if (list_dir(dir, &l) == 0)
		for (size_t i = 0; i < l.n; i++)
			if (str_starts(l.v[i], prefix)) {
				char *p = path_join(dir, l.v[i]);
				rm_rf(p);
				free(p);
			}
	free(prefix);
	sl_free(&l);
}

/* Seconds since *t; *t becomes now. */
static double lap(double *t)
{
	double now = now_seconds();
	double d = now - *t;
	*t = now;
	return d;
}

/* Where a build's wall time went, as the log's last line: unpacking a
 * 160 MB kernel or removing a gcc work dir can outweigh the build itself. */
static void log_phases(const struct buildrun *b)
{
	static const char *const names[PHASE_N] = {"prepare", "script", "package", "test",
						   "cleanup"};
	FILE *f = fopen(b->log, "ae");
	if (!f)
		return;
	fputs(">>> phases:", f);
	for (int i = 0; i < PHASE_N; i++)
		fprintf(f, " %s %.1fs", names[i], b->phase_s[i]);
	fputc('\n', f);
	fclose(f);
}

int buildrun_port(struct buildrun *b)
{
	if (load(b) < 0)
		return -1;
	char *done = path_join(b->outdir, "done");
	int have = path_exists(done);
	free(done);
	if (have) {
		b->cached = 1;
		return 0;
	}
	double t = now_seconds();
	if (prepare(b) < 0)
		return -1;
	b->phase_s[PHASE_PREPARE] = lap(&t);
	if (run_script(b) < 0)
		return -1;
	b->phase_s[PHASE_SCRIPT] = lap(&t);
	char *parent = path_dirname(b->outdir);
	char *tmpout = xasprintf("%s.tmp.%ld", b->outdir, (long)getpid());
	int rc = mkdir_p(parent, 0755);
	if (!rc)
		remove_stale(parent, path_basename(b->outdir));
	free(parent);
	if (!rc)
		rc = rm_rf(tmpout);
	if (!rc)
		rc = mkdir_p(tmpout, 0755);
	if (!rc)
		rc = package(b, tmpout);
	b->phase_s[PHASE_PACKAGE] = lap(&t);
	if (!rc)
		rc = run_test(b, tmpout);
	b->phase_s[PHASE_TEST] = lap(&t);
	if (!rc)
		rc = commit_result(b, tmpout);
	if (rc)
		rm_rf(tmpout);
	free(tmpout);
	if (!rc && !b->keep_work)
		discard_work(b);
	b->phase_s[PHASE_CLEANUP] = lap(&t);
	log_phases(b);
	if (!rc) { /* for make's plan line and the heartbeat; not worth failing for */
		double total = 0;
		for (int i = 0; i < PHASE_N; i++)
			total += b->phase_s[i];
		buildtime_record(b->cache_dir, b->arch, b->name, total);
	}
	return rc;
}

int buildrun_shell(struct buildrun *b)
{
	if (load(b) < 0)
		return -1;
	/* Reuse a kept (failed) work dir; otherwise prepare a fresh one. */
	char *src = path_join(b->work, "src");
	int reuse = is_dir(src);
	free(src);
	if (!reuse && prepare(b) < 0)
		return -1;
	if (reuse && (load_sde(b) < 0 || reuse_shared_src(b) < 0))
		return -1;
	if (reuse && b->with.n) { /* the kept sysroot's toolchain: the store's */
		struct strlist files = STRLIST_INIT;
		int rc = 0;
		for (size_t i = 0; !rc && i < b->deps.n; i++)
			rc = list_packages(b->deps.v[i], &files);
		if (!rc)
			rc = use_store(b, &files);
		sl_free(&files);
		if (rc < 0)
			return -1;
	}
	fprintf(stderr,
		"krill: shell in %s's sandbox (%s at /build); `. /build/krill-build.sh` "
		"runs the build, exit leaves\n",
		b->name, b->work);
	if (write_script(b) < 0)
		return -1;
	struct sandbox sb;
	setup_sandbox(b, &sb);
	int st = sandbox_run(&sb, NULL, -1);
	sandbox_free(&sb);
	return st < 0 ? -1 : 0;
}

void buildrun_free(struct buildrun *b)
{
	recipe_free(b->r);
	free(b->work);
	free(b->log);
	free(b->sysroot);
	free(b->toolchain_auto);
	free(b->target);
	free(b->host);
	free(b->cache_dir);
	store_entry_free(&b->store);
	store_entry_free(&b->src_store);
	sl_free(&b->deps);
	sl_free(&b->with);
	sl_free(&b->trees);
	memset(b, 0, sizeof *b);
}
