/* jsonout.h - the one way Krill writes JSON documents (SBOM, provenance):
 * keys in insertion order, 2-space indent, a final newline, so output is
 * byte-stable. Also SHA-1, which only SPDX needs. */
#ifndef KRILL_JSONOUT_H
#define KRILL_JSONOUT_H

#include <jansson.h>

#include "util.h"

/* Serialize and free j (a NULL j means a json_pack format bug: abort). */
char *json_text(json_t *j);
void sha1_hex(const void *data, size_t n, char out[41]);

#endif
