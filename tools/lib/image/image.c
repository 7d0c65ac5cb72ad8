/* image.c - see image.h */
#include "image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client.h"
#include "db.h"
#include "feeds.h"
#include "fsroot.h"
#include "imgsbom.h"
#include "imgvex.h"
#include "layer.h"
#include "oci.h"
#include "pkgread.h"
#include "sign.h"

#define SPDX_MEDIA     "application/spdx+json"
#define INTOTO_MEDIA   "application/vnd.in-toto+json"
#define SLSA_PREDICATE "https://slsa.dev/provenance/v1"

/* What one arch's install left for the layer, config and SBOM. */
struct arch_state {
	const char *arch, *oarch, *variant;
	char *root;
	struct pkginfo *infos; /* from each package's .PKGINFO */
	char **sha256;
	uint64_t *size;
	char **sbom;
	size_t *sbom_len;
	size_t n, cap;
	struct strlist key_ids, key_paths; /* the keys that verified */
	char *repo_name;
	char index_sha256[65];
	uint64_t index_version;
	int64_t newest; /* newest member mtime of any package */
	struct layer_override *ov;
	size_t nov;
	struct oci_desc manifest;
	char manifest_digest[72];
	struct strlist vex, vex_src; /* the repositories' OpenVEX feeds, checked */
};

static void arch_free(struct arch_state *a)
{
	for (size_t i = 0; i < a->n; i++) {
		pkginfo_free(&a->infos[i]);
		free(a->sha256[i]);
		free(a->sbom[i]);
	}
	free(a->infos);
	free(a->sha256);
	free(a->size);
	free(a->sbom);
	free(a->sbom_len);
	sl_free(&a->key_ids);
	sl_free(&a->key_paths);
	sl_free(&a->vex);
	sl_free(&a->vex_src);
	free(a->repo_name);
	for (size_t i = 0; i < a->nov; i++)
		free(a->ov[i].path);
	free(a->ov);
	free(a->root);
}

/* An error located in the spec. */
static void at(const struct imagespec *s, struct pos p, const char *msg)
{
	kr_err("%s:%d:%d: %s", s->path, p.line, p.col, msg);
}

/* ---- files inside the root, never through a symlink (fsroot.h) ---- */

/* 1: read, 0: missing, -1: error. */
static int root_read(int rootfd, const char *rel, char **data, size_t *len)
{
	const char *base;
	int dfd = fsr_open_parent(rootfd, rel, 0, NULL, &base);
	if (dfd < 0)
		return errno == ENOENT ? 0 : -1;
	int fd = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		kr_err("/%s in the image root: cannot open: %s", rel, strerror(errno));
		return -1;
	}
	struct sb b = SB_INIT;
	char buf[8192];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0 && b.len <= (16u << 20))
		sb_add(&b, buf, (size_t)n);
	close(fd);
	if (n > 0) { /* a package's passwd is hostile input too */
		kr_err("/%s in the image root: over 16 MiB, expected a small text file", rel);
		sb_free(&b);
		return -1;
	}
	if (n < 0) {
		kr_err("/%s in the image root: read error: %s", rel, strerror(errno));
		sb_free(&b);
		return -1;
	}
	*len = b.len;
	*data = sb_steal(&b);
	return 1;
}

static int root_write(int rootfd, const char *rel, const void *data, size_t len, mode_t mode)
{
	const char *base;
	int dfd = fsr_open_parent(rootfd, rel, 1, NULL, &base);
	if (dfd < 0)
		return -1;
	char *tmp = xasprintf(".%s.krill-tmp", base);
	int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	int rc = fd < 0 ? -1 : 0;
	const char *p = data;
	while (rc == 0 && len) {
		ssize_t w = write(fd, p, len);
		if (w < 0)
			rc = -1;
		else {
			p += w;
			len -= (size_t)w;
		}
	}
	if (rc == 0 && (fchmod(fd, mode) < 0 || renameat(dfd, tmp, dfd, base) < 0))
		rc = -1;
	if (rc < 0) {
		kr_err("/%s in the image root: cannot write: %s", rel, strerror(errno));
		unlinkat(dfd, tmp, 0);
	}
	if (fd >= 0)
		close(fd);
	free(tmp);
	return rc;
}

/* ---- the install ---- */
struct add_ctx {
	struct arch_state *a;
	int quiet;
};

static void progress(void *ctx, size_t i, size_t n, const struct pkginfo *p)
{
	struct add_ctx *c = ctx;
	if (!c->quiet) {
		printf("%s: (%zu/%zu) Installing %s %s\n", c->a->arch, i, n, p->name, p->version);
		fflush(stdout);
	}
}

