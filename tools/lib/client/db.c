/* db.c - see db.h */
#include "db.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "fsroot.h"

#define DB_MAGIC      "krill-db 1"
#define JOURNAL_MAGIC "krill-journal 1"

/* ---- packages ---- */

void db_pkg_free(struct db_pkg *p)
{
	pkginfo_free(&p->info);
	for (size_t i = 0; i < p->nfiles; i++)
		free(p->files[i].path);
	free(p->files);
	memset(p, 0, sizeof *p);
}

void db_pkg_add_file(struct db_pkg *p, char type, const char *sha256, const char *path)
{
	if (p->nfiles == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 16;
		p->files = xrealloc(p->files, p->cap * sizeof *p->files);
	}
	struct db_file *f = &p->files[p->nfiles++];
	f->type = type;
	snprintf(f->sha256, sizeof f->sha256, "%s", sha256 ? sha256 : "");
	f->path = xstrdup(path);
}

struct db_pkg *db_find(struct db *db, const char *name)
{
	for (size_t i = 0; i < db->n; i++)
		if (!strcmp(db->pkgs[i].info.name, name))
			return &db->pkgs[i];
	return NULL;
}

int db_drop(struct db *db, const char *name)
{
	struct db_pkg *p = db_find(db, name);
	if (!p)
		return 0;
	size_t i = (size_t)(p - db->pkgs);
	db_pkg_free(p);
	memmove(&db->pkgs[i], &db->pkgs[i + 1], (db->n - i - 1) * sizeof *p);
	db->n--;
	return 1;
}

void db_put(struct db *db, struct db_pkg *p)
{
	db_drop(db, p->info.name);
	if (db->n == db->cap) {
		db->cap = db->cap ? 2 * db->cap : 16;
		db->pkgs = xrealloc(db->pkgs, db->cap * sizeof *db->pkgs);
	}
	size_t i = 0; /* keep sorted by name: output is deterministic */
	while (i < db->n && strcmp(db->pkgs[i].info.name, p->info.name) < 0)
		i++;
	memmove(&db->pkgs[i + 1], &db->pkgs[i], (db->n - i) * sizeof *p);
	db->pkgs[i] = *p;
	db->n++;
	memset(p, 0, sizeof *p);
}

struct db_pkg *db_owner(struct db *db, const char *path)
{
	for (size_t i = 0; i < db->n; i++)
		for (size_t j = 0; j < db->pkgs[i].nfiles; j++)
			if (db->pkgs[i].files[j].type != 'D' &&
			    !strcmp(db->pkgs[i].files[j].path, path))
				return &db->pkgs[i];
	return NULL;
}

int db_dir_used(struct db *db, const char *path, const char *except)
{
	for (size_t i = 0; i < db->n; i++) {
		if (except && !strcmp(db->pkgs[i].info.name, except))
			continue;
		for (size_t j = 0; j < db->pkgs[i].nfiles; j++)
			if (db->pkgs[i].files[j].type == 'D' &&
			    !strcmp(db->pkgs[i].files[j].path, path))
				return 1;
	}
	return 0;
}

/* ---- repositories ---- */

uint64_t db_repo_version(const struct db *db, const char *repo)
{
	for (size_t i = 0; i < db->nrepos; i++)
		if (!strcmp(db->repos[i].name, repo))
			return db->repos[i].version;
	return 0;
}

void db_set_repo_version(struct db *db, const char *repo, uint64_t version)
{
	for (size_t i = 0; i < db->nrepos; i++)
		if (!strcmp(db->repos[i].name, repo)) {
			db->repos[i].version = version;
			return;
		}
	db->repos = xrealloc(db->repos, (db->nrepos + 1) * sizeof *db->repos);
	db->repos[db->nrepos].name = xstrdup(repo);
	db->repos[db->nrepos++].version = version;
}

const char *db_pin(const struct db *db, const char *url)
{
	for (size_t i = 0; i < db->npins; i++)
		if (!strcmp(db->pins[i].url, url))
			return db->pins[i].repo;
	return NULL;
}

