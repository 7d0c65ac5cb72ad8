/* sandbox.c - see sandbox.h */
#include "sandbox.h"

#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The fixed environment; SOURCE_DATE_EPOCH and the build variables are
 * added by the caller through sb->env. */
static const char *const fixed_env[] = {
	"PATH=/toolchain/bin:/usr/bin:/usr/sbin",
	"HOME=/build/home",
	"TMPDIR=/tmp",
	"TZ=UTC",
	"LC_ALL=C",
	"LANG=C",
	"SHELL=/bin/sh",
	"TERM=dumb",
	"USER=root",
	"LOGNAME=root",
};

/* Host paths exposed read-only: build tools and what they need to run. The
 * merged-/usr symlinks are recreated rather than bound. */
static const char *const host_ro[] = {"/usr",
				      "/etc/alternatives",
				      "/etc/ld.so.cache",
				      "/etc/ld.so.conf",
				      "/etc/ld.so.conf.d",
				      "/etc/passwd",
				      "/etc/group",
				      "/etc/nsswitch.conf",
				      "/etc/localtime"};
static const char *const usr_links[][2] = {
	{"usr/bin", "/bin"},	 {"usr/sbin", "/sbin"},	  {"usr/lib", "/lib"},
	{"usr/lib64", "/lib64"}, {"usr/lib32", "/lib32"},
};

static void add(struct strlist *a, const char *s)
{
	sl_push(a, s);
}

void sandbox_argv(const struct sandbox *sb, const char *script, struct strlist *a)
{
	add(a, "bwrap");
	if (sb->uid > 0) {
		/* make repro's user_group variation (sl_push: the normal build's
		 * options are the add()s, which mk/sandbox-check.sh mirrors) */
		sl_push(a, "--unshare-user");
		sl_push(a, "--uid");
		sl_push_own(a, xasprintf("%d", sb->uid));
		sl_push(a, "--gid");
		sl_push_own(a, xasprintf("%d", sb->gid > 0 ? sb->gid : sb->uid));
	} else
		add(a, "--unshare-user-try");
	add(a, "--unshare-ipc");
	add(a, "--unshare-pid");
	add(a, "--unshare-uts");
	add(a, "--unshare-cgroup-try");
	if (!sb->share_net)
		add(a, "--unshare-net");
	add(a, "--die-with-parent");
	if (script) {
		add(a, "--new-session");
		/* the script's shell is the namespace's init: bwrap's own init is
		 * never waited for, so the build's resource usage (wait4) would be
		 * lost; the shell reaps orphans whenever it waits (waitpid(-1)) */
		add(a, "--as-pid-1");
	}
	add(a, "--hostname");
	add(a, sb->hostname ? sb->hostname : SANDBOX_HOSTNAME);
	add(a, "--clearenv");
	for (size_t i = 0; i < ARRAY_LEN(fixed_env); i++) {
		const char *eq = strchr(fixed_env[i], '=');
		add(a, "--setenv");
		sl_push_own(a, xstrndup(fixed_env[i], (size_t)(eq - fixed_env[i])));
		add(a, eq + 1);
	}
	for (size_t i = 0; i < sb->env.n; i++) {
		const char *eq = strchr(sb->env.v[i], '=');
		if (!eq)
			continue;
		add(a, "--setenv");
		sl_push_own(a, xstrndup(sb->env.v[i], (size_t)(eq - sb->env.v[i])));
		add(a, eq + 1);
	}
	for (size_t i = 0; i < ARRAY_LEN(host_ro); i++) {
		if (!path_exists(host_ro[i]))
			continue;
		add(a, "--ro-bind");
		add(a, host_ro[i]);
		add(a, host_ro[i]);
	}
	/* Only the C.UTF-8 locale: /usr is the host's, and a configure test
	 * that calls setlocale("en_US.UTF-8") itself (bash's WCWIDTH_BROKEN)
	 * would otherwise see whatever locales the host has installed, which
	 * no key covers. make repro's locale variation brings its own LOCPATH. */
	if (is_dir(SANDBOX_LOCALE_DIR)) {
		add(a, "--tmpfs");
		add(a, SANDBOX_LOCALE_DIR);
		if (is_dir(SANDBOX_LOCALE_DIR "/C.utf8")) {
			add(a, "--ro-bind");
			add(a, SANDBOX_LOCALE_DIR "/C.utf8");
			add(a, SANDBOX_LOCALE_DIR "/C.utf8");
		}
		add(a, "--remount-ro");
		add(a, SANDBOX_LOCALE_DIR);
	}
	for (size_t i = 0; i < ARRAY_LEN(usr_links); i++) {
		char *target = xasprintf("/%s", usr_links[i][0]);
		if (is_dir(target)) {
			add(a, "--symlink");
			add(a, usr_links[i][0]);
			add(a, usr_links[i][1]);
		}
		free(target);
	}
	add(a, "--proc");
	add(a, "/proc");
	add(a, "--dev");
	add(a, "/dev");
	add(a, "--tmpfs");
	add(a, "/tmp");
	if (sb->toolchain) {
		add(a, "--ro-bind");
		add(a, sb->toolchain);
		add(a, "/toolchain");
	}
	if (sb->sysroot) {
		add(a, "--ro-bind");
		add(a, sb->sysroot);
		add(a, "/sysroot");
	}
	add(a, "--bind");
	add(a, sb->workdir);
	add(a, "/build");
	/* after /build: binds may land inside it (/build/files) */
	for (size_t i = 0; i < sb->ro_binds.n; i++) {
		const char *c = strchr(sb->ro_binds.v[i], ':');
		if (!c)
			continue;
		add(a, "--ro-bind");
		sl_push_own(a, xstrndup(sb->ro_binds.v[i], (size_t)(c - sb->ro_binds.v[i])));
		add(a, c + 1);
	}
	for (size_t i = 0; i < sb->rw_binds.n; i++) {
		const char *c = strchr(sb->rw_binds.v[i], ':');
		if (!c)
			continue;
		add(a, "--bind");
		sl_push_own(a, xstrndup(sb->rw_binds.v[i], (size_t)(c - sb->rw_binds.v[i])));
		add(a, c + 1);
	}
	for (size_t i = 0; i < sb->links.n; i++) {
		const char *c = strchr(sb->links.v[i], ':');
		if (!c)
			continue;
		sl_push(a, "--symlink");
		sl_push_own(a, xstrndup(sb->links.v[i], (size_t)(c - sb->links.v[i])));
		sl_push(a, c + 1);
	}
	add(a, "--chdir");
	add(a, "/build");
	for (size_t i = 0; i < sb->wrap.n; i++)
		add(a, sb->wrap.v[i]);
	add(a, "/bin/sh");
	if (script) {
		add(a, "-e");
		add(a, "-c");
		/* --new-session starts a new scheduler autogroup, and across
		 * autogroups only the group's nice counts: without this, `nice make`
		 * would not lower a build's priority at all */
		int nice = getpriority(PRIO_PROCESS, 0);
		if (nice > 0 && path_exists("/proc/self/autogroup"))
			sl_push_own(a,
				    xasprintf("echo %d > /proc/self/autogroup 2>/dev/null || :\n%s",
					      nice, script));
		else
			add(a, script);
	} else {
		add(a, "-i");
	}
}