/* Keep what the SBOM needs of each package, from the verified file. */
static int installed(void *ctx, const struct pkginfo *p, const struct remote *r, const char *file)
{
	struct arch_state *a = ((struct add_ctx *)ctx)->a;
	struct pkgread *pr = pkgread_open(file);
	if (!pr)
		return -1;
	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 16;
		a->infos = xrealloc(a->infos, a->cap * sizeof *a->infos);
		a->sha256 = xrealloc(a->sha256, a->cap * sizeof *a->sha256);
		a->size = xrealloc(a->size, a->cap * sizeof *a->size);
		a->sbom = xrealloc(a->sbom, a->cap * sizeof *a->sbom);
		a->sbom_len = xrealloc(a->sbom_len, a->cap * sizeof *a->sbom_len);
	}
	size_t i = a->n;
	size_t len;
	const char *sbom = pkgread_sbom(pr, &len);
	a->sbom[i] = xmalloc(len + 1);
	memcpy(a->sbom[i], sbom, len);
	a->sbom[i][len] = 0;
	a->sbom_len[i] = len;
	pkgread_take_info(pr, &a->infos[i]);
	a->sha256[i] = xstrdup(p->sha256);
	a->size[i] = p->size;
	a->n++;
	struct pkg_entry e;
	int rc;
	while ((rc = pkgread_next(pr, &e)) == 1)
		if (e.mtime > a->newest)
			a->newest = e.mtime;
	pkgread_close(pr);
	if (rc < 0)
		return -1;
	if (!sl_has(&a->key_ids, r->key_id)) {
		sl_push(&a->key_ids, r->key_id);
		sl_push(&a->key_paths, r->key_path);
	}
	return 0;
}

/* Every package of the spec must be offered for this arch: all missing
 * ones reported, each at its place in the spec. */
static int check_offered(const struct imagespec *s, const struct client *c, const char *arch)
{
	size_t n;
	const struct pkginfo **avail = client_available(c, &n);
	struct sb msg = SB_INIT;
	size_t missing = 0;
	for (size_t i = 0; i < s->packages.n; i++) {
		int found = 0;
		for (size_t k = 0; k < n && !found; k++)
			found = pkginfo_satisfies(avail[k], s->packages.v[i].s) == 1;
		if (found)
			continue;
		if (missing++)
			sb_addc(&msg, '\n');
		sb_printf(&msg,
			  "%s:%d:%d: package '%s' is not in the repositories for %s, expected "
			  "every package of contents.packages for every arch built",
			  s->path, s->packages.v[i].pos.line, s->packages.v[i].pos.col,
			  s->packages.v[i].s, arch);
	}
	free(avail);
	if (missing)
		kr_err("%s", sb_str(&msg));
	sb_free(&msg);
	return missing ? -1 : 0;
}

/* The trusted keys: the spec's keyring (copied into dir), else --keys. */
static char *trust_dir(const struct imagespec *s, const struct image_opts *o, const char *work)
{
	if (!s->keyring.n) {
		if (!o->keys) {
			kr_err("%s: no trusted keys: give --keys DIR or list contents.keyring",
			       s->path);
			return NULL;
		}
		return xstrdup(o->keys);
	}
	char *dir = path_join(work, "trust");
	char *sdir = path_dirname(s->path);
	int rc = mkdir_p(dir, 0755);
	for (size_t i = 0; rc == 0 && i < s->keyring.n; i++) {
		const char *k = s->keyring.v[i].s;
		char *src = k[0] == '/' ? xstrdup(k) : path_join(sdir, k);
		char *dst = path_join(dir, path_basename(k));
		char id[KEYID_LEN + 1];
		if (sign_pubkey_id(src, id) < 0 || copy_file(src, dst) < 0) {
			char *m = xasprintf("bad key: %s", kr_errmsg());
			at(s, s->keyring.v[i].pos, m);
			free(m);
			rc = -1;
		}
		free(src);
		free(dst);
	}
	free(sdir);
	if (rc < 0) {
		free(dir);
		return NULL;
	}
	return dir;
}

/* A key of the spec's keyring that verified no repository is refused. */
static int check_keyring(const struct imagespec *s, const struct arch_state *a)
{
	char *sdir = path_dirname(s->path);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < s->keyring.n; i++) {
		const char *k = s->keyring.v[i].s;
		char *src = k[0] == '/' ? xstrdup(k) : path_join(sdir, k);
		char id[KEYID_LEN + 1];
		if (sign_pubkey_id(src, id) == 0 && !sl_has(&a->key_ids, id)) {
			char *m = xasprintf("key %s (id %s) did not sign any repository the image "
					    "installed from for %s: refusing to embed it",
					    k, id, a->arch);
			at(s, s->keyring.v[i].pos, m);
			free(m);
			rc = -1;
		}
		free(src);
	}
	free(sdir);
	return rc;
}