void db_set_pin(struct db *db, const char *url, const char *repo)
{
	for (size_t i = 0; i < db->npins; i++)
		if (!strcmp(db->pins[i].url, url)) {
			free(db->pins[i].repo);
			db->pins[i].repo = xstrdup(repo);
			return;
		}
	db->pins = xrealloc(db->pins, (db->npins + 1) * sizeof *db->pins);
	db->pins[db->npins].url = xstrdup(url);
	db->pins[db->npins++].repo = xstrdup(repo);
}

/* ---- the `installed` file ---- */

void db_format(const struct db *db, struct sb *out)
{
	sb_adds(out, DB_MAGIC "\n");
	for (size_t i = 0; i < db->nrepos; i++)
		sb_printf(out, "repo %llu %s\n", (unsigned long long)db->repos[i].version,
			  db->repos[i].name);
	for (size_t i = 0; i < db->npins; i++)
		sb_printf(out, "pin %s %s\n", db->pins[i].repo, db->pins[i].url);
	for (size_t i = 0; i < db->n; i++) {
		const struct db_pkg *p = &db->pkgs[i];
		sb_adds(out, "pkg\n");
		pkginfo_write(&p->info, out);
		sb_adds(out, "files\n");
		for (size_t j = 0; j < p->nfiles; j++) {
			const struct db_file *f = &p->files[j];
			if (f->type == 'R')
				sb_printf(out, "R %s %s\n", f->sha256, f->path);
			else
				sb_printf(out, "%c %s\n", f->type, f->path);
		}
		sb_adds(out, "end\n");
	}
}

/* One line at *pos (without '\n'); NULL at the end. */
static char *next_line(const char *data, size_t len, size_t *pos, int *line)
{
	if (*pos >= len)
		return NULL;
	const char *s = data + *pos;
	const char *nl = memchr(s, '\n', len - *pos);
	size_t n = nl ? (size_t)(nl - s) : len - *pos;
	*pos += n + (nl ? 1 : 0);
	(*line)++;
	return xstrndup(s, n);
}

static int parse_file_line(struct db_pkg *p, const char *l)
{
	if ((l[0] != 'R' && l[0] != 'L' && l[0] != 'D') || l[1] != ' ' || !l[2])
		return -1;
	if (l[0] != 'R') {
		db_pkg_add_file(p, l[0], NULL, l + 2);
		return 0;
	}
	if (strlen(l) < 2 + 64 + 2 || l[66] != ' ')
		return -1;
	char sha[65];
	memcpy(sha, l + 2, 64);
	sha[64] = 0;
	if (!is_hex(sha, 64))
		return -1;
	db_pkg_add_file(p, 'R', sha, l + 67);
	return 0;
}

/* "pkg" was read: the stanza up to "files", then file lines up to "end". */
static int parse_pkg(struct db *db, const char *data, size_t len, size_t *pos, int *line,
		     const char *src)
{
	struct sb stanza = SB_INIT;
	int start = *line + 1;
	char *l;
	while ((l = next_line(data, len, pos, line)) && strcmp(l, "files")) {
		sb_adds(&stanza, l);
		sb_addc(&stanza, '\n');
		free(l);
	}
	struct db_pkg p = {0};
	size_t sp = 0;
	int r = l ? pkginfo_parse(sb_str(&stanza), stanza.len, &sp, &start, src, 0, &p.info) : -1;
	sb_free(&stanza);
	if (r != 1) {
		if (r == 0 || !l)
			kr_err("%s:%d: truncated package entry, expected a stanza and 'files'", src,
			       *line);
		free(l);
		return -1;
	}
	free(l);
	while ((l = next_line(data, len, pos, line)) && strcmp(l, "end")) {
		if (parse_file_line(&p, l) < 0) {
			kr_err("%s:%d: bad file line '%s', expected 'R SHA256 PATH', 'L PATH' or "
			       "'D PATH'",
			       src, *line, l);
			free(l);
			db_pkg_free(&p);
			return -1;
		}
		free(l);
	}
	if (!l) {
		kr_err("%s:%d: truncated file list, expected 'end'", src, *line);
		db_pkg_free(&p);
		return -1;
	}
	free(l);
	db_put(db, &p);
	return 0;
}

