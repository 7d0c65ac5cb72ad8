/* install.h - put packages into a root and take them out again, safely
 * and all-or-nothing (the checks and the threats they stop:
 * tools/doc/client.md).
 *
 * install_pkgs(), for the whole set at once and in this order:
 *   1. each package file's size and sha256 against what the signed index
 *      lists (when given) - before anything is read from it;
 *      and its .PKGINFO against the index entry (name, version, arch,
 *      origin, installed-size);
 *   2. a first pass over every member, touching nothing: nothing under
 *      var/lib/krill or var/cache/krill (the client's own state), nothing
 *      under etc/krill/keys unless the package is the keyring package
 *      (.PKGINFO keyring: yes); names are cleaned
 *      and refused when absolute, with "..", or through a symlink (of the
 *      set, or already in the root); hardlinks only to an earlier regular
 *      file of the same package; device nodes, fifos and sockets refused;
 *      a path in two packages of the set, or owned by an installed package
 *      that is not being replaced, is a conflict naming both packages;
 *   3. the journal (db.h) records the plan; every file is written under a
 *      temp name in its target directory, reached without following
 *      symlinks (fsroot.h);
 *   4. the new database is written and the journal marked "commit" (the
 *      commit point); then every temp name is renamed into place, files
 *      the replaced versions no longer ship are removed.
 * A failure before the commit point removes everything staged; an
 * interruption is finished or rolled back by the next db_open().
 * An installed package of the same name is replaced (upgrade); a conffile
 * the user modified is kept and the new one written as PATH.krill-new.
 */
#ifndef KRILL_INSTALL_H
#define KRILL_INSTALL_H

#include <stdint.h>

#include "db.h"
#include "pkginfo.h"

struct install_item {
	const char *path;   /* the package file (.pkg.tar.zst) */
	const char *sha256; /* expected sha256 from the signed index, or NULL
			     * for a trusted local file (install_local) */
	uint64_t size;	    /* expected size when sha256 is set */
	/* the signed index entry it was fetched for (required with sha256):
	 * the .PKGINFO's name, version, arch, origin and installed-size must
	 * match it, or the package is refused before the root is touched */
	const struct pkginfo *entry;
	/* the caller checked the file's size and sha256 against the entry in
	 * this run (remote_fetch_pkg does): not hashed a second time */
	int verified;
	/* the verified package's bytes, read into memory (a package of a
	 * local repository): read from here, path names it in messages */
	const void *data;
	size_t len;
};

struct install_opts {
	/* Called before each package is staged: i counts from 1 to n. */
	void (*progress)(void *ctx, size_t i, size_t n, const struct pkginfo *p);
	void *ctx;
	/* installed packages removed in the same transaction (the solver
	 * decided nothing needs them): their files may pass to the set; a
	 * conffile the user changed is kept and appended to `kept`; no name
	 * of the set may be in it */
	const struct strlist *remove;
	struct strlist *kept;
	/* leave the last sync and the journal's removal to db_done() (db.h),
	 * so the caller's own writes after the install share that sync */
	int defer_done;
};

int install_pkgs(struct db *db, const struct install_item *v, size_t n,
		 const struct install_opts *o);

/* Remove installed packages by name: exactly their files; a conffile whose
 * sha256 differs from the recorded one is kept (its path appended to
 * `kept` when non-NULL); directories only when empty and no remaining
 * package lists them. Refused when a remaining package depends on one. */
int remove_pkgs(struct db *db, const struct strlist *names, struct strlist *kept);
/* remove_pkgs' refusals alone (not installed, needed by another), so a
 * caller can print its progress only for a removal that will happen. */
int remove_check(struct db *db, const struct strlist *names);

/* The .PKGINFO of a package file (its first member). */
int pkgfile_info(const char *path, struct pkginfo *out);

/* For the build's sysroots: install the packages named (each a dependency
 * string, "zlib" or "zlib>=1.3-r0") and their runtime dependencies, chosen
 * from the local package files `pkgfiles` (trusted build results: no
 * signature or index, no hash list), into root (created if missing).
 * Already-installed packages that satisfy a name are kept. */
int install_local(const char *root, const struct strlist *pkgfiles, const struct strlist *names);

#endif