int sandbox_run(const struct sandbox *sb, const char *script, int log_fd)
{
	return sandbox_run_usage(sb, script, log_fd, NULL);
}

int sandbox_run_usage(const struct sandbox *sb, const char *script, int log_fd,
		      struct sandbox_usage *usage)
{
	struct strlist a = STRLIST_INIT;
	char *home = path_join(sb->workdir, "home");
	if (mkdir_p(home, 0755) < 0) {
		free(home);
		return -1;
	}
	free(home);
	sandbox_argv(sb, script, &a);
	sl_push_own(&a, NULL);
	a.n--;
	pid_t pid = fork();
	if (pid < 0) {
		kr_err("cannot fork: %s", strerror(errno));
		sl_free(&a);
		return -1;
	}
	if (pid == 0) {
		umask(sb->umask ? (mode_t)sb->umask : 022);
		/* bwrap has no option for the NIS domain name: set it in a uts
		 * namespace of our own, which bwrap's --unshare-uts then copies */
		if (sb->domainname && (unshare(CLONE_NEWUTS) < 0 ||
				       setdomainname(sb->domainname, strlen(sb->domainname)) < 0)) {
			fprintf(stderr,
				"krill: cannot set the domain name '%s': %s (the domain_host "
				"variation needs CAP_SYS_ADMIN; VARY=-domain_host)\n",
				sb->domainname, strerror(errno));
			_exit(127);
		}
		if (log_fd >= 0) {
			dup2(log_fd, 1);
			dup2(log_fd, 2);
			int devnull = open("/dev/null", 0);
			if (devnull >= 0)
				dup2(devnull, 0);
		}
		execvp("bwrap", a.v);
		fprintf(stderr, "krill: cannot run bwrap: %s\n", strerror(errno));
		_exit(127);
	}
	sl_free(&a);
	int st;
	struct rusage ru;
	while (wait4(pid, &st, 0, &ru) < 0)
		if (errno != EINTR) {
			kr_err("waitpid: %s", strerror(errno));
			return -1;
		}
	if (usage) {
		usage->user_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
		usage->sys_s = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
		usage->maxrss_kb = ru.ru_maxrss;
	}
	if (WIFEXITED(st)) {
		return WEXITSTATUS(st);
	}
	return 128 + WTERMSIG(st);
}

void sandbox_free(struct sandbox *sb)
{
	sl_free(&sb->env);
	sl_free(&sb->ro_binds);
	sl_free(&sb->wrap);
	sl_free(&sb->rw_binds);
	sl_free(&sb->links);
}

char *sandbox_bwrap_version(void)
{
	char *v = run_first_line("bwrap --version 2>/dev/null");
	return v ? v : xstrdup("bwrap (unknown version)");
}