int db_parse(struct db *db, const char *data, size_t len, const char *src)
{
	size_t pos = 0;
	int line = 0;
	char *l = next_line(data, len, &pos, &line);
	if (!l || strcmp(l, DB_MAGIC)) {
		kr_err("%s:1: expected '" DB_MAGIC "'", src);
		free(l);
		return -1;
	}
	free(l);
	while ((l = next_line(data, len, &pos, &line))) {
		int bad = 0;
		if (!strcmp(l, "pkg")) {
			free(l);
			if (parse_pkg(db, data, len, &pos, &line, src) < 0)
				return -1;
			continue;
		}
		unsigned long long v;
		int off = 0;
		char *sp;
		if (sscanf(l, "repo %llu %n", &v, &off) == 1 && off > 0 && l[off])
			db_set_repo_version(db, l + off, v);
		else if (str_starts(l, "pin ") && (sp = strchr(l + 4, ' ')) && sp > l + 4 &&
			 sp[1]) {
			*sp = 0;
			db_set_pin(db, sp + 1, l + 4);
			*sp = ' ';
		} else
			bad = 1;
		if (bad)
			kr_err("%s:%d: unexpected line '%s', expected 'pkg', 'repo VERSION NAME' "
			       "or "
			       "'pin NAME/ARCH URL'",
			       src, line, l);
		free(l);
		if (bad)
			return -1;
	}
	return 0;
}

static void db_clear(struct db *db)
{
	for (size_t i = 0; i < db->n; i++)
		db_pkg_free(&db->pkgs[i]);
	for (size_t i = 0; i < db->nrepos; i++)
		free(db->repos[i].name);
	free(db->repos);
	db->repos = NULL;
	for (size_t i = 0; i < db->npins; i++) {
		free(db->pins[i].url);
		free(db->pins[i].repo);
	}
	free(db->pins);
	db->pins = NULL;
	db->n = db->nrepos = db->npins = 0;
}

void db_snapshot(const struct db *db, struct sb *out)
{
	db_format(db, out);
}

void db_restore(struct db *db, const struct sb *snap)
{
	db_clear(db);
	/* our own output: it parses */
	if (db_parse(db, sb_str(snap), snap->len, "(snapshot)") < 0)
		abort();
}

static char *db_path(const struct db *db, const char *name)
{
	return path_join(db->dir, name);
}

int db_save(struct db *db)
{
	struct sb out = SB_INIT;
	db_format(db, &out);
	char *path = db_path(db, "installed");
	/* durable: fsyncs the file and the directory (the rename) */
	int r = (db->durable ? write_file_atomic : write_file_replace)(path, sb_str(&out),
								      out.len, 0644);
	free(path);
	sb_free(&out);
	return r;
}

/* ---- journal ---- */

void journal_free(struct journal *j)
{
	sl_free(&j->mkdirs);
	sl_free(&j->tmp);
	sl_free(&j->dst);
	sl_free(&j->rm);
	sl_free(&j->rmdirs);
}

/* The journal in STATE, written as FILE in the database directory: durable
 * (fsync of the file and of the directory) when sync is set, else only
 * never torn (the caller syncs the file system before it counts). */
static int journal_write(struct db *db, const struct journal *j, const char *state,
			 const char *file, int sync)
{
	struct sb out = SB_INIT;
	sb_printf(&out, JOURNAL_MAGIC "\nstate %s\n", state);
	for (size_t i = 0; i < j->mkdirs.n; i++)
		sb_printf(&out, "mkdir\t%s\n", j->mkdirs.v[i]);
	for (size_t i = 0; i < j->tmp.n; i++)
		sb_printf(&out, "new\t%s\t%s\n", j->tmp.v[i], j->dst.v[i]);
	for (size_t i = 0; i < j->rm.n; i++)
		sb_printf(&out, "rm\t%s\n", j->rm.v[i]);
	for (size_t i = 0; i < j->rmdirs.n; i++)
		sb_printf(&out, "rmdir\t%s\n", j->rmdirs.v[i]);
	sb_adds(&out, "end\n"); /* a journal without it is torn: never renamed in */
	char *path = db_path(db, file);
	int r = (sync ? write_file_atomic : write_file_replace)(path, sb_str(&out), out.len, 0644);
	free(path);
	sb_free(&out);
	return r;
}

