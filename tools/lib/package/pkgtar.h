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
 */
#ifndef KRILL_PKGTAR_H
#define KRILL_PKGTAR_H

#include <stddef.h>
#include <stdint.h>

struct pkgtar;

/* Create path (mode 0644) and start a zstd-compressed tar in it. */
struct pkgtar *pkgtar_open(const char *path, int zstd_level, int64_t source_date_epoch);
/* A regular file member with the given contents (mode 0644). */
int pkgtar_add_data(struct pkgtar *t, const char *name, const void *data, size_t len);
/* root/rel as member rel: directory, symlink or regular file (read from
 * disk); with hardlink set, a hardlink member to that earlier member. */
int pkgtar_add_path(struct pkgtar *t, const char *root, const char *rel, const char *hardlink);
/* Finish, fsync and close; the sha256 and size of the compressed file.
 * Frees t, also on failure. */
int pkgtar_close(struct pkgtar *t, char sha256[65], uint64_t *size);
/* Give up: close, unlink the file, free t. */
void pkgtar_abort(struct pkgtar *t);

#endif
