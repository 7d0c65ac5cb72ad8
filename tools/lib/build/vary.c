/* vary.c - see vary.h */
#include "vary.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "proc.h"

static const char *const names[VARY_N] = {
	"environment",	"build_path",  "kernel", "aslr",    "num_cpus",	 "time",     "user_group",
	"fileordering", "domain_host", "home",	 "locales", "exec_path", "timezone", "umask",
};

const char *vary_name(enum vary_kind k)
{
	return names[k];
}

static int lookup(const char *name, size_t n)
{
	for (int k = 0; k < VARY_N; k++)
		if (strlen(names[k]) == n && !strncmp(names[k], name, n))
			return k;
	return -1;
}

int vary_parse(const char *spec, unsigned *set)
{
	*set = VARY_ALL;
	if (!spec)
		return 0;
	for (const char *p = spec; *p;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		const char *item = p;
		int on = 1;
		if (n && (*item == '-' || *item == '+')) {
			on = *item == '+';
			item++;
			n--;
		}
		unsigned bits = 0;
		if (n == 3 && !strncmp(item, "all", 3))
			bits = VARY_ALL;
		else if (n) {
			int k = lookup(item, n);
			if (k < 0) {
				struct sb known = SB_INIT;
				for (int i = 0; i < VARY_N; i++)
					sb_printf(&known, "%s%s", i ? ", " : "", names[i]);
				kr_err("VARY: unknown variation '%.*s' (known: all, %s)", (int)n,
				       item, known.s);
				sb_free(&known);
				return -1;
			}
			bits = 1u << k;
		}
		*set = on ? *set | bits : *set & ~bits;
		p += (size_t)(item - p) + n;
		if (*p == ',')
			p++;
	}
	return 0;
}

void vary_describe(unsigned set, FILE *f)
{
	static const char *const what[VARY_N][2] = {
		{"no extra variable", VARY_ENV_NAME "=" VARY_ENV_VALUE " added"},
		{NULL, NULL},
		{"uname as the host's", "setarch --uname-2.6 (uname -r 2.6.x)"},
		{"ASLR as the host's (on)", "ASLR off (setarch -R)"},
		{"in-build -j2, every CPU of the affinity mask",
		 "in-build -j1 (JOBS=1 to make/ninja/meson/cmake), one CPU (taskset: nproc 1)"},
		{"the real clock", "the clock " VARY_FAKETIME " ahead (libfaketime LD_PRELOAD)"},
		{"uid 0, gid 0 (USER=root)",
		 "uid 2000, gid 2000 (USER=" VARY_USER ", own user namespace)"},
		{"readdir order of the file system", "readdir order reversed over /build/src "
						     "(disorderfs --reverse-dirents)"},
		{"hostname " SANDBOX_HOSTNAME ", the host's domain name",
		 "hostname " VARY_HOSTNAME ", domain name " VARY_DOMAINNAME},
		{"HOME=/build/home", "HOME=" VARY_HOME_DIR " (does not exist)"},
		{"LC_ALL=C LANG=C", "LC_ALL=LANG=" VARY_LOCALE " LANGUAGE=" VARY_LANGUAGE
				    " (localedef'd, LOCPATH=" VARY_LOCPATH ")"},
		{"PATH=/toolchain/bin:/usr/bin:/usr/sbin", "PATH=" VARY_PATH},
		{"TZ=UTC", "TZ=" VARY_TZ},
		{"umask 022", "umask 002"},
	};
	fprintf(f, "repro: variations of build 2 (reprotest 0.7.23 names; build 1 is the normal "
		   "build):\n");
	for (int k = 0; k < VARY_N; k++) {
		const char *c = what[k][0], *v = what[k][1];
		if (k == VARY_BUILD_PATH) {
			c = "the checkout, work dir and CACHE_DIR of build 1";
			v = "another checkout path, work dir and CACHE_DIR";
		}
		if (VARY_ON(set, k))
			fprintf(f, "repro:   %-12s on   %s -> %s\n", names[k], c, v);
		else
			fprintf(f, "repro:   %-12s off  (both: %s)\n", names[k], c);
	}
}

static void setenv_sb(struct sandbox *sb, const char *name, const char *value)
{
	sl_push_own(&sb->env, xasprintf("%s=%s", name, value));
}

