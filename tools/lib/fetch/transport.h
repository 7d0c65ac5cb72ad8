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

#endif