static int journal_parse(const char *data, size_t len, const char *src, struct journal *j,
			 int *commit)
{
	size_t pos = 0;
	int line = 0, ended = 0, r = 0;
	char *l = next_line(data, len, &pos, &line);
	char *st = next_line(data, len, &pos, &line);
	if (!l || !st || strcmp(l, JOURNAL_MAGIC) ||
	    (strcmp(st, "state staging") && strcmp(st, "state commit"))) {
		kr_err("%s: bad header, expected '" JOURNAL_MAGIC "' and a state", src);
		r = -1;
	} else {
		*commit = !strcmp(st, "state commit");
	}
	free(l);
	free(st);
	while (r == 0 && (l = next_line(data, len, &pos, &line))) {
		char *tab = strchr(l, '\t');
		char *tab2 = tab ? strchr(tab + 1, '\t') : NULL;
		if (!strcmp(l, "end"))
			ended = 1;
		else if (tab && str_starts(l, "mkdir\t"))
			sl_push(&j->mkdirs, tab + 1);
		else if (tab && str_starts(l, "rmdir\t"))
			sl_push(&j->rmdirs, tab + 1);
		else if (tab && str_starts(l, "rm\t"))
			sl_push(&j->rm, tab + 1);
		else if (tab2 && str_starts(l, "new\t")) {
			sl_push_own(&j->tmp, xstrndup(tab + 1, (size_t)(tab2 - tab - 1)));
			sl_push(&j->dst, tab2 + 1);
		} else {
			kr_err("%s:%d: unexpected line '%s'", src, line, l);
			r = -1;
		}
		free(l);
	}
	if (r == 0 && !ended) {
		kr_err("%s: truncated, expected a final 'end'", src);
		r = -1;
	}
	return r;
}

int journal_begin(struct db *db, const struct journal *j)
{
	/* durable before anything is staged, so a crash can be rolled back */
	return journal_write(db, j, "staging", "journal", db->durable);
}

int journal_commit(struct db *db, int rootfd, const struct journal *j)
{
	struct sb out = SB_INIT;
	db_format(db, &out);
	char *path = db_path(db, "installed.new");
	int r = write_file_replace(path, sb_str(&out), out.len, 0644);
	free(path);
	sb_free(&out);
	/* The staged files, installed.new and the commit journal (under
	 * another name) must all be on disk before the journal says "commit":
	 * one syncfs for all of them instead of an fsync per file; then the
	 * rename is the commit point, made durable by the directory's fsync. */
	if (r == 0)
		r = journal_write(db, j, "commit", "journal.commit", 0);
	if (r == 0 && db->durable && syncfs(rootfd) < 0) {
		kr_err("%s: syncfs: %s", db->root, strerror(errno));
		r = -1;
	}
	if (r == 0)
		db_crash_point("precommit"); /* all on disk, the journal still "staging" */
	char *from = db_path(db, "journal.commit"), *to = db_path(db, "journal");
	if (r == 0 && rename(from, to) < 0) {
		kr_err("%s: cannot rename into place: %s", to, strerror(errno));
		r = -1;
	}
	if (r == 0 && db->durable && fsync_dir(db->dir) < 0) {
		kr_err("%s: fsync: %s", db->dir, strerror(errno));
		r = -1;
	}
	free(from);
	free(to);
	return r;
}

static int journal_remove(struct db *db)
{
	char *path = db_path(db, "journal");
	int r = unlink(path);
	if (r < 0 && errno != ENOENT)
		kr_err("%s: cannot remove: %s", path, strerror(errno));
	else
		r = db->durable ? fsync_dir(db->dir) : 0;
	free(path);
	return r;
}

