/* store.h - the shared read-only toolchain store (tools/doc/sandbox.md,
 * "The toolchain store").
 *
 * A cross port's sysroot used to get the whole toolchain (~240 MB: gcc,
 * binutils, the C runtime) installed from its packages and removed again
 * after the build, 2-14 s each way per port. Now the toolchain and C
 * runtime packages (the graph's --with names and what they need) are
 * installed once per content key into CACHE_DIR/store/tc/KEY/root:
 *
 *   KEY       sha256 of the names and the package files they need (solved
 *             from those offered, as into an empty root): per file, the
 *             content key of the result it comes from (its `done` stamp)
 *             and its name; the file's own sha256 where there is no stamp
 *   root/     the installed tree, every file read-only (modes a-w)
 *   manifest  one line per entry of root/: type, mode, size, mtime (ns),
 *             inode, sha256 (regular files) or target (symlinks), path
 *   inputs    (tc entries) the content keys of the results the packages
 *             came from, one per line: `krill cache gc` drops the entry
 *             once one of them is gone
 *   done      written last: an entry without it is never used; its mtime
 *             is the entry's last use (gc drops entries long unused)
 *
 * written under a temp name and renamed into place (flock'ed on KEY.lock,
 * so parallel builds unpack it once; a build holds a shared lock on it
 * until store_entry_free, so `krill cache gc` never removes an entry in
 * use). Every use first checks root/ against the
 * manifest (stat of every entry: a file added, removed, replaced,
 * truncated or written to no longer matches); KRILL_STORE_VERIFY=full
 * also re-hashes every file. An entry that fails is moved aside and made
 * again, never used.
 *
 * The same store holds source trees shared by several ports (the gcc
 * stages' 1.2 GB tree): CACHE_DIR/store/src/KEY/root is the extracted,
 * patched tree (KEY: the sources' sha256s, how they are unpacked, the
 * patches), mounted read-only at /build/src (buildrun.c, --shared-src).
 */
#ifndef KRILL_STORE_H
#define KRILL_STORE_H

#include "util.h"

struct store_entry {
	char *key;  /* the entry's content key */
	char *dir;  /* CACHE_DIR/store/tc/KEY */
	char *root; /* dir/root: the installed tree */
	int made;   /* 1: made by this call (0: found and verified) */
	int remade; /* 1: an existing entry failed verification */
	int locked; /* lock is held (shared) until store_entry_free */
	int lock;
};

/* fill(tmp, arg) writes a new entry's tree at tmp/root (and may keep small
 * files beside it in tmp); 0 or -1 with kr_err. */
typedef int (*store_fill_fn)(const char *tmp, void *arg);
/* The entry CACHE/store/KIND/KEY: found and verified, or made by fill
 * (under a temp name, sealed, renamed into place; one maker at a time). */
int store_get(const char *cache_dir, const char *kind, const char *key, store_fill_fn fill,
	      void *arg, struct store_entry *out);
/* The entry holding the packages named by names (dependency strings) and
 * their runtime dependencies, chosen from pkgfiles (trusted local build
 * results, as install_local); made when missing or corrupt. */
int store_toolchain(const char *cache_dir, const struct strlist *pkgfiles,
		    const struct strlist *names, struct store_entry *out);
/* Check root/ against the manifest: 0 when it matches, else -1 with
 * kr_err naming the first difference. full: also every file's sha256. */
int store_verify(const char *dir, int full);
/* Open and flock (op: LOCK_EX or LOCK_SH, maybe | LOCK_NB) the lock file
 * of the entry at dir (dir.lock), making sure the lock is on the file
 * that path still names (gc unlinks the lock of an entry it removes).
 * The fd, or -1 (errno EWOULDBLOCK: held by someone else). */
int store_lock(const char *dir, int op);
/* Give sysroot the entry's C runtime: every entry of root/ outside
 * toolchain/ (which the sandbox mounts at /toolchain) hard-linked (copied
 * across file systems), and the package database copied, so that
 * installing the build dependencies afterwards sees the runtime as
 * installed. */
int store_link_runtime(const struct store_entry *e, const char *sysroot);
void store_entry_free(struct store_entry *e);

#endif
