/* db.h - the installed-package database under ROOT/var/lib/krill/ and the
 * journal that makes every change to a root all-or-nothing.
 *
 * Files (format and crash-safety argument: tools/doc/client.md):
 *   installed      every installed package: its .PKGINFO stanza and its
 *                  file list (type, sha256 of regular files, path), plus
 *                  the highest index version accepted per repository.
 *                  Only ever replaced by rename.
 *   installed.new  the next `installed`, written before the commit point.
 *   journal        present only while a transaction runs: the staged temp
 *                  names and their final paths, the directories it made,
 *                  the paths it removes, and its state: "staging" (on
 *                  recovery: roll back, delete what was staged) or
 *                  "commit" (roll forward: finish every rename/removal and
 *                  install installed.new). Written atomically; writing it
 *                  in state "commit" is the commit point.
 *   lock           flock()ed for the whole run: one writer at a time.
 */
#ifndef KRILL_DB_H
#define KRILL_DB_H

#include <stdint.h>

#include "pkginfo.h"

/* One path of an installed package. */
struct db_file {
	char type;	 /* 'R' regular file, 'L' symlink, 'D' directory */
	char sha256[65]; /* regular files only, else "" */
	char *path;	 /* relative to the root, cleaned (fsroot.h) */
};

struct db_pkg {
	struct pkginfo info; /* without index fields */
	struct db_file *files;
	size_t nfiles, cap;
};

struct db_repo {
	char *name;	  /* the repository name from the signed index header */
	uint64_t version; /* highest index version accepted from it */
};

/* A configured repository URL and the repository it served first. */
struct db_pin {
	char *url;
	char *repo; /* "NAME/ARCH" from the signed header */
};

struct db {
	char *root;
	char *dir;	     /* ROOT/var/lib/krill */
	struct db_pkg *pkgs; /* sorted by name */
	size_t n, cap;
	struct db_repo *repos;
	size_t nrepos;
	struct db_pin *pins;
	size_t npins;
	/* paths a rolled-forward transaction could not place, and why */
	struct strlist unplaced, unplaced_why;
	int lockfd;
	/* power-loss durability: fsync/syncfs at the journal's steps (the
	 * default is without: a killed process is still rolled back or
	 * forward, only an OS crash or power loss can lose the last writes) */
	int durable;
	/* a transaction applied whose journal is not yet removed: db_done()
	 * syncs the root (covering what the verb wrote after it) and removes it */
	int done_pending;
	const char *recovered; /* NULL, or what db_open did to an old journal */
	char *recovered_buf;   /* owns the text when it names what failed */
};

/* Create ROOT/var/lib/krill if needed, take the lock, finish or roll back
 * an interrupted transaction (db->recovered says which), load `installed`.
 * `durable`: sync at every step of every transaction (db->durable). */
int db_open(struct db *db, const char *root, int durable);
void db_close(struct db *db);
/* Parse/format the `installed` file (exposed for tests). */
int db_parse(struct db *db, const char *data, size_t len, const char *src);
void db_format(const struct db *db, struct sb *out);

struct db_pkg *db_find(struct db *db, const char *name);
/* Add (taking ownership of *p; replacing a package of the same name) and
 * remove by name (0 if absent). */
void db_put(struct db *db, struct db_pkg *p);
int db_drop(struct db *db, const char *name);
void db_pkg_free(struct db_pkg *p);
void db_pkg_add_file(struct db_pkg *p, char type, const char *sha256, const char *path);
/* The installed package owning a non-directory path, or NULL. */
struct db_pkg *db_owner(struct db *db, const char *path);
/* Does any package other than `except` list directory `path`? */
int db_dir_used(struct db *db, const char *path, const char *except);

/* Repository versions (rollback protection). 0 when never seen. */
uint64_t db_repo_version(const struct db *db, const char *repo);
void db_set_repo_version(struct db *db, const char *repo, uint64_t version);
/* Repository pins (mix-and-match protection): the "NAME/ARCH" url served
 * when first accepted, or NULL. */
const char *db_pin(const struct db *db, const char *url);
void db_set_pin(struct db *db, const char *url, const char *repo);
/* Keep the in-memory state and go back to it (a transaction that failed
 * after changing the db in memory). */
void db_snapshot(const struct db *db, struct sb *out);
void db_restore(struct db *db, const struct sb *snap);
/* Write `installed` now (for changes outside a transaction). */
int db_save(struct db *db);

/* ---- transactions ---- */
struct journal {
	struct strlist mkdirs;	 /* made while staging, parents first */
	struct strlist tmp, dst; /* staged temp name -> final path */
	struct strlist rm;	 /* files/symlinks to remove */
	struct strlist rmdirs;	 /* directories to remove if empty, deepest first */
};
void journal_free(struct journal *j);
/* Record the transaction as staging (before anything is created). */
int journal_begin(struct db *db, const struct journal *j);
/* The commit point: write installed.new from db, sync the root's file
 * system, then mark the journal "commit". From here it rolls forward. */
int journal_commit(struct db *db, int rootfd, const struct journal *j);
/* Roll forward (after commit) / back (before): both end with no journal.
 * Rolling forward never stops half-way: a temp name that cannot be renamed
 * into place (the path became a directory meanwhile, EPERM, ...) is
 * removed and its path added to db->unplaced (reason in unplaced_why), a
 * removal that fails is only noted; then db_forget_unplaced() drops those
 * paths from the database, so the root stays consistent and every later
 * verb works. -1 only when the database or journal cannot be written. */
int journal_finish(struct db *db, int rootfd, const struct journal *j);
/* journal_finish in two steps: journal_apply does the renames and removals
 * and sets db->done_pending; db_done (client_close calls it) syncs the file
 * system once and removes the journal, so what the verb writes in between
 * (the world, the configuration) needs no fsync of its own. An
 * interruption before db_done rolls forward again (idempotent). */
int journal_apply(struct db *db, int rootfd, const struct journal *j);
int db_done(struct db *db);
int journal_rollback(struct db *db, int rootfd, const struct journal *j);
/* Drop db->unplaced from the packages' file lists, save, and return the
 * reasons as one line (malloc'd; NULL when nothing was unplaced). */
char *db_forget_unplaced(struct db *db);

/* Test-only fault injection: when KRILL_TEST_CRASH equals `point`, the
 * process kills itself with SIGKILL there (see tools/doc/client.md). */
void db_crash_point(const char *point);

#endif