/* The first CPU of the affinity mask, for a one-CPU build. */
static int first_cpu(void)
{
	cpu_set_t cs;
	if (sched_getaffinity(0, sizeof cs, &cs) == 0)
		for (int i = 0; i < CPU_SETSIZE; i++)
			if (CPU_ISSET(i, &cs))
				return i;
	return 0;
}

static int run_tool(char *const argv[], const char *what)
{
	struct sb out = SB_INIT;
	int st = proc_run(argv, NULL, &out);
	if (st != 0) {
		if (st > 0)
			kr_err("%s: %s exited %d: %s", what, argv[0], st, out.s ? out.s : "");
		sb_free(&out);
		return -1;
	}
	sb_free(&out);
	return 0;
}

int vary_umask(unsigned set)
{
	return VARY_ON(set, VARY_UMASK) ? VARY_UMASK_VALUE : 0;
}

int vary_jobs(unsigned set, int jobs)
{
	return VARY_ON(set, VARY_NUM_CPUS) ? 1 : jobs;
}

/* MNT.time/touch: the host's touch, run without LD_PRELOAD; bound over
 * /usr/bin/touch (merged /usr: /bin/touch too), the real one beside it */
static int time_touch(struct vary_ctx *ctx, struct sandbox *sb)
{
	static const char script[] = "#!/bin/sh\nunset LD_PRELOAD\nexec " VARY_TOUCH " \"$@\"\n";
	ctx->own_time = xasprintf("%s.time", ctx->mnt);
	char *path = path_join(ctx->own_time, "touch");
	int rc = mkdir_p(ctx->own_time, 0755);
	if (rc == 0)
		rc = write_file_replace(path, script, strlen(script), 0755);
	if (rc == 0) {
		sl_push(&sb->ro_binds, "/usr/bin/touch:" VARY_TOUCH);
		sl_push_own(&sb->ro_binds, xasprintf("%s:/usr/bin/touch", path));
	}
	free(path);
	return rc;
}

