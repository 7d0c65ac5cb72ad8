/* buildtime.h - the wall time of each port's last build, kept per arch in
 * CACHE_DIR/durations/ARCH (one "NAME SECONDS" line per port, sorted), so
 * that make's plan line can estimate a run and the heartbeat can say how
 * long a build took last time. Keyed by port name and arch, not by content
 * key: a changed recipe usually builds about as long as the one before.
 * Shared by every checkout using the cache; updates are locked
 * (DURATIONS.lock) and written under a temp name. Hostile content (a
 * damaged file) is skipped line by line, never trusted beyond a number.
 */
#ifndef KRILL_BUILDTIME_H
#define KRILL_BUILDTIME_H

/* CACHE_DIR/durations/ARCH (malloc'd). */
char *buildtime_path(const char *cache_dir, const char *arch);
/* Record secs (rounded to whole seconds, at least 1) for name. */
int buildtime_record(const char *cache_dir, const char *arch, const char *name, double secs);
/* The recorded seconds for name, or -1 if unknown. */
long buildtime_lookup(const char *cache_dir, const char *arch, const char *name);

#endif