/* Each repository's OpenVEX feed, as `krill update --feeds` fetches it
 * (its signed size and sha256, then its shape): the image's VEX restates
 * what they say of its packages. A feed that fails either check fails the
 * image; a repository without one adds nothing. */
static int vex_feeds(const struct client *c, struct arch_state *a, const char *work)
{
	char *dir = path_join(work, "feeds");
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < c->nrepos; i++) {
		const struct remote *r = &c->repos[i];
		if ((rc = remote_fetch_feed(r, FEED_VEX, dir)) == 1) {
			rc = 0;
			continue;
		}
		char *path =
			xasprintf("%s/%s/%s/%s", dir, r->name, r->arch, index_feed_files[FEED_VEX]);
		char *src = remote_file_url(r, index_feed_files[FEED_VEX]), *data = NULL;
		size_t len = 0;
		if (rc == 0 && (rc = read_file(path, &data, &len)) == 0 &&
		    (rc = feed_check(FEED_VEX, data, len, NULL, src)) == 0) {
			sl_push_own(&a->vex, data);
			sl_push_own(&a->vex_src, src);
			data = src = NULL;
		}
		free(data);
		free(src);
		free(path);
	}
	free(dir);
	return rc;
}

static int install(const struct imagespec *s, const struct image_opts *o, struct arch_state *a,
		   const char *work, struct strlist *repos)
{
	struct client_opts co = {0};
	co.root = xstrdup(a->root);
	for (size_t i = 0; i < repos->n; i++)
		sl_push(&co.repos, repos->v[i]);
	co.keys = trust_dir(s, o, work);
	co.no_cache = 1;
	co.quiet = o->quiet;
	if (!co.keys) {
		client_opts_free(&co);
		return -1;
	}
	struct client c;
	int r = client_open(&c, &co, 1);
	for (size_t i = 0; r == 0 && i < c.nrepos; i++)
		if (strcmp(c.repos[i].arch, a->arch)) {
			kr_err("%s: repository %s is for arch %s, expected %s", c.repos[i].url,
			       c.repos[i].name, c.repos[i].arch, a->arch);
			r = -1;
		}
	if (r == 0) {
		a->repo_name = xstrdup(c.repos[0].name);
		memcpy(a->index_sha256, c.repos[0].index_sha256, sizeof a->index_sha256);
		a->index_version = c.repos[0].version;
		r = check_offered(s, &c, a->arch);
	}
	struct strlist names = STRLIST_INIT;
	for (size_t i = 0; i < s->packages.n; i++)
		sl_push(&names, s->packages.v[i].s);
	struct add_ctx ctx = {a, o->quiet};
	struct client_add_hooks h = {progress, installed, &ctx};
	if (r == 0 && (r = client_add(&c, &names, 1, &h)) < 0)
		kr_err_prefix("%s: %s", s->path, a->arch);
	if (r == 0 && (r = vex_feeds(&c, a, work)) < 0)
		kr_err_prefix("%s: %s", s->path, a->arch);
	if (client_close(&c) < 0 && r == 0)
		r = -1;
	sl_free(&names);
	client_opts_free(&co);
	return r;
}

/* ---- completing the root ---- */
static void add_override(struct arch_state *a, const char *abs, unsigned uid, unsigned gid,
			 int mode)
{
	for (size_t i = 0; i < a->nov; i++)
		if (!strcmp(a->ov[i].path, abs + 1)) {
			a->ov[i].own = (struct pkgtar_owner){uid, gid, mode};
			return;
		}
	a->ov = xrealloc(a->ov, (a->nov + 1) * sizeof *a->ov);
	a->ov[a->nov++] = (struct layer_override){xstrdup(abs + 1), {uid, gid, mode}};
}

/* Field f (0-based) of a colon-separated line. */
static char *field(const char *line, int f)
{
	for (; f > 0 && line; f--)
		if ((line = strchr(line, ':')))
			line++;
	return line ? xstrndup(line, strcspn(line, ":\n")) : xstrdup("");
}

/* Merge entries (name, id, rest-of-line) into a passwd/group file: kept
 * when present with the same id, added when missing, an error when the
 * name or the id is already taken by another entry. idf: the id field. */
struct acct {
	const char *name;
	unsigned id;
	char *line;
	struct pos pos;
};

