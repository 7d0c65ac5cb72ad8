/* patch.h - apply a port's patches (ports/NAME/patches/ *.patch).
 *
 * Patches apply in byte-sorted name order (number them: 0001-foo.patch)
 * with `patch --forward --batch --no-backup-if-mismatch`. The strip level
 * is found per patch by a dry run: -p1 (git and diff -ru style), else -p0,
 * else -p2. A patch is applied only when its dry run applied cleanly, so a
 * failing patch changes nothing; its error names the patch, the file and
 * the failing hunk ("hunk #2 FAILED at 31").
 */
#ifndef KRILL_PATCH_H
#define KRILL_PATCH_H

#include "util.h"

/* Apply one patch file to the tree at srcdir. */
int patch_apply(const char *patch, const char *srcdir);

/* The *.patch files of dir, sorted (none when dir does not exist). */
int patch_list(const char *dir, struct strlist *out);

/* Apply every patch of dir in order; stops at the first failure. */
int patch_apply_dir(const char *dir, const char *srcdir);

#endif
