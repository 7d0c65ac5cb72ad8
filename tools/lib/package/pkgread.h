/* pkgread.h - reading a package file without trusting it (libarchive).
 *
 * A package is a zstd-compressed tar whose first member is `.PKGINFO` (a
 * pkginfo stanza without index fields), second `.SBOM.spdx.json` (a JSON
 * object), third `.SHA256SUMS` (a sha256sum(1) line per regular file, in
 * member order; packages written before it have none), then the files. pkgread checks that shape, caps metadata sizes,
 * and while iterating refuses more regular-file bytes than the
 * installed-size the metadata declares (the "endless data" attack). It
 * reports paths as stored: judging them (absolute, "..", symlink escapes)
 * is the installer's job, which gets every fact it needs from pkg_entry.
 */
#ifndef KRILL_PKGREAD_H
#define KRILL_PKGREAD_H

#include <stdint.h>
#include <sys/types.h>

#include "pkginfo.h"
#include "strmap.h"

#define PKGINFO_NAME	".PKGINFO"
#define SBOM_NAME	".SBOM.spdx.json"
#define SUMS_NAME	".SHA256SUMS"
#define PKGINFO_MAX	(1u << 20)  /* 1 MiB */
#define SBOM_MAX	(64u << 20) /* 64 MiB */
#define SUMS_MAX	(64u << 20)
#define PKG_PATH_MAX	4096
#define PKG_ENTRIES_MAX 1000000
/* Everything in the tar stream that is not file data (tar and pax headers,
 * GNU long names, padding): at most 16 KiB per member plus 1 MiB of
 * read-ahead; more is a metadata bomb (pax headers of 1 MB each pass
 * every cap on file data). */
#define PKG_META_PER_MEMBER (16u << 10)
#define PKG_META_SLACK	    (1u << 20)
/* The SBOM's JSON: nested at most 32 deep, and parsing it may take at most
 * 8 times its size plus 4 MiB of memory (jansson's tree; 16 MiB of empty
 * objects would otherwise take 1.3 GB). */
#define SBOM_DEPTH_MAX	32
#define SBOM_MEM_FACTOR 8u
#define SBOM_MEM_BASE	(4u << 20)

enum pkg_type {
	PKG_FILE,
	PKG_DIR,
	PKG_SYMLINK,
	PKG_HARDLINK,
	PKG_CHAR,
	PKG_BLOCK,
	PKG_FIFO,
	PKG_SOCKET
};

struct pkg_entry {
	const char *path; /* as stored; valid until the next pkgread_next */
	enum pkg_type type;
	mode_t mode;	  /* permission bits (07777) */
	uint64_t size;	  /* data bytes (regular files; 0 otherwise) */
	const char *link; /* symlink target or hardlink source, else NULL */
	uid_t uid;
	gid_t gid;
	dev_t rdev;    /* device nodes */
	int64_t mtime; /* seconds since the epoch, as stored */
	/* regular files: the 64 hex digits (not NUL-terminated) .SHA256SUMS
	 * gives, checked to be this file's line; NULL in a package without one */
	const char *sha256;
};

struct pkgread;

/* Open and check the metadata members; the name is used in messages. */
struct pkgread *pkgread_open(const char *path);
struct pkgread *pkgread_open_memory(const void *data, size_t len, const char *name);
/* Flags: skip the SBOM's JSON parse (its size cap stays), which is most of
 * the cost of opening a small package, or zstd's checksum: */
enum {
	/* the caller checked this very file before (a second open) */
	PKGREAD_SBOM_CHECKED = 1,
	/* the caller needs only the file sha256s: the SBOM is parsed only in a
	 * package without .SHA256SUMS (pkgread_sbom_sha256s reads it then) */
	PKGREAD_SUMS_ENOUGH = 2,
	/* the caller checked the file's sha256 against a signed index: zstd's
	 * frame checksum (XXH64 over every byte) adds nothing then */
	PKGREAD_VERIFIED = 4,
};
struct pkgread *pkgread_open_flags(const char *path, int flags);
struct pkgread *pkgread_open_memory_flags(const void *data, size_t len, const char *name,
					  int flags);
const struct pkginfo *pkgread_info(const struct pkgread *r);
/* Move the metadata out (the reader keeps an empty one). */
void pkgread_take_info(struct pkgread *r, struct pkginfo *out);
const char *pkgread_sbom(const struct pkgread *r, size_t *len);
/* The .SHA256SUMS member's bytes as stored (NUL-terminated), or NULL in a
 * package without one. */
const char *pkgread_sums_text(const struct pkgread *r, size_t *len);
/* The .PKGINFO member's bytes as stored (NUL-terminated). */
const char *pkgread_pkginfo_text(const struct pkgread *r, size_t *len);
/* 1: *e filled, 0: end of archive, -1: error (kr_err). */
int pkgread_next(struct pkgread *r, struct pkg_entry *e);
/* Read the current entry's data: bytes read, 0 at its end, -1 on error. */
ssize_t pkgread_data(struct pkgread *r, void *buf, size_t n);
void pkgread_close(struct pkgread *r);

/* The sha256 the SBOM gives each regular file (its `files`), as PATH ->
 * malloc'd 64-hex string in out (relative paths, as stored in the SBOM
 * without the leading "./"); entries that are not so are skipped. Returns
 * how many were put. The package's sha256 was checked against the signed
 * index before, so these are the builder's signed word, not the reader's
 * guess: the installer records them instead of hashing each file again. */
size_t pkgread_sbom_sha256s(const struct pkgread *r, struct strmap *out);

/* The SBOM check pkgread applies (a JSON object within the caps above);
 * name is used in messages. Exposed for tests and the fuzzer. */
int pkgread_check_sbom(const char *data, size_t len, const char *name);

#endif