static int merge_file(const struct imagespec *s, int rootfd, const char *rel, const char *what,
		      struct acct *v, size_t n)
{
	char *data = NULL;
	size_t len = 0;
	int rc = root_read(rootfd, rel, &data, &len);
	if (rc < 0)
		return -1;
	struct strlist lines = STRLIST_INIT;
	if (data)
		sl_split(&lines, data, "\n");
	struct sb out = SB_INIT;
	if (data)
		sb_add(&out, data, len);
	if (out.len && out.s[out.len - 1] != '\n')
		sb_addc(&out, '\n');
	rc = 0;
	for (size_t i = 0; i < n; i++) {
		int keep = 0;
		for (size_t k = 0; k < lines.n && !keep; k++) {
			char *name = field(lines.v[k], 0), *id = field(lines.v[k], 2);
			int same_name = !strcmp(name, v[i].name);
			int same_id = (unsigned)strtoul(id, NULL, 10) == v[i].id && *id;
			if (same_name && same_id)
				keep = 1;
			else if (same_name || same_id) {
				char *m = xasprintf("%s %s (id %u) clashes with '%s:...:%s' in /%s "
						    "installed by the packages, expected the same "
						    "name and id or neither",
						    what, v[i].name, v[i].id, name, id, rel);
				at(s, v[i].pos, m);
				free(m);
				rc = -1;
				keep = 1;
			}
			free(name);
			free(id);
		}
		if (!keep)
			sb_printf(&out, "%s\n", v[i].line);
	}
	if (rc == 0 && n)
		rc = root_write(rootfd, rel, out.s, out.len, 0644);
	sl_free(&lines);
	sb_free(&out);
	free(data);
	return rc;
}

static int mkdir_in(int rootfd, const char *abs, mode_t mode)
{
	const char *base;
	int dfd = fsr_open_parent(rootfd, abs + 1, 1, NULL, &base);
	if (dfd < 0)
		return -1;
	struct stat st;
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			kr_err("%s exists and is not a directory", abs);
			return -1;
		}
	} else if (mkdirat(dfd, base, mode) < 0) {
		kr_err("%s: cannot create: %s", abs, strerror(errno));
		return -1;
	}
	if (fchmodat(dfd, base, mode, 0) < 0) {
		kr_err("%s: cannot chmod: %s", abs, strerror(errno));
		return -1;
	}
	return 0;
}

static int accounts(const struct imagespec *s, int rootfd, struct arch_state *a)
{
	struct acct *g = xcalloc(s->ngroups + 1, sizeof *g), *u = xcalloc(s->nusers + 1, sizeof *u);
	for (size_t i = 0; i < s->ngroups; i++) {
		const struct isgroup *x = &s->groups[i];
		char *members = NULL;
		struct strlist m = STRLIST_INIT;
		for (size_t k = 0; k < x->members.n; k++)
			sl_push(&m, x->members.v[k].s);
		members = sl_join(&m, ",");
		sl_free(&m);
		g[i] = (struct acct){x->name.s, x->gid,
				     xasprintf("%s:x:%u:%s", x->name.s, x->gid, members),
				     x->name.pos};
		free(members);
	}
	for (size_t i = 0; i < s->nusers; i++) {
		const struct isuser *x = &s->users[i];
		u[i] = (struct acct){x->name.s, x->uid,
				     xasprintf("%s:x:%u:%u::%s:%s", x->name.s, x->uid, x->gid,
					       x->homedir, x->shell),
				     x->name.pos};
	}
	int rc = merge_file(s, rootfd, "etc/group", "group", g, s->ngroups);
	if (rc == 0)
		rc = merge_file(s, rootfd, "etc/passwd", "user", u, s->nusers);
	/* a home directory that does not exist is made, owned by its user */
	for (size_t i = 0; rc == 0 && i < s->nusers; i++) {
		const struct isuser *x = &s->users[i];
		struct stat st;
		if (strcmp(x->homedir, "/") && fsr_lstat(rootfd, x->homedir + 1, &st) < 0) {
			rc = mkdir_in(rootfd, x->homedir, 0755);
			add_override(a, x->homedir, x->uid, x->gid, 0755);
		}
	}
	for (size_t i = 0; i < s->ngroups; i++)
		free(g[i].line);
	for (size_t i = 0; i < s->nusers; i++)
		free(u[i].line);
	free(g);
	free(u);
	return rc;
}

static int paths(const struct imagespec *s, int rootfd, struct arch_state *a)
{
	for (size_t i = 0; i < s->npaths; i++) {
		const struct ispath *p = &s->paths[i];
		const char *rel = p->path.s + 1, *base;
		struct stat st;
		int exists = fsr_lstat(rootfd, rel, &st) == 0, rc = 0;
		int mode = p->mode;
		switch (p->type) {
		case ISP_DIRECTORY:
			mode = mode < 0 ? 0755 : mode;
			rc = mkdir_in(rootfd, p->path.s, (mode_t)mode);
			break;
		case ISP_EMPTY_FILE:
		case ISP_SYMLINK: {
			if (exists) {
				kr_err("%s exists in the image (installed by a package), expected "
				       "a "
				       "new path",
				       p->path.s);
				rc = -1;
				break;
			}
			int dfd = fsr_open_parent(rootfd, rel, 1, NULL, &base);
			if (dfd < 0) {
				rc = -1;
				break;
			}
			if (p->type == ISP_SYMLINK) {
				rc = symlinkat(p->source, dfd, base);
			} else {
				mode = mode < 0 ? 0644 : mode;
				int fd = openat(dfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW,
						(mode_t)mode);
				rc = fd < 0 || fchmod(fd, (mode_t)mode) < 0 ? -1 : 0;
				if (fd >= 0)
					close(fd);
			}
			if (rc < 0)
				kr_err("%s: cannot create: %s", p->path.s, strerror(errno));
			break;
		}
		case ISP_PERMISSIONS:
			if (!exists) {
				kr_err("%s is not in the image, expected a path a package "
				       "installed",
				       p->path.s);
				rc = -1;
			}
			break;
		}
		if (rc < 0) {
			char *m = xstrdup(kr_errmsg());
			at(s, p->path.pos, m);
			free(m);
			return -1;
		}
		add_override(a, p->path.s, p->uid, p->gid, mode);
	}
	return 0;
}

