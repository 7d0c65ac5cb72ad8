/* buildrun.h - one port build from recipe to result dir (used by
 * `krill build`): work dir, sources, sysroot, sandboxed build, packages,
 * atomic result. */
#ifndef KRILL_BUILDRUN_H
#define KRILL_BUILDRUN_H

#include "recipe.h"
#include "sandbox.h"
#include "store.h"

/* SOURCE_DATE_EPOCH of a port without a source archive (and no
 * SOURCE_DATE_EPOCH in the environment): 2023-11-14T22:13:20Z, fixed; after
 * 1980, which zip needs. */
#define KR_SDE_DEFAULT 1700000000LL

/* The steps of buildrun_port, timed (wall seconds) into phase_s. */
enum { PHASE_PREPARE, PHASE_SCRIPT, PHASE_PACKAGE, PHASE_TEST, PHASE_CLEANUP, PHASE_N };

struct buildrun {
	/* inputs */
	const char *arch, *key, *outdir, *cache, *workdir, *toolchain, *logpath, *portdir;
	const char *toolchain_key; /* for provenance; NULL with the host compiler */
	struct strlist deps;	   /* dependency result dirs */
	struct strlist with;	   /* names installed besides the recipe's build-depends
				    * (the toolchain's runtime, given by the graph) */
	struct strlist trees;	   /* "PATH=SHA256": what the key says each tree:
				    * source holds (the copy must match) */
	const char *ccache;	   /* --ccache: the ccache dirs' parent (CCACHE=1), or NULL */
	int jobs, verbose, keep_work;
	int shared_src;		  /* --shared-src: src/ from the source store, read-only */
	unsigned vary;		  /* `make repro`'s variations (vary.h); 0 normally */
	const char *vary_locales; /* the locales variation's dir (NULL: made per build) */
	/* filled in */
	const char *name, *version; /* for the progress line (owned by r) */
	int cached;
	struct recipe *r;
	char *work, *log, *sysroot, *cache_dir;
	char *target, *host;	      /* triplets: the port's target, the build machine */
	char *toolchain_auto;	      /* sysroot/toolchain when stages provide it ("" if not) */
	struct sandbox_usage usage;   /* of the build script (not fetch or packaging) */
	double phase_s[PHASE_N];      /* wall time of each step; the log's last line */
	long long sde;		      /* SOURCE_DATE_EPOCH of this build (see prepare) */
	struct store_entry store;     /* the toolchain store entry (--with), if any */
	struct store_entry src_store; /* the source store entry (--shared-src), if any */
};

/* Build and package; 0 on success (or when the result already exists). */
int buildrun_port(struct buildrun *b);
/* Prepare as for a build, then an interactive shell in the same sandbox. */
int buildrun_shell(struct buildrun *b);
void buildrun_free(struct buildrun *b);

#endif
