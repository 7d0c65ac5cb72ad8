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

#include <stddef.h>
#include <stdint.h>

int transport_get(const char *url, const char *dest, uint64_t max_size, const char *expect_sha256);

/* TRANSPORT_FRESH: start from zero whatever DEST.part holds, and remove
 * DEST.part on any failure (the client: nothing partial survives a run). */
#define TRANSPORT_FRESH 1u
int transport_get_ex(const char *url, const char *dest, uint64_t max_size,
		     const char *expect_sha256, unsigned flags);
/* Bytes received over http by this process so far (headers and bodies). */
unsigned long long transport_bytes_total(void);

/* A conditional GET (http only): sends If-None-Match with etag, else
 * If-Modified-Since with mtime, when given; on 304 DEST is untouched and
 * transport_get_cond returns 1. The server's ETag and Last-Modified come
 * back for the next time. -2 (and kr_err) when the server or the file
 * system says the file does not exist (HTTP 404/410, ENOENT), so a caller
 * can tell a missing optional file from a failure. bytes counts what
 * arrived (headers and body). */
#define TRANSPORT_ETAG_MAX 128
struct transport_cond {
	const char *etag; /* in; NULL: none */
	long long mtime;  /* in; 0: none */
	char etag_out[TRANSPORT_ETAG_MAX + 1];
	long long mtime_out;
	unsigned long long bytes;
};
int transport_get_cond(const char *url, const char *dest, uint64_t max_size,
		       const char *expect_sha256, unsigned flags, struct transport_cond *c);

/* A file:// URL or a path read straight into memory (*data, malloc'd,
 * NUL-terminated) instead of copied: at most max_size bytes (more is
 * refused) and, when given, matching expect_sha256, both checked on the
 * bytes read, so later changes of the file cannot reach the caller. 1 for
 * an http(s) URL (nothing read), -2 when the file does not exist, -1 (and
 * kr_err, the same messages as transport_get) on any other failure. */
int transport_read_local(const char *url, uint64_t max_size, const char *expect_sha256,
			 char **data, size_t *len);

/* The low-speed limit and the deadline for a transfer of at most max_size
 * bytes (exposed for tests). */
struct transport_limits {
	long low_speed_limit; /* bytes/s */
	long low_speed_time;  /* s */
	long long deadline_ms;
};
void transport_limits(uint64_t max_size, struct transport_limits *l);

#endif