/* The URLs the image's /etc/krill/repositories lists: the --image-repo
 * URLs, else the spec's http(s) repositories (${arch} expanded); local
 * paths of the build host mean nothing inside the image. */
static void image_urls(const struct imagespec *s, const struct image_opts *o, const char *arch,
		       struct strlist *out)
{
	if (o->image_repos.n) {
		for (size_t i = 0; i < o->image_repos.n; i++)
			sl_push_own(out, imagespec_expand(o->image_repos.v[i], arch));
		return;
	}
	for (size_t i = 0; i < s->repos.n; i++)
		if (str_starts(s->repos.v[i].s, "https://") ||
		    str_starts(s->repos.v[i].s, "http://"))
			sl_push_own(out, imagespec_expand(s->repos.v[i].s, arch));
}

/* /etc/krill/keys/ (the keys that verified), /etc/krill/repositories. */
static int krill_config(int rootfd, struct arch_state *a, const struct strlist *urls)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < a->key_paths.n; i++) {
		char *data;
		size_t len;
		if (read_file(a->key_paths.v[i], &data, &len) < 0)
			return -1;
		char *rel = xasprintf("etc/krill/keys/%s", path_basename(a->key_paths.v[i]));
		rc = root_write(rootfd, rel, data, len, 0644);
		free(rel);
		free(data);
	}
	struct sb b = SB_INIT;
	sb_adds(&b, "# written by krill image: one repository URL per line\n");
	for (size_t i = 0; i < urls->n; i++)
		sb_printf(&b, "%s\n", urls->v[i]);
	if (rc == 0)
		rc = root_write(rootfd, "etc/krill/repositories", b.s, b.len, 0644);
	sb_free(&b);
	return rc;
}

/* The installed db pins each URL the packages came from to its repository
 * (mix-and-match protection, tools/doc/client.md). A pin of a URL the
 * image does not list - the build host's repository path, a source that
 * --image-repo replaces - means nothing inside the image, and would make
 * its bytes depend on where it was built (make repro: another checkout
 * path, another layer): only pins of the listed URLs are kept. */
static int prune_pins(struct arch_state *a, const struct strlist *urls)
{
	struct db db;
	if (db_open(&db, a->root, 0) < 0) {
		db_close(&db);
		return -1;
	}
	size_t k = 0, n = db.npins;
	for (size_t i = 0; i < n; i++) {
		if (sl_has(urls, db.pins[i].url)) {
			db.pins[k++] = db.pins[i];
			continue;
		}
		free(db.pins[i].url);
		free(db.pins[i].repo);
	}
	db.npins = k;
	int rc = k != n ? db_save(&db) : 0;
	db_close(&db);
	return rc;
}

/* Downloads leave ROOT/var/cache/krill; the image does not carry it. */
static int drop_cache(int rootfd, const char *root)
{
	struct stat st;
	if (fsr_lstat(rootfd, "var/cache/krill", &st) < 0 || !S_ISDIR(st.st_mode))
		return 0;
	char *p = path_join(root, "var/cache/krill");
	int rc = rm_rf(p);
	free(p);
	return rc;
}

static int complete_root(const struct imagespec *s, const struct image_opts *o,
			 struct arch_state *a)
{
	int rootfd = fsr_open_root(a->root);
	if (rootfd < 0)
		return -1;
	int rc = accounts(s, rootfd, a);
	if (rc == 0)
		rc = paths(s, rootfd, a);
	struct strlist urls = STRLIST_INIT;
	image_urls(s, o, a->arch, &urls);
	if (rc == 0)
		rc = krill_config(rootfd, a, &urls);
	if (rc == 0)
		rc = prune_pins(a, &urls);
	if (rc == 0)
		rc = drop_cache(rootfd, a->root);
	sl_free(&urls);
	fsr_close_root(rootfd);
	return rc;
}

/* ---- OCI objects ---- */