int vary_apply(unsigned set, struct vary_ctx *ctx, struct sandbox *sb)
{
	ctx->mounted = 0;
	if (VARY_ON(set, VARY_TIME)) {
		char *lib = xasprintf("/usr/lib/%s/faketime/libfaketime.so.1", ctx->host_triplet);
		if (!path_exists(lib)) {
			kr_err("the time variation needs %s (Debian package faketime); or "
			       "VARY=-time",
			       lib);
			free(lib);
			return -1;
		}
		setenv_sb(sb, "LD_PRELOAD", lib);
		free(lib);
		setenv_sb(sb, "FAKETIME", VARY_FAKETIME);
		/* make, ninja and timeouts read CLOCK_MONOTONIC: leave it real */
		setenv_sb(sb, "FAKETIME_DONT_FAKE_MONOTONIC", "1");
		/* a faked stat turns `touch --reference` (automake's configure)
		 * into a time 3 years ahead of its reference, and make then
		 * remakes a Makefile for ever (binutils); reprotest sets it too */
		setenv_sb(sb, "NO_FAKE_STAT", "1");
		/* file times stay real, but libfaketime (0.9.10) turns
		 * utimensat(NULL), a plain `touch`, into a time 3 years on, and
		 * make remade glibc's sysd-syscalls, older than a touched stamp,
		 * for ever: touch runs without it, through a script bound over
		 * it (FAKETIME_SKIP_CMDS still fakes that "now") */
		if (time_touch(ctx, sb) < 0)
			return -1;
	}
	if (VARY_ON(set, VARY_ENVIRONMENT))
		setenv_sb(sb, VARY_ENV_NAME, VARY_ENV_VALUE);
	if (VARY_ON(set, VARY_TIMEZONE))
		setenv_sb(sb, "TZ", VARY_TZ);
	if (VARY_ON(set, VARY_LOCALES)) {
		/* a locale of our own: the host's /usr/lib/locale is the same in
		 * both builds (and installing more there would change what
		 * configure tests find in every normal build) */
		const char *dir = ctx->locales;
		if (!dir) {
			ctx->own_locales = xasprintf("%s.locale", ctx->mnt);
			if (vary_make_locale(ctx->own_locales) < 0)
				return -1;
			dir = ctx->own_locales;
		}
		sl_push_own(&sb->ro_binds, xasprintf("%s:" VARY_LOCPATH, dir));
		setenv_sb(sb, "LOCPATH", VARY_LOCPATH);
		setenv_sb(sb, "LC_ALL", VARY_LOCALE);
		setenv_sb(sb, "LANG", VARY_LOCALE);
		setenv_sb(sb, "LANGUAGE", VARY_LANGUAGE);
	}
	if (VARY_ON(set, VARY_HOME))
		setenv_sb(sb, "HOME", VARY_HOME_DIR);
	if (VARY_ON(set, VARY_EXEC_PATH))
		setenv_sb(sb, "PATH", VARY_PATH);
	if (VARY_ON(set, VARY_UMASK))
		sb->umask = VARY_UMASK_VALUE;
	if (VARY_ON(set, VARY_DOMAIN_HOST)) {
		sb->hostname = VARY_HOSTNAME;
		sb->domainname = VARY_DOMAINNAME;
	}
	if (VARY_ON(set, VARY_USER_GROUP)) {
		sb->uid = VARY_UID;
		sb->gid = VARY_GID;
		setenv_sb(sb, "USER", VARY_USER);
		setenv_sb(sb, "LOGNAME", VARY_USER);
	}
	if (VARY_ON(set, VARY_KERNEL) || VARY_ON(set, VARY_ASLR)) {
		struct utsname u;
		uname(&u);
		sl_push(&sb->wrap, "setarch");
		sl_push(&sb->wrap, u.machine);
		if (VARY_ON(set, VARY_KERNEL))
			sl_push(&sb->wrap, "--uname-2.6");
		if (VARY_ON(set, VARY_ASLR))
			sl_push(&sb->wrap, "--addr-no-randomize");
	}
	if (VARY_ON(set, VARY_NUM_CPUS)) {
		sl_push(&sb->wrap, "taskset");
		sl_push(&sb->wrap, "-c");
		sl_push_own(&sb->wrap, xasprintf("%d", first_cpu()));
	}
	if (VARY_ON(set, VARY_FILEORDERING)) {
		if (mkdir_p(ctx->mnt, 0755) < 0)
			return -1;
		/* the kernel may cache names, misses and attributes: only the
		 * build writes the tree, through the mount; uncached, each
		 * lookup of glibc's 35-dir include path went through FUSE
		 * (40 preprocessor runs: 4.6 s, cached 1.0 s, no FUSE 0.7 s) */
		char *argv[] = {"disorderfs",
				"--quiet",
				"--multi-user=yes",
				"--reverse-dirents=yes",
				"--shuffle-dirents=no",
				"-o",
				"entry_timeout=3600,negative_timeout=3600,attr_timeout=3600,"
				"kernel_cache",
				(char *)ctx->src,
				(char *)ctx->mnt,
				NULL};
		if (run_tool(argv, "the fileordering variation (Debian package disorderfs; or "
				   "VARY=-fileordering)") < 0)
			return -1;
		ctx->mounted = 1;
		sl_push_own(&sb->rw_binds, xasprintf("%s:/build/src", ctx->mnt));
	}
	return 0;
}

int vary_make_locale(const char *dir)
{
	char *out = path_join(dir, VARY_LOCALE);
	if (rm_rf(dir) < 0 || mkdir_p(dir, 0755) < 0) {
		free(out);
		return -1;
	}
	char *argv[] = {"localedef", "-i", "fr_CH", "-f", "UTF-8", out, NULL};
	int rc = run_tool(argv, "the locales variation (localedef, Debian package locales; or "
				"VARY=-locales)");
	free(out);
	return rc;
}

int vary_release(struct vary_ctx *ctx)
{
	if (ctx->own_time) {
		rm_rf(ctx->own_time);
		free(ctx->own_time);
		ctx->own_time = NULL;
	}
	if (ctx->own_locales) {
		rm_rf(ctx->own_locales);
		free(ctx->own_locales);
		ctx->own_locales = NULL;
	}
	if (!ctx->mounted)
		return 0;
	char *argv[] = {"fusermount", "-u", (char *)ctx->mnt, NULL};
	if (run_tool(argv, "unmounting disorderfs") < 0)
		return -1;
	ctx->mounted = 0;
	return rmdir(ctx->mnt) < 0 && errno != ENOENT
		       ? (kr_err("%s: %s", ctx->mnt, strerror(errno)), -1)
		       : 0;
}
