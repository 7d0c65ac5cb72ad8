/* vary.h - the build variations of `make repro` (tools/doc/repro.md).
 *
 * The names and the `--vary` syntax are reprotest 0.7.23's: a spec is a
 * comma-separated list read left to right from the full set, where `-NAME`
 * turns a variation off, `+NAME` (or a bare NAME) turns it on, and `all`
 * stands for every one (`-all,+time`: only time). A normal build varies
 * nothing; only `make repro`'s second build passes `krill build --vary`,
 * into results of its own, so no varied build ever reaches the cache.
 *
 * Each variation changes what the port's build script sees inside the
 * sandbox (build_path is applied by mk/repro.sh: another checkout path,
 * work dir and CACHE_DIR for the whole second run).
 */
#ifndef KRILL_VARY_H
#define KRILL_VARY_H

#include <stdio.h>

#include "sandbox.h"

enum vary_kind {
	VARY_ENVIRONMENT,
	VARY_BUILD_PATH,
	VARY_KERNEL,
	VARY_ASLR,
	VARY_NUM_CPUS,
	VARY_TIME,
	VARY_USER_GROUP,
	VARY_FILEORDERING,
	VARY_DOMAIN_HOST,
	VARY_HOME,
	VARY_LOCALES,
	VARY_EXEC_PATH,
	VARY_TIMEZONE,
	VARY_UMASK,
	VARY_N
};

#define VARY_ALL	((1u << VARY_N) - 1)
#define VARY_ON(set, k) (((set) >> (k)) & 1u)

/* The varied values (the control build is the normal one: see sandbox.c). */
#define VARY_HOSTNAME	 "krill-varied-host"
#define VARY_DOMAINNAME	 "krill-varied-domain"
#define VARY_UID	 2000
#define VARY_GID	 2000
#define VARY_USER	 "krill-varied"
#define VARY_HOME_DIR	 "/nonexistent/second-build"
#define VARY_TZ		 "GMT-14"
#define VARY_LOCALE	 "fr_CH.UTF-8"
#define VARY_LANGUAGE	 "fr_CH:fr"
#define VARY_LOCPATH	 "/.krill-repro-locale" /* where the sandbox sees it */
#define VARY_UMASK_VALUE 002
#define VARY_FAKETIME	 "+3y"
#define VARY_TOUCH	 "/.krill-vary-time/touch" /* the host's, unfaked */
#define VARY_ENV_NAME	 "KRILL_REPRO_CAPTURE_ENVIRONMENT"
#define VARY_ENV_VALUE	 "i_capture_the_environment"
/* the normal PATH with its host dirs swapped and an extra dir at the end */
#define VARY_PATH "/toolchain/bin:/usr/sbin:/usr/bin:/i_capture_the_path"

const char *vary_name(enum vary_kind k);
/* Parse spec into *set (bits of enum vary_kind); NULL or "" is the full
 * set. -1 and kr_err naming the item and the known names on a bad one. */
int vary_parse(const char *spec, unsigned *set);
/* The report header: one line per variation, "repro:   NAME  on|off
 * build 1 -> build 2" (mk/repro.sh adds the paths of build_path). */
void vary_describe(unsigned set, FILE *f);

/* What krill build needs to apply a set to a sandbox. */
struct vary_ctx {
	const char *host_triplet; /* multiarch dir of libfaketime */
	const char *src;	  /* the work dir's src/ (host path) */
	const char *mnt;	  /* a free dir for the disorderfs mount */
	int mounted;		  /* set when mnt holds a disorderfs mount */
	const char *locales;	  /* a dir made by vary_make_locale, or NULL: make
				   * one for this build (MNT.locale) */
	char *own_locales;	  /* that one, removed by vary_release */
	char *own_time;		  /* MNT.time: the time variation's touch */
};

/* localedef VARY_LOCALE into dir (made afresh), for LOCPATH. */
int vary_make_locale(const char *dir);

/* Apply every variation of set (but build_path) to sb: its hostname,
 * domain name, ids, umask, environment and a command prefix (setarch,
 * taskset), and a disorderfs mount of ctx->src at ctx->mnt bound over
 * /build/src. The caller sets the script's umask and JOBS (vary_umask(),
 * vary_jobs()). -1 + kr_err when a tool it needs is missing or fails
 * (nothing is left mounted then). */
int vary_apply(unsigned set, struct vary_ctx *ctx, struct sandbox *sb);
/* The script's umask under set (0: the normal 022), and its JOBS. */
int vary_umask(unsigned set);
int vary_jobs(unsigned set, int jobs);
/* Undo vary_apply's mount and locale (if any). -1 + kr_err if it stays
 * mounted. */
int vary_release(struct vary_ctx *ctx);

#endif