/* The packages' licenses joined with AND, each once, in sorted order. */
static char *licenses(const struct arch_state *a)
{
	struct strlist l = STRLIST_INIT;
	for (size_t i = 0; i < a->n; i++) {
		const char *x = a->infos[i].license;
		sl_push_own(&l, strchr(x, ' ') ? xasprintf("(%s)", x) : xstrdup(x));
	}
	sl_sort(&l);
	sl_uniq(&l);
	char *s = sl_join(&l, " AND ");
	sl_free(&l);
	return s;
}

static json_t *annotations(const struct imagespec *s, const struct image_opts *o,
			   const struct arch_state *a, int64_t sde)
{
	char created[21], version[32];
	oci_time(sde, created);
	snprintf(version, sizeof version, "%llu", (unsigned long long)a->index_version);
	char *lic = licenses(a);
	json_t *j = json_object();
	json_object_set_new(j, "org.opencontainers.image.created", json_string(created));
	json_object_set_new(j, "org.opencontainers.image.version", json_string(version));
	if (o->revision)
		json_object_set_new(j, "org.opencontainers.image.revision",
				    json_string(o->revision));
	if (o->source)
		json_object_set_new(j, "org.opencontainers.image.source", json_string(o->source));
	json_object_set_new(j, "org.opencontainers.image.licenses", json_string(lic));
	json_object_set_new(j, "org.opencontainers.image.title", json_string(s->name));
	if (s->description)
		json_object_set_new(j, "org.opencontainers.image.description",
				    json_string(s->description));
	json_object_set_new(j, "org.opencontainers.image.vendor", json_string("Krill"));
	for (size_t i = 0; i < s->nannotations; i++)
		json_object_set_new(j, s->annotations[i].key, json_string(s->annotations[i].value));
	free(lic);
	return j;
}

static const char *spec_label(const struct imagespec *s)
{
	return s->path[0] == '/' ? path_basename(s->path) : s->path;
}

static int put_text(const char *dir, char *text, const char *media, struct oci_desc *d)
{
	d->media_type = media;
	int rc = text ? oci_put_blob(dir, text, strlen(text), d) : -1;
	free(text);
	return rc;
}

/* One referrer: the document as its only layer, subject the manifest. An
 * in-toto statement names its predicate type in an annotation (on the
 * layer and the manifest, as Docker Scout writes them), which Trivy reads
 * to pick the VEX without fetching the others. out->annotations is the
 * manifest's, as the referrers API lists them: the caller's to free. */
static int put_referrer(const char *dir, char *doc, const char *type, const char *predicate,
			const struct oci_desc *subj, const char *created, struct oci_desc *out)
{
	struct oci_desc empty = {0}, blob = {0};
	json_t *pt = predicate ? json_pack("{s:s}", "in-toto.io/predicate-type", predicate) : NULL;
	blob.annotations = pt;
	int rc = doc ? oci_put_empty(dir, &empty) : -1;
	if (rc < 0)
		free(doc);
	else
		rc = put_text(dir, doc, type, &blob);
	if (rc < 0) {
		json_decref(pt);
		return -1;
	}
	struct oci_desc subject = *subj;
	subject.arch = subject.variant = NULL;
	subject.annotations = NULL;
	json_t *ann = json_pack("{s:s}", "org.opencontainers.image.created", created);
	if (pt)
		json_object_update(ann, pt);
	char *m = oci_manifest_json(&empty, &blob, 1, type, &subject, ann);
	*out = (struct oci_desc){OCI_MANIFEST, "", 0, type, NULL, NULL, ann};
	json_decref(pt);
	return put_text(dir, m, OCI_MANIFEST, out);
}

/* The image's VEX (imgvex.h), when a feed says something of its packages. */
static int put_vex(const struct imagespec *s, const struct arch_state *a, const char *layout,
		   int64_t sde, const char *created, struct oci_desc *refs, size_t *nrefs)
{
	struct imgvex_feed *vf = xcalloc(a->vex.n + 1, sizeof *vf);
	for (size_t i = 0; i < a->vex.n; i++)
		vf[i] = (struct imgvex_feed){a->vex.v[i], strlen(a->vex.v[i]), a->vex_src.v[i]};
	struct imgvex_input in = {s->name, a->arch, a->manifest.digest + 7, sde, a->infos, a->n,
				  vf,	   a->vex.n};
	char *doc = NULL;
	int rc = imgvex_statement(&in, &doc);
	if (rc == 0 && doc)
		rc = put_referrer(layout, doc, INTOTO_MEDIA, IMGVEX_PREDICATE, &a->manifest,
				  created, &refs[(*nrefs)++]);
	free(vf);
	return rc;
}