static void unplaced(struct db *db, const char *path)
{
	sl_push(&db->unplaced, path);
	sl_push(&db->unplaced_why, kr_errmsg());
}

int journal_apply(struct db *db, int rootfd, const struct journal *j)
{
	for (size_t i = 0; i < j->tmp.n; i++) {
		struct stat st;
		if (fsr_lstat(rootfd, j->tmp.v[i], &st) < 0)
			continue; /* renamed already (an earlier, interrupted run) */
		if (fsr_rename(rootfd, j->tmp.v[i], j->dst.v[i]) < 0) {
			unplaced(db, j->dst.v[i]);
			fsr_unlink(rootfd, j->tmp.v[i]);
		}
		if (i == j->tmp.n / 2)
			db_crash_point("apply");
	}
	for (size_t i = 0; i < j->rm.n; i++) {
		if (fsr_unlink(rootfd, j->rm.v[i]) < 0)
			kr_warn("%s (left in place)", kr_errmsg());
		if (!j->tmp.n && i == j->rm.n / 2)
			db_crash_point("apply"); /* a removal: half its files gone */
	}
	for (size_t i = 0; i < j->rmdirs.n; i++)
		if (fsr_rmdir(rootfd, j->rmdirs.v[i]) < 0)
			kr_warn("%s (left in place)", kr_errmsg());
	char *from = db_path(db, "installed.new"), *to = db_path(db, "installed");
	int r = 0;
	if (path_exists(from) && rename(from, to) < 0) {
		kr_err("%s: cannot rename into place: %s", to, strerror(errno));
		r = -1;
	}
	free(from);
	free(to);
	if (r == 0)
		db->done_pending = 1;
	return r;
}

/* the renames durable before the journal goes (syncfs covers the database
 * directory too) */
static int done_at(struct db *db, int rootfd)
{
	if (db->durable && syncfs(rootfd) < 0) {
		kr_err("%s: sync: %s", db->root, strerror(errno));
		return -1;
	}
	db->done_pending = 0;
	return journal_remove(db);
}

int journal_finish(struct db *db, int rootfd, const struct journal *j)
{
	return journal_apply(db, rootfd, j) < 0 ? -1 : done_at(db, rootfd);
}

int db_done(struct db *db)
{
	if (!db->done_pending)
		return 0;
	int fd = open(db->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		kr_err("%s: cannot open root directory: %s", db->root, strerror(errno));
		return -1;
	}
	int r = done_at(db, fd);
	close(fd);
	return r;
}

int journal_rollback(struct db *db, int rootfd, const struct journal *j)
{
	/* best effort: a temp name that cannot go is a stray file, not a
	 * reason to refuse every later run */
	for (size_t i = 0; i < j->tmp.n; i++)
		if (fsr_unlink(rootfd, j->tmp.v[i]) < 0)
			kr_warn("%s (left behind)", kr_errmsg());
	for (size_t i = j->mkdirs.n; i-- > 0;)
		if (fsr_rmdir(rootfd, j->mkdirs.v[i]) < 0)
			kr_warn("%s (left behind)", kr_errmsg());
	char *tmp = db_path(db, "installed.new"), *commit = db_path(db, "journal.commit");
	unlink(tmp);
	unlink(commit); /* written, but the crash came before the commit point */
	free(tmp);
	free(commit);
	return journal_remove(db);
}

char *db_forget_unplaced(struct db *db)
{
	if (!db->unplaced.n)
		return NULL;
	for (size_t i = 0; i < db->n; i++) {
		struct db_pkg *p = &db->pkgs[i];
		size_t k = 0;
		for (size_t f = 0; f < p->nfiles; f++) {
			if (p->files[f].type != 'D' && sl_has(&db->unplaced, p->files[f].path)) {
				free(p->files[f].path);
				continue;
			}
			p->files[k++] = p->files[f];
		}
		p->nfiles = k;
	}
	struct sb why = SB_INIT;
	for (size_t i = 0; i < db->unplaced_why.n; i++)
		sb_printf(&why, "%s%s", i ? "; " : "", db->unplaced_why.v[i]);
	sb_adds(&why, " (not placed: the database no longer lists it)");
	sl_free(&db->unplaced);
	sl_free(&db->unplaced_why);
	if (db_save(db) < 0) {
		sb_free(&why);
		return NULL;
	}
	return sb_steal(&why);
}

