/* tuf.h - what makes an index cheap to fetch, as TUF's timestamp role does:
 * REPO/INDEX.zst (the INDEX bytes, zstd), REPO/INDEX.from-ID.zst (the same
 * bytes as a zstd patch against the previous INDEX, ID = the first 16 hex
 * digits of its sha256), and REPO/timestamp, a small signed file naming
 * the current index by version, expiry, size and sha256.
 *
 * The timestamp is text, keys in exactly this order:
 *   format: krill-timestamp-1
 *   repository: NAME
 *   arch: ARCH
 *   version: N               (the timestamp's own, strictly increasing)
 *   expires: T               (no later than index-expires)
 *   index-version: N
 *   index-expires: T
 *   index-size: N            (INDEX bytes, 1 .. INDEX_MAX_BYTES)
 *   index-sha256: HEX        (of INDEX)
 *   zst-size: N              (INDEX.zst bytes)
 *   zst-sha256: HEX
 *   delta-from: HEX          (optional, the three together: sha256 of the
 *   delta-size: N             previous INDEX, and size and sha256 of
 *   delta-sha256: HEX         INDEX.from-ID.zst)
 * then a blank line and the signature envelope of sign.h over every byte
 * before that blank line. Reference: tools/doc/repo.md.
 */
#ifndef KRILL_TUF_H
#define KRILL_TUF_H

#include <stdint.h>
#include <time.h>

#include "index.h"
#include "sign.h"
#include "util.h"

#define TIMESTAMP_FILE	    "timestamp"
#define INDEX_ZST_FILE	    "INDEX.zst"
#define TIMESTAMP_MAX_BYTES 4096u
/* INDEX.zst at 19: every client with an empty cache fetches it (411 KB
 * against 501 KB at 9 for 10,000 packages); the delta is small whatever
 * the level (under 400 bytes for one package changed), 9 is fast. */
#define INDEX_ZST_LEVEL	  19
#define INDEX_DELTA_LEVEL 9

struct timestamp {
	char *name, *arch;
	uint64_t version, index_version;
	time_t expires, index_expires;
	uint64_t index_size, zst_size, delta_size; /* delta_size 0: no delta */
	char index_sha256[SHA256_HEX_LEN + 1], zst_sha256[SHA256_HEX_LEN + 1];
	char delta_from[SHA256_HEX_LEN + 1], delta_sha256[SHA256_HEX_LEN + 1];
};

/* Strict parse of a whole timestamp file (body and envelope); errors are
 * "src:line: ...". *body_len is the length of the signed part and *env
 * its envelope. Does not check the signature: timestamp_verify does. */
int timestamp_parse(const char *data, size_t len, const char *src, struct timestamp *out,
		    struct sig_envelope *env, size_t *body_len);
/* Signature first (nothing is parsed before it checks out), then the
 * parse, then the expiry against now. */
int timestamp_verify(const struct keyring *kr, const char *data, size_t len, const char *src,
		     time_t now, struct timestamp *out);
/* The body (without signature), for signing. */
void timestamp_write(const struct timestamp *t, struct sb *out);
void timestamp_free(struct timestamp *t);

/* For `krill verify`: when dir has a timestamp, it must verify (signature,
 * expiry) and name exactly the index ix (raw bytes, name, arch, version,
 * expiry), INDEX.zst and the delta it lists must have their signed sizes
 * and sha256s and decompress to those bytes. Calls report() per failure
 * and returns how many failed; *has_ts tells whether there was one. */
size_t timestamp_check_dir(const char *dir, const struct keyring *kr, const struct index *ix,
			   const char *raw, size_t rawlen, time_t now, int *has_ts,
			   void (*report)(const char *msg, void *arg), void *arg);

/* The name of the delta from the index whose sha256 is from (malloc'd). */
char *index_delta_name(const char *from_sha256);

/* zstd, one frame declaring its size; with a prefix (the previous index),
 * a patch against it. Deterministic for one libzstd version and level. */
int zst_compress(const void *data, size_t len, const void *prefix, size_t plen, int level,
		 struct sb *out);
/* Bounded decompression: exactly one complete frame that declares its
 * content size, which must be `expect` (<= INDEX_MAX_BYTES); anything
 * else - a frame declaring more (a bomb), none, a truncated frame,
 * trailing bytes - is refused with a message naming src. */
int zst_decompress(const void *data, size_t len, const void *prefix, size_t plen, uint64_t expect,
		   const char *src, char **out);

#endif