static int write_arch(const struct imagespec *s, const struct image_opts *o, struct arch_state *a,
		      const char *layout, int64_t sde, struct oci_desc *refs, size_t *nrefs)
{
	/* layer */
	char *tmp = xasprintf("%s/layer.tmp", layout);
	struct layer_opts lo = {o->comp, sde, a->ov, a->nov};
	struct pkgtar_result res;
	struct oci_desc layer = {o->comp == PKGTAR_ZSTD ? OCI_LAYER_ZSTD : OCI_LAYER_GZIP,
				 "",
				 0,
				 NULL,
				 NULL,
				 NULL,
				 NULL};
	int rc = layer_write(a->root, tmp, &lo, &res);
	if (rc == 0)
		rc = oci_put_file(layout, tmp, res.sha256, res.size, &layer);
	free(tmp);
	if (rc < 0)
		return -1;
	/* config */
	struct strlist env = STRLIST_INIT, names = STRLIST_INIT;
	for (size_t i = 0; i < s->nenv; i++)
		sl_push_own(&env, xasprintf("%s=%s", s->env[i].key, s->env[i].value));
	for (size_t i = 0; i < a->n; i++)
		sl_push(&names, a->infos[i].name);
	sl_sort(&names);
	char *comment = sl_join(&names, " "), *diff_id = xasprintf("sha256:%s", res.tar_sha256);
	char *by = xasprintf("krill image %s", spec_label(s));
	json_t *ann = annotations(s, o, a, sde);
	struct oci_config c = {a->oarch, a->variant,  sde, s->run_as.s, &env, &s->entrypoint,
			       &s->cmd,	 s->work_dir, ann, diff_id,	by,   comment};
	struct oci_desc config = {0};
	rc = put_text(layout, oci_config_json(&c), OCI_CONFIG, &config);
	/* manifest */
	a->manifest = (struct oci_desc){OCI_MANIFEST, "", 0, NULL, a->oarch, a->variant, NULL};
	if (rc == 0)
		rc = put_text(layout, oci_manifest_json(&config, &layer, 1, NULL, NULL, ann),
			      OCI_MANIFEST, &a->manifest);
	json_decref(ann);
	sl_free(&env);
	sl_free(&names);
	free(comment);
	free(diff_id);
	free(by);
	if (rc < 0)
		return -1;
	/* SBOM and provenance, as referrers of the manifest */
	struct imgsbom_pkg *pk = xcalloc(a->n + 1, sizeof *pk);
	for (size_t i = 0; i < a->n; i++)
		pk[i] = (struct imgsbom_pkg){&a->infos[i], a->sha256[i], a->size[i], a->sbom[i],
					     a->sbom_len[i]};
	struct imgsbom_input in = {
		s->name,	   a->arch,	 spec_label(s), s->sha256, a->index_sha256,
		a->index_version,  a->repo_name, sde,		pk,	   a->n,
		a->manifest.digest};
	char created[21];
	oci_time(sde, created);
	rc = put_referrer(layout, imgsbom_spdx(&in), SPDX_MEDIA, NULL, &a->manifest, created,
			  &refs[(*nrefs)++]);
	if (rc == 0)
		rc = put_referrer(layout, imgsbom_provenance(&in), INTOTO_MEDIA, SLSA_PREDICATE,
				  &a->manifest, created, &refs[(*nrefs)++]);
	free(pk);
	if (rc == 0)
		rc = put_vex(s, a, layout, sde, created, refs, nrefs);
	return rc;
}

/* Swap the new layout dir in (one renameat2 exchange when OUT exists),
 * then the tar. */
static int publish(const char *tmpdir, const char *out, const char *tmptar, const char *tar)
{
	if (path_exists(out)) {
		if (renameat2(AT_FDCWD, tmpdir, AT_FDCWD, out, RENAME_EXCHANGE) < 0) {
			kr_err("%s: cannot switch to the new layout: %s", out, strerror(errno));
			return -1;
		}
		rm_rf(tmpdir); /* now the old layout */
	} else if (rename(tmpdir, out) < 0) {
		kr_err("%s: cannot rename into place: %s", out, strerror(errno));
		return -1;
	}
	if (rename(tmptar, tar) < 0) {
		kr_err("%s: cannot rename into place: %s", tar, strerror(errno));
		return -1;
	}
	char *d = path_dirname(out);
	fsync_dir(d);
	free(d);
	return 0;
}

/* A spec's repository: a relative path is relative to the spec's folder. */
static char *spec_repo(const struct imagespec *s, const char *repo, const char *arch)
{
	char *r = imagespec_expand(repo, arch);
	if (strstr(r, "://") || r[0] == '/')
		return r;
	char *d = path_dirname(s->path), *p = path_join(d, r);
	free(d);
	free(r);
	return p;
}

