/* probe.h - is a file served at a URL? Asked without downloading it.
 *
 * http(s): a HEAD request through libcurl (the transport mirrors and
 * upstream URLs use; the environment's proxy variables apply), or, where
 * a server refuses HEAD (405/501), a GET of its first byte (Range: 0-0)
 * that is cut off after that byte. file:// and plain paths: stat. Used by
 * `krill outdated` (tools/doc/outdated.md): many versions an index lists
 * are not in the pool.
 */
#ifndef KRILL_PROBE_H
#define KRILL_PROBE_H

#include <stdint.h>

/* 1 served (*size: its length, or UINT64_MAX when the server did not say),
 * 0 not served (HTTP 404/410, no such file; *why says which), -1 the
 * question could not be answered (kr_err: the URL and why). */
int probe_url(const char *url, uint64_t *size, char **why);

#endif
