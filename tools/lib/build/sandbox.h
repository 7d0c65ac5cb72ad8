/* sandbox.h - running a build step inside bubblewrap.
 *
 * The sandbox sees (tools/doc/sandbox.md): the host's build tools read-only
 * (/usr and the merged-/usr symlinks, a few files of /etc), the toolchain
 * read-only at /toolchain, a sysroot read-only at /sysroot, the port's work
 * dir read-write at /build, a fresh /tmp, /proc and a minimal /dev. It has
 * no network (its own empty network namespace), a cleared environment with
 * a fixed set of variables, a fixed hostname, and umask 022. $HOME points
 * into /build; the host's $HOME, the cache and the signing key are simply
 * never mounted.
 */
#ifndef KRILL_SANDBOX_H
#define KRILL_SANDBOX_H

#include "util.h"

struct sandbox {
	const char *workdir;	 /* host dir mounted rw at /build */
	const char *sysroot;	 /* host dir mounted ro at /sysroot, or NULL */
	const char *toolchain;	 /* host dir mounted ro at /toolchain, or NULL */
	struct strlist env;	 /* "NAME=value" added to the fixed set */
	struct strlist ro_binds; /* extra "HOST:INSIDE" read-only binds */
	int share_net;		 /* only for tests of the sandbox itself: never in builds */
	/* `make repro`'s variations (vary.h); all zero in a normal build */
	const char *hostname;	 /* NULL: SANDBOX_HOSTNAME */
	const char *domainname;	 /* NULL: as inherited (set in a uts ns of its own) */
	int uid, gid;		 /* > 0: these ids inside (a user namespace of its own) */
	int umask;		 /* 0: 022 */
	struct strlist wrap;	 /* argv prefix of the shell inside (setarch, taskset) */
	struct strlist rw_binds; /* "HOST:INSIDE" bound rw after /build */
	struct strlist links;	 /* "TARGET:LINK" symlinks made inside (ccache's) */
};

#define SANDBOX_HOSTNAME "krill-build"
/* the host locales a build sees: C.utf8 alone (sandbox.c) */
#define SANDBOX_LOCALE_DIR "/usr/lib/locale"

/* What a sandboxed script used: CPU seconds and the peak resident set of its
 * largest process (all descendants included). */
struct sandbox_usage {
	double user_s, sys_s;
	long maxrss_kb;
};

/* Run `/bin/sh -e -c script` (or an interactive shell when script is NULL)
 * inside the sandbox. stdout/stderr go to log_fd (>= 0) or are inherited.
 * Returns the exit status (0..255), 128+signal, or -1 with kr_err set when
 * the sandbox itself could not start. */
int sandbox_run(const struct sandbox *sb, const char *script, int log_fd);
/* The same, also filling *usage (when not NULL). */
int sandbox_run_usage(const struct sandbox *sb, const char *script, int log_fd,
		      struct sandbox_usage *usage);
/* The bwrap argument vector (for tests and `--dry-run`); caller frees. */
void sandbox_argv(const struct sandbox *sb, const char *script, struct strlist *argv);
void sandbox_free(struct sandbox *sb);
/* bubblewrap's version line, for provenance. */
char *sandbox_bwrap_version(void);

#endif
