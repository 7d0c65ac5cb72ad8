/* cachegc.h - removing from CACHE_DIR what no checkout can ask for again
 * (tools/doc/graph.md, "The cache and its garbage").
 *
 * Roots, as Nix's indirect GC roots: every graph `make` builds registers
 * its checkout's live keys, CACHE_DIR/gcroots/ID -> ABS/graph.keys (a
 * symlink; ID: 16 hex digits of the sha256 of the target's path). A root
 * whose target is gone (the checkout or its build dir was removed) is
 * dropped; the keys the other roots name are live.
 *
 * Removed (renamed aside first, so a reader never sees half a result):
 *   results/KEY            a finished result no root names
 *   results/, store/KIND/  NAME.tmp.PID, NAME.bad.PID, NAME.gc.PID left by a
 *                          process that no longer runs here, older than an
 *                          hour (the hour covers a CACHE_DIR shared with
 *                          other machines, whose PIDs mean nothing here)
 *   store/tc/KEY           an entry one of whose input results is gone, or
 *                          unused (done's mtime) for more than store_days
 *   store/src/KEY          unused for more than store_days
 * A store entry a build holds (its shared lock) is never touched.
 * Never removed: distfiles/ (a pinned source the archive no longer lists
 * cannot be fetched again), durations/, ccache/, keys/.
 */
#ifndef KRILL_CACHEGC_H
#define KRILL_CACHEGC_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "util.h"

struct gc_opts {
	const char *cache_dir;
	int dry_run;	   /* report what would go, remove nothing */
	double store_days; /* store entries unused for longer go */
	time_t now;
	FILE *log; /* one line per item removed (or that would be), or NULL */
};

struct gc_stats {
	size_t roots, stale_roots;
	size_t results_kept, results_removed;
	size_t store_kept, store_removed, store_busy;
	size_t temps_removed;
	uint64_t bytes; /* disk space freed (or that would be) */
};

/* The live keys the roots of cache_dir name (sorted, unique). Stale roots
 * are counted, and removed unless dry_run. -1 with kr_err when no root is
 * registered at all: without roots every result would look dead. */
int cache_roots(const char *cache_dir, int dry_run, struct strlist *keys, size_t *roots,
		size_t *stale);

/* Remove (or list, dry_run) the garbage above. 0, or -1 with kr_err
 * (what was removed before the error stays removed and counted). */
int cache_gc(const struct gc_opts *o, struct gc_stats *st);

/* Register keys_file (an existing file) as a root of cache_dir. */
int cache_add_root(const char *cache_dir, const char *keys_file);

#endif