int image_build(const struct imagespec *s, const struct image_opts *o)
{
	umask(022); /* modes of what is made here are part of the layer */
	for (size_t i = 0; i < o->archs.n; i++)
		if (!imagespec_has_arch(s, o->archs.v[i])) {
			kr_err("%s: arch %s is not in the spec's archs, expected one it lists",
			       s->path, o->archs.v[i]);
			return -1;
		}
	if (!o->repos.n && !s->repos.n) {
		kr_err("%s: no repositories: give --repo URL or list contents.repositories",
		       s->path);
		return -1;
	}
	char *dir = path_dirname(o->out);
	const char *base = path_basename(o->out);
	long pid = (long)getpid();
	char *layout = xasprintf("%s/.%s.tmp-%ld", dir, base, pid);
	char *work = xasprintf("%s/.%s.work-%ld", dir, base, pid);
	char *tar = xasprintf("%s.oci.tar", o->out);
	char *tmptar = xasprintf("%s/.%s.oci.tar.tmp-%ld", dir, base, pid);
	size_t na = o->archs.n;
	struct arch_state *as = xcalloc(na, sizeof *as);
	struct oci_desc *refs = xcalloc(3 * na + 1, sizeof *refs); /* SBOM, provenance, VEX */
	size_t nrefs = 0;
	int rc = mkdir_p(dir, 0755);
	if (rc == 0)
		rc = mkdir_p(layout, 0755) < 0 || mkdir_p(work, 0755) < 0 ? -1 : 0;
	for (size_t i = 0; rc == 0 && i < na; i++) {
		struct arch_state *a = &as[i];
		a->arch = o->archs.v[i];
		if ((rc = oci_platform(a->arch, &a->oarch, &a->variant)) < 0)
			break;
		a->root = xasprintf("%s/%s/root", work, a->arch);
		struct strlist repos = STRLIST_INIT;
		if (o->repos.n)
			for (size_t k = 0; k < o->repos.n; k++)
				sl_push_own(&repos, imagespec_expand(o->repos.v[k], a->arch));
		else
			for (size_t k = 0; k < s->repos.n; k++)
				sl_push_own(&repos, spec_repo(s, s->repos.v[k].s, a->arch));
		char *awork = xasprintf("%s/%s", work, a->arch);
		rc = mkdir_p(awork, 0755);
		if (rc == 0)
			rc = install(s, o, a, awork, &repos);
		if (rc == 0)
			rc = check_keyring(s, a);
		if (rc == 0)
			rc = complete_root(s, o, a);
		free(awork);
		sl_free(&repos);
	}
	/* SOURCE_DATE_EPOCH by default: the newest file of any package */
	int64_t sde = o->sde;
	for (size_t i = 0; o->sde < 0 && i < na; i++)
		if (as[i].newest > sde)
			sde = as[i].newest;
	if (sde < 0)
		sde = 0;
	for (size_t i = 0; rc == 0 && i < na; i++)
		rc = write_arch(s, o, &as[i], layout, sde, refs, &nrefs);
	if (rc == 0) {
		/* the image index: each arch's manifest (with its platform), then
		 * the referrers unless they go into index.json (beside the image
		 * index, untagged); index.json: the image index under the tag */
		size_t nin = o->refs_in_layout ? 0 : nrefs;
		struct oci_desc *m = xcalloc(na + nrefs + 1, sizeof *m);
		for (size_t i = 0; i < na; i++)
			m[i] = as[i].manifest;
		for (size_t i = 0; i < nrefs; i++)
			m[na + i] = refs[i];
		json_t *ann = annotations(s, o, &as[0], sde);
		struct oci_desc *top = xcalloc(nrefs + 1, sizeof *top);
		top[0] = (struct oci_desc){OCI_INDEX, "", 0, NULL, NULL, NULL, NULL};
		rc = put_text(layout, oci_index_json(m, na + nin, ann), OCI_INDEX, &top[0]);
		json_t *ref = json_pack("{s:s}", OCI_REF_NAME, o->tag);
		top[0].annotations = ref;
		for (size_t i = 0; i < nrefs - nin; i++)
			top[1 + i] = refs[i];
		if (rc == 0)
			rc = oci_write_layout(layout, top, 1 + nrefs - nin);
		json_decref(ann);
		json_decref(ref);
		free(top);
		free(m);
	}
	if (rc == 0)
		rc = oci_tar_layout(layout, tmptar, sde);
	if (rc == 0)
		rc = publish(layout, o->out, tmptar, tar);
	if (rc < 0) {
		char *m = xstrdup(kr_errmsg());
		rm_rf(layout);
		unlink(tmptar);
		kr_err("%s", m);
		free(m);
	}
	rm_rf(work);
	for (size_t i = 0; i < na; i++)
		arch_free(&as[i]);
	for (size_t i = 0; i < nrefs; i++)
		json_decref(refs[i].annotations);
	free(as);
	free(refs);
	free(dir);
	free(layout);
	free(work);
	free(tar);
	free(tmptar);
	return rc;
}
