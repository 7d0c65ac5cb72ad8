/* repo.c - see repo.h */
#include "repo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "parallel.h"

#define CURRENT_PREFIX REPO_STATE "/current/"

static int read_capped(const char *path, size_t max, char **data, size_t *len)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		kr_err("%s: cannot read: %s", path, strerror(errno));
		return -1;
	}
	if ((uint64_t)st.st_size > max) {
		kr_err("%s: %lld bytes, expected at most %zu", path, (long long)st.st_size, max);
		return -1;
	}
	return read_file(path, data, len);
}

int repo_read_verified(const char *index_path, const char *sig_path, const struct keyring *kr,
		       struct index *out, char **raw, size_t *rawlen, char keyid[KEYID_LEN + 1])
{
	char *idx = NULL, *sig = NULL;
	size_t ilen, slen;
	int rc = -1;
	memset(out, 0, sizeof *out);
	if (read_capped(sig_path, SIG_MAX_BYTES, &sig, &slen) < 0 ||
	    read_capped(index_path, INDEX_MAX_BYTES, &idx, &ilen) < 0)
		goto out;
	/* nothing in the index is looked at before its signature checks out */
	if (sign_verify(kr, idx, ilen, sig, slen, sig_path, keyid) < 0 ||
	    index_parse(idx, ilen, index_path, out) < 0)
		goto out;
	rc = 0;
	if (raw) {
		*raw = idx;
		*rawlen = ilen;
		idx = NULL;
	}
out:
	free(idx);
	free(sig);
	return rc;
}

int index_check_expiry(const struct index *ix, time_t now, const char *src)
{
	if (now < ix->expires)
		return 0;
	char e[21], n[21];
	rfc3339_format(ix->expires, e);
	rfc3339_format(now, n);
	kr_err("%s: expired at %s (now %s): refusing a stale index, the repository must be "
	       "re-signed",
	       src, e, n);
	return -1;
}

struct check {
	const char *dir;
	const struct index *ix;
	char **msg; /* per package: NULL if fine */
};

static void check_one(size_t i, void *arg)
{
	struct check *c = arg;
	const struct pkginfo *p = &c->ix->pkgs[i];
	char *path = path_join(c->dir, p->file), hex[SHA256_HEX_LEN + 1];
	uint64_t size;
	struct stat st;
	if (stat(path, &st) < 0)
		c->msg[i] =
			xasprintf("%s: missing (%s), the index lists it", path, strerror(errno));
	else if ((uint64_t)st.st_size != p->size)
		c->msg[i] = xasprintf("%s: size %lld, the index lists %llu", path,
				      (long long)st.st_size, (unsigned long long)p->size);
	else if (sha256_file(path, hex, &size) < 0)
		c->msg[i] = xstrdup(kr_errmsg());
	else if (strcmp(hex, p->sha256))
		c->msg[i] = xasprintf("%s: sha256 %s, the index lists %s", path, hex, p->sha256);
	free(path);
}

size_t repo_check_packages(const char *dir, const struct index *ix,
			   void (*report)(const char *msg, void *arg), void *arg)
{
	struct check c = {dir, ix, xcalloc(ix->n, sizeof(char *))};
	size_t bad = 0;
	parallel_for(ix->n, check_one, &c);
	for (size_t i = 0; i < ix->n; i++)
		if (c.msg[i]) {
			report(c.msg[i], arg); /* in index order, whatever the threads did */
			bad++;
			free(c.msg[i]);
		}
	free(c.msg);
	return bad;
}

/* ---- provenance beside the packages ---- */

char *repo_provenance_name(const char *file)
{
	size_t n = strlen(file), k = strlen(".pkg.tar.zst");
	if (n <= k || strcmp(file + n - k, ".pkg.tar.zst"))
		return NULL;
	return xasprintf("%.*s%s", (int)(n - k), file, PROVENANCE_SUFFIX);
}

/* NULL when the statement names p (by file name and sha256), else why not. */
char *repo_provenance_check(const char *path, const struct pkginfo *p)
{
	char *data = NULL;
	size_t len;
	if (read_capped(path, PROVENANCE_MAX_BYTES, &data, &len) < 0)
		return xstrdup(kr_errmsg());
	json_error_t e;
	json_t *j = json_loadb(data, len, JSON_REJECT_DUPLICATES, &e);
	free(data);
	if (!j)
		return xasprintf("%s:%d:%d: %s, expected an in-toto statement (JSON)", path, e.line,
				 e.column, e.text);
	json_t *subj = json_object_get(j, "subject");
	json_t *s0 = json_array_get(subj, 0);
	const char *type = json_string_value(json_object_get(j, "_type"));
	const char *name = json_string_value(json_object_get(s0, "name"));
	const char *sha =
		json_string_value(json_object_get(json_object_get(s0, "digest"), "sha256"));
	char *msg = NULL;
	if (!type || strcmp(type, "https://in-toto.io/Statement/v1"))
		msg = xasprintf("%s: _type is not https://in-toto.io/Statement/v1", path);
	else if (!json_is_array(subj) || json_array_size(subj) != 1)
		msg = xasprintf("%s: expected exactly one subject, the package %s", path, p->file);
	else if (!name || strcmp(name, p->file))
		msg = xasprintf("%s: subject is '%s', expected the package beside it, %s", path,
				name ? name : "(no name)", p->file);
	else if (!sha || strcmp(sha, p->sha256))
		msg = xasprintf("%s: subject sha256 %s, but %s has sha256 %s (the index)", path,
				sha ? sha : "(none)", p->file, p->sha256);
	json_decref(j);
	return msg;
}

