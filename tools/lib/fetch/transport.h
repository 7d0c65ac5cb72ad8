/* transport.h - getting a file by URL: http:// and https:// (libcurl),
 * file:// and plain paths.
 *
 * The file arrives as DEST.part and is renamed to DEST only when complete
 * and, if asked, matching its sha256; an interrupted transfer resumes from
 * DEST.part where the server supports ranges. A body larger than max_size
 * (when non-zero) is cut off and refused. On failure DEST is untouched and
 * kr_err names the URL and what went wrong (for a hash mismatch, both the
 * expected and the actual hash). The file is not fsynced: a caller that
 * needs it on disk before a later step syncs once (repo_publish does).
 */
#ifndef KRILL_TRANSPORT_H
#define KRILL_TRANSPORT_H

#include <stdint.h>

int transport_get(const char *url, const char *dest, uint64_t max_size, const char *expect_sha256);

/* TRANSPORT_FRESH: start from zero whatever DEST.part holds, and remove
 * DEST.part on any failure (the client: nothing partial survives a run). */
#define TRANSPORT_FRESH 1u
int transport_get_ex(const char *url, const char *dest, uint64_t max_size,
		     const char *expect_sha256, unsigned flags);

/* The low-speed limit and the deadline for a transfer of at most max_size
 * bytes (exposed for tests). */
struct transport_limits {
	long low_speed_limit; /* bytes/s */
	long low_speed_time;  /* s */
	long long deadline_ms;
};
void transport_limits(uint64_t max_size, struct transport_limits *l);

#endif
