/* fsroot.h - touching paths inside an install root without ever leaving it.
 *
 * Every path the installer writes, renames or removes is relative to ROOT
 * and is reached by walking its components with openat(O_NOFOLLOW |
 * O_DIRECTORY) from a descriptor of ROOT: a symlink (or a non-directory)
 * anywhere on the way is an error, so nothing is ever written THROUGH a
 * symlink, whatever another package or the user put in the root. The last
 * component is then used with the *at() calls, which do not follow it
 * either (renameat replaces a symlink, unlinkat removes it).
 */
#ifndef KRILL_FSROOT_H
#define KRILL_FSROOT_H

#include <sys/stat.h>

#include "util.h"

/* Clean an archive member name into a root-relative path: drops a leading
 * "./", repeated and trailing slashes and "." components. NULL (kr_err
 * naming `what`) for an absolute path, a ".." component, an empty name, or
 * a newline or tab (the database and journal are line/tab based). */
char *fsr_clean(const char *name, const char *what);

/* An O_DIRECTORY descriptor of root itself (which may be a symlink);
 * close it with fsr_close_root (directory descriptors reached from it are
 * cached until then). */
int fsr_open_root(const char *root);
void fsr_close_root(int rootfd);

/* The directory holding rel (rel's parent), reached by walking from rootfd
 * without following symlinks. The descriptor is borrowed: do not close it;
 * it stays valid until the next fsr_rmdir, fsr_open_root or fsr_close_root. With `create`, missing
 * directories are made (mode 0755) and their rel paths appended to `made`. *base points into rel at
 * the last component. -1 with kr_err when a component is a symlink, not a directory, or missing
 * without `create`; errno is kept (ENOENT for a missing one). */
int fsr_open_parent(int rootfd, const char *rel, int create, struct strlist *made,
		    const char **base);

/* lstat of rel inside the root: 0, or -1 with errno (ENOENT, ELOOP when
 * the way goes through a symlink, ENOTDIR). Never sets kr_err. */
int fsr_lstat(int rootfd, const char *rel, struct stat *st);

/* Rename from -> to (both rel), unlink rel, rmdir rel: missing files are
 * not an error for unlink/rmdir (idempotent recovery); rmdir of a
 * non-empty directory is not an error either (it is still in use). */
int fsr_rename(int rootfd, const char *from, const char *to);
int fsr_unlink(int rootfd, const char *rel);
int fsr_rmdir(int rootfd, const char *rel);

/* sha256 of the regular file rel ("" and -1 when missing or not a file). */
int fsr_sha256(int rootfd, const char *rel, char out[SHA256_HEX_LEN + 1]);

#endif
