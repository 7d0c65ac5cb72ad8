/* srctree.h - a `tree:PATH` source: a file or folder of this source tree
 * (e.g. tools/), hashed by content and copied deterministically.
 *
 * The hash covers, in sorted order, each entry's kind (dir, file, exec),
 * its path relative to the tree's top and, for files, its content's
 * sha256: not mtimes, owners or other mode bits, so two checkouts of the
 * same commit hash alike. Names starting with '.' (editor and VCS files)
 * are skipped by the hash and the copy alike; a symlink or a special file
 * is refused. Reference: tools/doc/fetch.md.
 */
#ifndef KRILL_SRCTREE_H
#define KRILL_SRCTREE_H

#include "util.h"

/* A tree: path: relative, '/'-separated, no empty, '.' or '..' segment and
 * no segment starting with '.'. */
int tree_path_ok(const char *rel);
/* The content hash of TOP/REL. 0, or -1 with kr_err. */
int tree_hash(const char *top, const char *rel, char out[SHA256_HEX_LEN + 1]);
/* Copy TOP/REL to DST/REL: directories 0755, files 0755 when executable
 * and 0644 otherwise. 0, or -1 with kr_err. */
int tree_copy(const char *top, const char *rel, const char *dst);

#endif