size_t repo_check_provenance(const char *dir, const struct index *ix, int require, size_t *checked,
			     void (*report)(const char *msg, void *arg), void *arg)
{
	size_t bad = 0;
	*checked = 0;
	struct strlist listed = STRLIST_INIT;
	for (size_t i = 0; i < ix->n; i++) {
		const struct pkginfo *p = &ix->pkgs[i];
		char *name = repo_provenance_name(p->file);
		if (!name)
			continue;
		sl_push(&listed, name);
		char *path = path_join(dir, name), *msg = NULL;
		struct stat st;
		if (stat(path, &st) < 0) {
			if (errno != ENOENT || require)
				msg = xasprintf("%s: missing (%s), expected the provenance of %s",
						path, strerror(errno), p->file);
		} else {
			msg = repo_provenance_check(path, p);
			++*checked;
		}
		if (msg) {
			report(msg, arg);
			bad++;
			free(msg);
		}
		free(path);
		free(name);
	}
	/* a statement for a package the index does not list vouches for nothing */
	struct strlist names = STRLIST_INIT;
	if (list_dir(dir, &names) == 0) {
		sl_sort(&listed);
		for (size_t i = 0; i < names.n; i++) {
			if (!str_ends(names.v[i], PROVENANCE_SUFFIX) || sl_has(&listed, names.v[i]))
				continue;
			char *msg = xasprintf("%s/%s: provenance of a package the index does not "
					      "list",
					      dir, names.v[i]);
			report(msg, arg);
			bad++;
			free(msg);
		}
	}
	sl_free(&names);
	sl_free(&listed);
	return bad;
}

/* ---- publishing ---- */

static char *read_link(const char *path)
{
	char buf[4096];
	ssize_t n = readlink(path, buf, sizeof buf - 1);
	if (n < 0)
		return NULL;
	return xstrndup(buf, (size_t)n);
}

char *repo_current_snapshot(const char *repo)
{
	char *cur = xasprintf("%s/%s/current", repo, REPO_STATE);
	char *t = read_link(cur), *dir = NULL;
	if (t) {
		dir = xasprintf("%s/%s/%s", repo, REPO_STATE, t);
		if (!is_dir(dir)) {
			free(dir);
			dir = NULL;
		}
	}
	free(t);
	free(cur);
	return dir;
}

/* Point repo/name at .krill/current/name. Before the switch (after == 0)
 * only missing names are created: they are dangling until the switch and
 * the old index does not list them. After it, anything else is fixed. */
static int top_link(const char *repo, const char *name, int after)
{
	char *path = path_join(repo, name), *want = xasprintf(CURRENT_PREFIX "%s", name);
	char *have = read_link(path);
	int rc = 0;
	struct stat st;
	int exists = lstat(path, &st) == 0;
	if ((have && !strcmp(have, want)) || (exists && !after))
		goto out;
	char *tmp = xasprintf("%s/.%s.link.%ld", repo, name, (long)getpid());
	unlink(tmp);
	if (symlink(want, tmp) < 0 || rename(tmp, path) < 0) {
		kr_err("%s: cannot link to %s: %s", path, want, strerror(errno));
		unlink(tmp);
		rc = -1;
	}
	free(tmp);
out:
	free(have);
	free(path);
	free(want);
	return rc;
}

static int top_links(const char *repo, const struct repo_links *links, int after)
{
	if (top_link(repo, INDEX_FILE, after) < 0 || top_link(repo, INDEX_SIG_FILE, after) < 0)
		return -1;
	for (size_t i = 0; links && i < links->names.n; i++)
		if (top_link(repo, links->names.v[i], after) < 0)
			return -1;
	for (size_t i = 0; links && i < links->nfiles; i++)
		if (top_link(repo, links->files[i].name, after) < 0)
			return -1;
	return 0;
}

/* A package name must be ours to re-point: a symlink or nothing. */
static int check_names_free(const char *repo, const struct repo_links *links)
{
	size_t n = links ? links->names.n + links->nfiles : 0;
	for (size_t i = 0; i < n; i++) {
		const char *name = i < links->names.n ? links->names.v[i]
						      : links->files[i - links->names.n].name;
		char *path = path_join(repo, name);
		struct stat st;
		int foreign = lstat(path, &st) == 0 && !S_ISLNK(st.st_mode);
		if (foreign)
			kr_err("%s: exists and is not a link managed by krill, refusing to replace "
			       "it",
			       path);
		free(path);
		if (foreign)
			return -1;
	}
	return 0;
}

