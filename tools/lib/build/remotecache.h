/* remotecache.h - finished port results shared between machines through a
 * server that already exists: any HTTP server accepting GET and PUT (nginx's
 * dav module, a Bazel-style cache, an S3 gateway) or a shared filesystem
 * (file:///PATH). tools/doc/remotecache.md has the layout and trust rules.
 *
 * Layout, one directory per content key:
 *   BASE/KEY/NAME     each file of the result dir (packages, provenance, done)
 *   BASE/KEY/RESULT   the signed manifest, written LAST: the marker; an entry
 *                     without it does not exist for a reader
 * RESULT is the manifest followed by a krill-signature-1 envelope (sign.h)
 * over the manifest's exact bytes:
 *   format: krill-result-1
 *   key: KEY
 *   file: NAME        (sorted, plain names, "done" among them)
 *   size: BYTES
 *   sha256: HEX
 *   ...
 *   format: krill-signature-1
 *   ...
 * A result is used only when the envelope verifies against a trusted builder
 * key, the manifest names the key asked for, and every file arrives with its
 * listed size and sha256; it is downloaded into a temp dir beside the result
 * and renamed into place only then.
 */
#ifndef KRILL_REMOTECACHE_H
#define KRILL_REMOTECACHE_H

#include <stddef.h>
#include <stdint.h>

struct rcache {
	const char *url;	 /* http(s)://HOST/PATH or file:///PATH */
	const char *trust_dir;	 /* builder public keys (*.pub) */
	const char *signing_key; /* the builder's private key; NULL: no uploads */
	int push;		 /* 0: read-only */
};

/* The result name of the manifest, the marker. */
#define RCACHE_MARKER "RESULT"

/* Fetch KEY's result into outdir (which must not hold a finished result).
 * 1: fetched and verified, outdir/done exists, *bytes what was transferred;
 * 0: the cache has no entry for KEY; -1 (kr_err names the key and the file):
 * refused or failed, outdir untouched and no temp dir left. */
int rcache_fetch(const struct rcache *c, const char *key, const char *outdir, uint64_t *bytes);

/* Upload the finished result in outdir as KEY's entry: the files first,
 * RESULT (signed with c->signing_key) last. An existing entry is kept
 * (first writer wins) unless replace is set (this build refused it).
 * 1: the cache already had an entry, nothing sent; 0: uploaded (*bytes
 * sent); -1: failed (kr_err). */
int rcache_push(const struct rcache *c, const char *key, const char *outdir, int replace,
		uint64_t *bytes);

/* Exposed for tests: parse a RESULT's bytes after its signature has been
 * checked. Fills names/sizes/digests (parallel arrays, n entries; free with
 * rcache_manifest_free). Errors name src and the line. */
struct rcache_manifest {
	char **name;
	uint64_t *size;
	char (*sha256)[65];
	size_t n;
};
int rcache_manifest_parse(const char *data, size_t len, const char *src, const char *key,
			  struct rcache_manifest *m);
void rcache_manifest_free(struct rcache_manifest *m);

#endif
