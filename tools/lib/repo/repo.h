/* repo.h - a repository directory on disk: reading its signed index, and
 * switching INDEX and INDEX.sig in together.
 *
 * Two files cannot be renamed at once, so the pair lives in a snapshot
 * directory and the names the world sees are fixed symlinks through one
 * `current` link; one rename(2) of that link switches both:
 *
 *   REPO/INDEX         -> .krill/current/INDEX
 *   REPO/INDEX.sig     -> .krill/current/INDEX.sig
 *   REPO/.krill/current -> snap/NAME        (the only thing that changes)
 *   REPO/.krill/snap/NAME/{INDEX,INDEX.sig[,package links]}
 *
 * A mirror also routes package names through the snapshot (REPO/FILE ->
 * .krill/current/FILE, a hard link of ../../pool/SHA256) so that packages switch with
 * the index. Details and the crash-safety argument: tools/doc/repo.md.
 */
#ifndef KRILL_REPO_H
#define KRILL_REPO_H

#include <time.h>

#include "index.h"
#include "sign.h"

#define REPO_STATE	".krill"
#define INDEX_MAX_BYTES (256u << 20)
#define SIG_MAX_BYTES	4096u

/* Read INDEX and its signature, check the signature against kr, then
 * parse. The raw index text is returned in *raw (caller frees) if asked,
 * and the id of the key that verified it in keyid (if non-NULL). */
int repo_read_verified(const char *index_path, const char *sig_path, const struct keyring *kr,
		       struct index *out, char **raw, size_t *rawlen, char keyid[KEYID_LEN + 1]);
/* -1 with "src: expired at T (now N)" when now >= ix->expires. */
int index_check_expiry(const struct index *ix, time_t now, const char *src);

/* Check every listed package file under dir (existence, size, sha256);
 * calls report(message) for each failure and returns how many failed. */
size_t repo_check_packages(const char *dir, const struct index *ix,
			   void (*report)(const char *msg, void *arg), void *arg);

/* Check the build provenance published beside the packages: for each
 * listed FILE.pkg.tar.zst, FILE.provenance.json (an in-toto statement) must
 * name exactly that package as its one subject with the index's sha256.
 * A listed package without one is a failure only when `require` is set; a
 * *.provenance.json whose package the index does not list always is.
 * Reports as repo_check_packages(); *checked counts the statements read. */
#define PROVENANCE_SUFFIX    ".provenance.json"
#define PROVENANCE_MAX_BYTES (16u << 20)
/* FILE.provenance.json for FILE.pkg.tar.zst (NULL for another name), and
 * the check of one statement: NULL when it names p, else why not. */
char *repo_provenance_name(const char *file);
char *repo_provenance_check(const char *path, const struct pkginfo *p);
size_t repo_check_provenance(const char *dir, const struct index *ix, int require, size_t *checked,
			     void (*report)(const char *msg, void *arg), void *arg);

/* A small file published with a snapshot and served at REPO/NAME, like
 * INDEX (INDEX.zst, the delta, the timestamp). */
struct repo_file {
	const char *name;
	const char *data;
	size_t len;
};

/* Extra names published with a snapshot: names[i] is hard-linked to
 * targets[i], a path relative to the snapshot directory on the same file
 * system (the mirror's pool); files are written into it. */
struct repo_links {
	struct strlist names, targets;
	const char *note_name; /* optional small file kept in the snapshot */
	const char *note;
	size_t note_len;
	const struct repo_file *files;
	size_t nfiles;
};

/* Make (index, sig[, links]) REPO's current snapshot in one atomic switch,
 * then tidy up what the switch left unused. `tag` tells snapshots apart
 * (a hash of their content). Returns 1 if switched, 0 if the snapshot was
 * already current, -1 on error (REPO still serves what it served). */
int repo_publish(const char *repo, const char *tag, const char *index, size_t ilen, const char *sig,
		 size_t slen, const struct repo_links *links);

/* Take REPO's update lock (held until the fd is closed or the process
 * dies, so a kill -9 never leaves it stuck). Returns the fd, -1 if busy. */
int repo_lock(const char *repo);

/* Path of the current snapshot directory (malloc'd), or NULL if none. */
char *repo_current_snapshot(const char *repo);

#endif