static int build_snapshot(const char *dir, const char *index, size_t ilen, const char *sig,
			  size_t slen, const struct repo_links *links)
{
	char *p;
	if (rm_rf(dir) < 0 || mkdir_p(dir, 0755) < 0)
		return -1;
	p = path_join(dir, INDEX_FILE);
	int rc = write_file_atomic(p, index, ilen, 0644);
	free(p);
	p = path_join(dir, INDEX_SIG_FILE);
	rc = rc < 0 ? -1 : write_file_atomic(p, sig, slen, 0644);
	free(p);
	if (rc == 0 && links && links->note_name) {
		p = path_join(dir, links->note_name);
		rc = write_file_atomic(p, links->note, links->note_len, 0644);
		free(p);
	}
	for (size_t i = 0; rc == 0 && links && i < links->nfiles; i++) {
		p = path_join(dir, links->files[i].name);
		rc = write_file_atomic(p, links->files[i].data, links->files[i].len, 0644);
		free(p);
	}
	for (size_t i = 0; rc == 0 && links && i < links->names.n; i++) {
		/* hard links: a directory entry each, no new inode per package */
		p = path_join(dir, links->names.v[i]);
		char *t = path_join(dir, links->targets.v[i]);
		if (link(t, p) < 0) {
			kr_err("%s: cannot link to %s: %s", p, t, strerror(errno));
			rc = -1;
		}
		free(t);
		free(p);
	}
	if (rc == 0 && fsync_dir(dir) < 0) {
		kr_err("%s: fsync: %s", dir, strerror(errno));
		rc = -1;
	}
	return rc;
}

static void tidy(const char *repo, const char *keep)
{
	char *snaps = xasprintf("%s/%s/snap", repo, REPO_STATE);
	struct strlist l = STRLIST_INIT;
	if (list_dir(snaps, &l) == 0)
		for (size_t i = 0; i < l.n; i++)
			if (strcmp(l.v[i], keep)) {
				char *p = path_join(snaps, l.v[i]);
				rm_rf(p);
				free(p);
			}
	sl_free(&l);
	free(snaps);
	/* names the new snapshot no longer has: dangling links, drop them */
	if (list_dir(repo, &l) == 0)
		for (size_t i = 0; i < l.n; i++) {
			char *p = path_join(repo, l.v[i]), *t = read_link(p);
			struct stat st;
			if (t && str_starts(t, CURRENT_PREFIX) && stat(p, &st) < 0 &&
			    errno == ENOENT)
				unlink(p);
			free(t);
			free(p);
		}
	sl_free(&l);
}

/* Everything the new snapshot points at (pool files, links) reaches the
 * disk before the switch can: one syncfs instead of an fsync per file. */
static int sync_fs(const char *repo)
{
	int fd = open(repo, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = fd < 0 ? -1 : syncfs(fd);
	if (rc < 0)
		kr_err("%s: cannot sync the file system: %s", repo, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

int repo_publish(const char *repo, const char *tag, const char *index, size_t ilen, const char *sig,
		 size_t slen, const struct repo_links *links)
{
	char *state = path_join(repo, REPO_STATE), *snaps = path_join(state, "snap");
	char *final = path_join(snaps, tag), *tmp = xasprintf("%s.tmp", final);
	char *cur = path_join(state, "current"), *curtmp = xasprintf("%s.tmp", cur);
	char *want = xasprintf("snap/%s", tag), *have = read_link(cur);
	int rc = -1;
	if (mkdir_p(snaps, 0755) < 0 || check_names_free(repo, links) < 0)
		goto out;
	if (have && !strcmp(have, want) && is_dir(final)) {
		rc = 0; /* already current: only finish what a killed run left */
		goto finish;
	}
	if (build_snapshot(tmp, index, ilen, sig, slen, links) < 0 || rm_rf(final) < 0)
		goto out;
	if (rename(tmp, final) < 0) {
		kr_err("%s: cannot rename into place: %s", final, strerror(errno));
		goto out;
	}
	fsync_dir(snaps);
	if (top_links(repo, links, 0) < 0 || sync_fs(repo) < 0)
		goto out;
	/* the switch: one rename replaces the whole served view */
	unlink(curtmp);
	if (symlink(want, curtmp) < 0 || rename(curtmp, cur) < 0) {
		kr_err("%s: cannot switch to %s: %s", cur, want, strerror(errno));
		unlink(curtmp);
		goto out;
	}
	fsync_dir(state);
	rc = 1;
finish:
	if (top_links(repo, links, 1) < 0) {
		rc = -1;
		goto out;
	}
	tidy(repo, tag);
out:
	free(state);
	free(snaps);
	free(final);
	free(tmp);
	free(cur);
	free(curtmp);
	free(want);
	free(have);
	return rc;
}

int repo_lock(const char *repo)
{
	char *state = path_join(repo, REPO_STATE), *lock = path_join(state, "lock");
	int fd = -1;
	if (mkdir_p(state, 0755) == 0) {
		fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			kr_err("%s: cannot open: %s", lock, strerror(errno));
		else if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			kr_err("%s: another krill process is updating this repository (%s)", repo,
			       strerror(errno));
			close(fd);
			fd = -1;
		}
	}
	free(state);
	free(lock);
	return fd;
}
