/* build.h - turning a recipe's build style into the shell script and the
 * environment that run inside the sandbox (tools/doc/sandbox.md lists
 * every variable).
 *
 * Paths inside the sandbox are fixed, whatever the host's paths are, so
 * outputs cannot name the host's build directory:
 *   /build/src   sources (extracted, patched)   SRCDIR
 *   /build/obj   out-of-tree build dir          BUILDDIR
 *   /build/dest  install root of the port       DESTDIR
 *   /build/files the port's files/ (read-only)  FILESDIR
 *   /sysroot     declared build deps (ro)       SYSROOT
 *   /toolchain   the cross toolchain (ro)
 */
#ifndef KRILL_BUILD_H
#define KRILL_BUILD_H

#include "recipe.h"

struct build_env {
	const char *arch;	   /* x86_64, aarch64 or host */
	const char *target;	   /* triplet the port is built for */
	const char *build_triplet; /* triplet of the machine building */
	int cross;		   /* 1: a cross toolchain in /toolchain */
	int jobs;
	long long source_date_epoch;
	int umask; /* the script's umask; 0: 022 (`make repro` varies it) */
};

/* Target triplet for an arch: "host" -> the host compiler's own. */
char *build_target_triplet(const char *arch);
char *build_host_triplet(void);

/* The recipe test's $RUN: the command prefix that runs a program of the
 * test root (at /sysroot) for ARCH on this machine, against the root's
 * glibc, never the host's. "" for host (PATH and LD_LIBRARY_PATH reach the
 * root); the root's own loader for a target of the machine's arch; else
 * qemu-ARCH-static with the root as its -L prefix (qemu resolves the
 * loader and every library the guest opens there first). */
char *build_test_runner(const char *arch, const char *build_triplet);
/* The recipe test's $INROOT: the command prefix that runs a program with
 * the test root as `/` (a nested bwrap: the root's usr/, etc/ and var/,
 * merged-/usr links, the sandbox's /tmp and /build), so absolute paths the
 * program opens (/etc/passwd, /usr/share/zoneinfo, /bin/sh) are the
 * root's. For host the host's /usr stays (the root's programs link its
 * libraries) and only etc/ and var/ are the root's; another arch's
 * programs run through binfmt_misc (qemu-ARCH-static, F flag). */
char *build_test_inroot(const char *arch, const char *build_triplet);

/* NAME=value lines for the sandbox (added to its fixed environment). */
void build_env_vars(const struct recipe *r, const struct build_env *e, struct strlist *env);
/* The build script: hooks and style commands, `set -e` semantics. NULL +
 * kr_err when an argument has an unknown ${variable}. */
char *build_script(const struct recipe *r, const struct build_env *e);

/* Quote s for a double-quoted shell word: $VARS still expand, nothing else. */
void shell_dq(struct sb *out, const char *s);

#endif
