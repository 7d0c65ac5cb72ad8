/* sources.h - Debian Sources indices (deb822 paragraphs), read strictly.
 *
 * A Sources file is a list of paragraphs of "Field: value" lines (Debian
 * Policy 5.1), one per source package version. Of each paragraph the
 * parser keeps Package, Version, Directory and the Checksums-Sha256 file
 * list and checks every other line's syntax; a malformed paragraph stops
 * the parse with "PATH:LINE: what was expected". The bytes come from a
 * mirror (apt verified the Release signature, but the parser does not rely
 * on that): names that would leave the pool folder, oversized lines and
 * bad hashes are refused. Reference: tools/doc/outdated.md.
 */
#ifndef KRILL_SOURCES_H
#define KRILL_SOURCES_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct sources_file {
	char sha256[SHA256_HEX_LEN + 1];
	uint64_t size;
	char *name; /* a plain file name: no '/', not "." or ".." */
};

struct sources_para {
	const char *path; /* the index, for messages */
	long line;	  /* where the paragraph starts (1-based) */
	char *package, *version;
	char *directory; /* relative, no ".." segment */
	struct sources_file *files;
	size_t nfiles;
};

/* Called once per complete paragraph; a negative return (with kr_err set)
 * stops the parse and is its result. */
typedef int (*sources_fn)(const struct sources_para *p, void *arg);

/* Parse a whole Sources text held in memory. 0, or -1 with kr_err
 * "path:line: ..." (or fn's error). */
int sources_parse(const char *data, size_t len, const char *path, sources_fn fn, void *arg);

/* The same for a file, compressed (xz, gz, lz4, bzip2, zstd) or not. */
int sources_read_file(const char *path, sources_fn fn, void *arg);

/* The upstream part of a Debian version: without "EPOCH:" and without the
 * last "-REVISION" (a native version has none). malloc'd. */
char *sources_upstream_version(const char *debver);

/* Is name the upstream tarball of package at Debian version debver?
 * "PKG_UPSTREAM.orig.tar.EXT", or "PKG_VERSION.tar.EXT" for a native
 * package (no revision); never a signature (.asc) or an .orig-COMPONENT. */
int sources_is_upstream_tarball(const char *package, const char *debver, const char *name);

#endif