static int recover(struct db *db)
{
	char *path = db_path(db, "journal");
	char *data = NULL;
	size_t len;
	int r = 0;
	if (!path_exists(path)) {
		free(path);
		return 0;
	}
	struct journal j = {0};
	int commit = 0;
	int rootfd = -1;
	if (read_file(path, &data, &len) < 0) {
		r = -1;
	} else if (len < 4 || memcmp(data + len - 4, "end\n", 4)) {
		/* Torn: only an OS crash or power loss does that (the journal is
		 * renamed in whole), in a transaction made without --durable. What
		 * it staged cannot be known: set it aside, never stay stuck. */
		char *aside = db_path(db, "journal.torn"), *next = db_path(db, "installed.new");
		if (rename(path, aside) < 0) {
			kr_err("%s: cannot rename into place: %s", aside, strerror(errno));
			r = -1;
		} else {
			unlink(next);
			db->recovered = "set aside a torn journal as var/lib/krill/journal.torn (an "
					"OS crash or power loss during a transaction made without "
					"--durable): run krill audit, then krill fix";
		}
		free(aside);
		free(next);
		free(data);
		free(path);
		return r;
	} else if (journal_parse(data, len, path, &j, &commit) < 0) {
		r = -1;
	}
	if (r == 0 && (rootfd = fsr_open_root(db->root)) < 0)
		r = -1;
	if (r == 0)
		r = commit ? journal_finish(db, rootfd, &j) : journal_rollback(db, rootfd, &j);
	if (r == 0)
		db->recovered = commit ? "completed an interrupted transaction"
				       : "rolled back an interrupted transaction";
	if (r < 0)
		kr_err_prefix("%s: cannot recover the interrupted transaction", path);
	if (rootfd >= 0)
		fsr_close_root(rootfd);
	free(data);
	journal_free(&j);
	free(path);
	return r;
}

/* ---- open/close ---- */

int db_open(struct db *db, const char *root, int durable)
{
	memset(db, 0, sizeof *db);
	db->lockfd = -1;
	db->durable = durable;
	db->root = xstrdup(root);
	db->dir = path_join(root, "var/lib/krill");
	if (!is_dir(root)) {
		kr_err("%s: root is not a directory", root);
		return -1;
	}
	if (mkdir_p(db->dir, 0755) < 0)
		return -1;
	char *lock = db_path(db, "lock");
	db->lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (db->lockfd < 0 || flock(db->lockfd, LOCK_EX) < 0) {
		kr_err("%s: cannot lock: %s", lock, strerror(errno));
		free(lock);
		return -1;
	}
	free(lock);
	if (recover(db) < 0)
		return -1;
	char *path = db_path(db, "installed");
	char *data = NULL;
	size_t len;
	int r = 0;
	if (path_exists(path))
		r = read_file(path, &data, &len) < 0 ? -1 : db_parse(db, data, len, path);
	free(data);
	free(path);
	if (r == 0 && db->unplaced.n) {
		char *why = db_forget_unplaced(db);
		if (!why)
			return -1;
		db->recovered_buf = xasprintf("%s, except %s", db->recovered, why);
		db->recovered = db->recovered_buf;
		free(why);
	}
	return r;
}

void db_close(struct db *db)
{
	db_clear(db);
	sl_free(&db->unplaced);
	sl_free(&db->unplaced_why);
	free(db->recovered_buf);
	free(db->pkgs);
	if (db->lockfd >= 0)
		close(db->lockfd);
	free(db->root);
	free(db->dir);
	memset(db, 0, sizeof *db);
	db->lockfd = -1;
}

void db_crash_point(const char *point)
{
	const char *want = getenv("KRILL_TEST_CRASH");
	if (want && !strcmp(want, point))
		raise(SIGKILL);
}
