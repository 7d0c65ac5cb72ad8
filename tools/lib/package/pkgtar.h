/* pkgtar.h - the deterministic tar.zst writer behind package files.
 *
 * A POSIX tar written by libarchive in "restricted pax" format: plain
 * ustar headers, with a pax extended header only for what ustar cannot
 * hold (paths over 255 bytes, non-ASCII names, huge sizes). Every entry
 * gets uid/gid 0, uname/gname "root", mtime clamped to SOURCE_DATE_EPOCH
 * with no sub-second part, no atime/ctime, no xattrs/ACLs, mode & 07777.
 * The tar stream is compressed here with libzstd (single-threaded, fixed
 * level, frame checksum on) rather than by libarchive's filter, so the
 * bytes depend only on the level and the libzstd version.
 *
 * Image layers (image/layer.h) use the same writer with gzip (libdeflate,
 * fixed level, one member with no name, mtime 0 and OS byte 255; the
 * whole tar is held in memory until the close, as libdeflate compresses
 * one buffer; the bytes depend on the level and the libdeflate version)
 * or zstd, a
 * per-entry owner and mode, and the sha256 of the uncompressed tar (the
 * OCI diff_id).
 */
#ifndef KRILL_PKGTAR_H
#define KRILL_PKGTAR_H

#include <stddef.h>
#include <stdint.h>

struct pkgtar;

enum pkgtar_comp { PKGTAR_ZSTD, PKGTAR_GZIP, PKGTAR_NONE };

/* Owner (numeric; only id 0 gets the name "root") and, when mode >= 0,
 * permission bits instead of the file's own. */
struct pkgtar_owner {
	unsigned uid, gid;
	int mode;
};

struct pkgtar_result {
	char sha256[65]; /* of the file written */
	uint64_t size;
	char tar_sha256[65]; /* of the uncompressed tar stream */
	uint64_t tar_size;
};

/* Create path (mode 0644) and start a zstd-compressed tar in it. */
struct pkgtar *pkgtar_open(const char *path, int zstd_level, int64_t source_date_epoch);
/* The same with a choice of compression and level. */
struct pkgtar *pkgtar_open_comp(const char *path, enum pkgtar_comp comp, int level,
				int64_t source_date_epoch);
/* A regular file member with the given contents (mode 0644). */
int pkgtar_add_data(struct pkgtar *t, const char *name, const void *data, size_t len);
/* root/rel as member rel: directory, symlink or regular file (read from
 * disk); with hardlink set, a hardlink member to that earlier member. The
 * group and world write bits are dropped but on a sticky directory. */
int pkgtar_add_path(struct pkgtar *t, const char *root, const char *rel, const char *hardlink);
/* The same with an owner and mode override (own NULL: root, the file's mode). */
int pkgtar_add_path_owned(struct pkgtar *t, const char *root, const char *rel, const char *hardlink,
			  const struct pkgtar_owner *own);
/* Finish, fsync and close; the sha256 and size of the compressed file.
 * Frees t, also on failure. */
int pkgtar_close(struct pkgtar *t, char sha256[65], uint64_t *size);
/* The same with the uncompressed tar's digest and size too. */
int pkgtar_close_result(struct pkgtar *t, struct pkgtar_result *res);
/* Give up: close, unlink the file, free t. */
void pkgtar_abort(struct pkgtar *t);

#endif
