/* client.h - what the package-manager verbs (add, del, info, list, update)
 * share: their common options and where a root keeps its configuration.
 *
 * Options: --root DIR (default /), --repo URL|PATH (repeatable), --keys
 * DIR, --no-cache, --durable, and for list --installed. Without --repo, the
 * repositories are ROOT/etc/krill/repositories (one URL or path per line,
 * '#' starts a comment); without --keys, the trusted keys are
 * ROOT/etc/krill/keys/ (*.pub). Reference: tools/doc/client.md.
 */
#ifndef KRILL_CLIENT_H
#define KRILL_CLIENT_H

#include "db.h"
#include "remote.h"
#include "util.h"

struct client_opts {
	char *root;
	struct strlist repos;
	struct strlist tags; /* per repository: "@TAG URL" lines' tag, else "" */
	char *keys;
	int no_cache;
	int installed; /* list --installed */
	int quiet;
	int upgrade;	 /* add -u/--upgrade */
	int latest;	 /* -l/--latest */
	int available;	 /* -a/--available */
	int initdb;	 /* --initdb */
	char *virt;	 /* add -t/--virtual NAME */
	int repos_given; /* --repo on the command line */
	int keys_given;	 /* --keys on the command line */
	int feeds;	 /* update --feeds: fetch the security feeds too */
	int durable;	 /* --durable or KRILL_DURABLE=1: sync every step (db.h) */
};

/* Parse argv (argv[0] is the verb); accepts --installed only when
 * `list_opts`. Returns the index of the first operand, or -1 for a usage
 * error (kr_err says what). Fills repos/keys from the root when not given. */
int client_parse(int argc, char **argv, int list_opts, struct client_opts *o);
void client_opts_free(struct client_opts *o);

/* An open root: its database (locked) and, when asked, its verified
 * repositories. */
struct client {
	struct db db;
	struct remote *repos;
	size_t nrepos;
	char *tmpdir; /* downloads with --no-cache; removed by client_close */
	char *cachedir;
	int unsaved;	  /* accepted index versions not yet written */
	size_t add_count; /* packages the last client_add installed */
	size_t del_count; /* packages the last client_apply removed */
	char *root;
	const struct strlist *tags; /* the options' repository tags */
};

/* Open the db (recovering an interrupted transaction: db.recovered says
 * so) and, with `repos`, fetch and verify every repository's index and
 * record their versions (in memory). -1 with kr_err on any failure. */
int client_open(struct client *c, const struct client_opts *o, int repos);
/* Write the accepted index versions unless a committed transaction already
 * did (clear c->unsaved then), and release everything. -1 with kr_err if
 * the versions could not be saved. */
int client_close(struct client *c);
/* Every package the repositories offer, in repository order. */
const struct pkginfo **client_available(const struct client *c, size_t *n);
/* The repository a package of client_available() comes from. */
const struct remote *client_repo_of(const struct client *c, const struct pkginfo *p);

/* What `krill add` does after client_open: solve names (with what the
 * root has installed) over every repository, fetch each package chosen
 * (capped at its listed size, sha256 checked), install them all in one
 * transaction. `krill image` runs the same on a fresh root. */
struct client_add_hooks {
	/* Called before each package is staged: i counts from 1 to n. */
	void (*progress)(void *ctx, size_t i, size_t n, const struct pkginfo *p);
	/* After the transaction committed, for each package installed: its
	 * index entry, the repository it came from and the verified file
	 * (still there during the call). */
	int (*installed)(void *ctx, const struct pkginfo *p, const struct remote *r,
			 const char *file);
	void *ctx;
};
/* 0, or -1 with kr_err (the root unchanged unless the hook failed after
 * the commit). With no_cache, the package files are deleted afterwards. */
int client_add(struct client *c, const struct strlist *names, int no_cache,
	       const struct client_add_hooks *h);

/* Parse a repositories file's text into urls (exposed for tests); a line
 * "@TAG URL" is a tagged repository (its tag into tags when non-NULL,
 * "" for untagged lines). */
int client_parse_repositories(const char *data, size_t len, const char *src, struct strlist *urls);
int client_parse_repositories_tagged(const char *data, size_t len, const char *src,
				     struct strlist *urls, struct strlist *tags);

/* The failure path of a verb: forget the index versions accepted in this
 * run, so client_close writes nothing and the root stays byte-identical. */
void client_discard(struct client *c);

/* ---- the world (ROOT/etc/krill/world, apk-world(5)) ---- */
/* What the user asked for, one entry (dep.h world_dep) per line, sorted.
 * A root without a world file (made before it existed) gets the names of
 * its installed packages. */
int client_world_load(const struct client *c, struct strlist *world);
int client_world_save(const struct client *c, const struct strlist *world);
/* Replace the entry of the same name (or add it): 0, -1 when malformed. */
int client_world_set(struct strlist *world, const char *entry);
/* Remove the entries naming name; returns how many there were. */
size_t client_world_drop(struct strlist *world, const char *name);

struct client_plan_opts {
	const struct strlist *world;
	int upgrade_all;
	const struct strlist *upgrade;
	int upgrade_deps, latest, available;
	const struct pkginfo *virt; /* a virtual package (add -t) to record */
	struct strlist *kept;	    /* conffiles kept from removed packages */
	/* Called before the transaction for each package removed. */
	void (*removing)(void *ctx, size_t i, size_t n, const struct pkginfo *p);
	const struct strlist *must_go; /* del: names that must leave the root */
};
/* Solve the world over the repositories (none when not opened with them)
 * and the installed packages, then in one transaction install what is new
 * or changed and remove what nothing needs any more. add_count/del_count
 * say how many. -1 with kr_err, the root unchanged. */
int client_apply(struct client *c, const struct client_plan_opts *po, int no_cache,
		 const struct client_add_hooks *h);

/* apk audit: every installed regular file whose sha256 differs from the
 * database ("U PATH") or that is gone ("X PATH"), symlinks gone or replaced,
 * sorted by path; the packages concerned go to pkgs (sorted, unique). */
int client_audit(struct client *c, struct strlist *lines, struct strlist *pkgs);
/* apk fix: reinstall the named installed packages (all that client_audit
 * finds changed when names is empty) from the repositories, the same
 * versions, in one transaction. */
int client_fix(struct client *c, const struct strlist *names, int no_cache,
	       const struct client_add_hooks *h);

/* First use: write --repo URLs to ROOT/etc/krill/repositories and --keys'
 * *.pub to ROOT/etc/krill/keys when the root has none yet, and with
 * --initdb an empty world. durable: fsync each file; else the caller's
 * client_close (its db_done) syncs them with the transaction. */
int client_persist_config(const struct client_opts *o, int durable);

#endif
