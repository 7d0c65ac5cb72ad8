/* client.c - see client.h */
#include "client.h"

#include "dep.h"
#include "fsroot.h"
#include "install.h"
#include "solver.h"
#include "version.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int client_parse_repositories_tagged(const char *data, size_t len, const char *src,
				     struct strlist *urls, struct strlist *tags)
{
	(void)len;
	struct strlist lines = STRLIST_INIT;
	sl_split(&lines, data, "\n");
	int r = 0;
	for (size_t i = 0; i < lines.n && r == 0; i++) {
		char *l = lines.v[i];
		l[strcspn(l, "#")] = 0;
		l += strspn(l, " \t\r");
		size_t n = strlen(l);
		while (n && strchr(" \t\r", l[n - 1]))
			l[--n] = 0;
		if (!n)
			continue;
		const char *tag = "";
		if (l[0] == '@') { /* "@TAG URL": apk's tagged repository */
			size_t tl = strcspn(l, " \t");
			l[tl] = 0;
			tag = l + 1;
			l += tl + 1;
			l += strspn(l, " \t");
			if (!valid_pkgname(tag) || !*l) {
				kr_err("%s: '@%s': expected '@TAG URL' with TAG like a package "
				       "name",
				       src, tag);
				r = -1;
				break;
			}
		}
		if (strpbrk(l, " \t")) {
			kr_err("%s: '%s': expected one repository URL or path per line", src, l);
			r = -1;
			break;
		}
		sl_push(urls, l);
		if (tags)
			sl_push(tags, tag);
	}
	sl_free(&lines);
	return r;
}

int client_parse_repositories(const char *data, size_t len, const char *src, struct strlist *urls)
{
	return client_parse_repositories_tagged(data, len, src, urls, NULL);
}

static int load_config(struct client_opts *o)
{
	if (!o->keys)
		o->keys = path_join(o->root, "etc/krill/keys");
	if (o->repos.n) {
		for (size_t i = o->tags.n; i < o->repos.n; i++)
			sl_push(&o->tags, "");
		return 0;
	}
	char *file = path_join(o->root, "etc/krill/repositories");
	int r = 0;
	if (path_exists(file)) {
		char *data;
		size_t len;
		r = read_file(file, &data, &len);
		if (r == 0) {
			r = client_parse_repositories_tagged(data, len, file, &o->repos, &o->tags);
			free(data);
		}
	}
	free(file);
	return r;
}

int client_parse(int argc, char **argv, int list_opts, struct client_opts *o)
{
	static const struct option opts[] = {
		{"root", required_argument, NULL, 'r'},	   {"repo", required_argument, NULL, 'X'},
		{"keys", required_argument, NULL, 'k'},	   {"no-cache", no_argument, NULL, 'n'},
		{"installed", no_argument, NULL, 'I'},	   {"quiet", no_argument, NULL, 'q'},
		{"upgrade", no_argument, NULL, 'u'},	   {"latest", no_argument, NULL, 'l'},
		{"available", no_argument, NULL, 'a'},	   {"initdb", no_argument, NULL, 'i'},
		{"virtual", required_argument, NULL, 't'}, {"feeds", no_argument, NULL, 'F'},
		{"durable", no_argument, NULL, 'D'},	   {NULL, 0, NULL, 0},
	};
	memset(o, 0, sizeof *o);
	const char *dur = getenv("KRILL_DURABLE");
	o->durable = dur && !strcmp(dur, "1");
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "p:X:qIulat:", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
		case 'p': /* apk's -p/--root */
			free(o->root);
			o->root = xstrdup(optarg);
			break;
		case 'X':
			sl_push(&o->repos, optarg);
			o->repos_given = 1;
			break;
		case 'k':
			free(o->keys);
			o->keys = xstrdup(optarg);
			o->keys_given = 1;
			break;
		case 'u': o->upgrade = 1; break;
		case 'l': o->latest = 1; break;
		case 'a': o->available = 1; break;
		case 'i': o->initdb = 1; break;
		case 't':
			if (!valid_virtual_name(optarg) && !valid_pkgname(optarg)) {
				kr_err("--virtual '%s': expected a package name, usually starting "
				       "with '.' (.build-deps)",
				       optarg);
				return -1;
			}
			free(o->virt);
			o->virt = xstrdup(optarg);
			break;
		case 'n': o->no_cache = 1; break;
		case 'q': o->quiet = 1; break;
		case 'F': o->feeds = 1; break;
		case 'D': o->durable = 1; break;
		case 'I':
			if (list_opts) {
				o->installed = 1;
				break;
			}
			/* fall through */
		default: kr_err("unknown option '%s'", argv[optind - 1]); return -1;
		}
	}
	if (!o->root)
		o->root = xstrdup("/");
	if (load_config(o) < 0)
		return -1;
	return optind;
}

void client_opts_free(struct client_opts *o)
{
	free(o->root);
	free(o->keys);
	free(o->virt);
	sl_free(&o->repos);
	sl_free(&o->tags);
	memset(o, 0, sizeof *o);
}

/* A real directory (not a symlink to one) */
static int plain_dir(const char *p)
{
	struct stat st;
	return lstat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* What an earlier run killed mid-download left in the cache (we hold the
 * root's lock, so no other run is using it): temp dirs, index downloads,
 * partial package files (NAME/ARCH/FILE.part). Nothing partial survives
 * into the next run. */
static void sweep_cache(const char *cachedir)
{
	struct strlist top = STRLIST_INIT;
	list_dir(cachedir, &top);
	for (size_t i = 0; i < top.n; i++) {
		char *p = path_join(cachedir, top.v[i]);
		struct strlist arches = STRLIST_INIT;
		if (str_starts(top.v[i], ".tmp-") || str_starts(top.v[i], ".fetch-"))
			rm_rf(p);
		else if (plain_dir(p))
			list_dir(p, &arches);
		for (size_t a = 0; a < arches.n; a++) {
			char *d = path_join(p, arches.v[a]);
			struct strlist files = STRLIST_INIT;
			if (plain_dir(d))
				list_dir(d, &files);
			for (size_t f = 0; f < files.n; f++)
				if (str_ends(files.v[f], ".part")) {
					char *fp = path_join(d, files.v[f]);
					unlink(fp);
					free(fp);
				}
			sl_free(&files);
			free(d);
		}
		sl_free(&arches);
		free(p);
	}
	sl_free(&top);
}

int client_open(struct client *c, const struct client_opts *o, int repos)
{
	memset(c, 0, sizeof *c);
	c->db.lockfd = -1; /* client_close is safe before db_open */
	if (repos && !o->repos.n) {
		kr_err("no repositories: give --repo URL or list them in "
		       "%s/etc/krill/repositories",
		       strcmp(o->root, "/") ? o->root : "");
		return -1;
	}
	/* add/update may start from nothing: an image or sysroot being made */
	if (repos && mkdir_p(o->root, 0755) < 0)
		return -1;
	if (db_open(&c->db, o->root, o->durable) < 0)
		return -1;
	c->root = xstrdup(o->root);
	c->tags = &o->tags;
	if (!repos)
		return 0;
	c->cachedir = path_join(o->root, "var/cache/krill");
	if (mkdir_p(c->cachedir, 0755) < 0)
		return -1;
	sweep_cache(c->cachedir);
	/* with --no-cache only: everything else goes to the cache itself */
	char *tmpl = o->no_cache ? path_join(c->cachedir, ".tmp-XXXXXX") : NULL;
	if (tmpl && !mkdtemp(tmpl)) {
		kr_err("%s: cannot create a temp dir: %s", tmpl, strerror(errno));
		free(tmpl);
		return -1;
	}
	c->tmpdir = tmpl;
	c->repos = xcalloc(o->repos.n, sizeof *c->repos);
	for (size_t i = 0; i < o->repos.n; i++) {
		if (remote_open(&c->repos[i], o->repos.v[i], o->keys, &c->db,
				o->no_cache ? c->tmpdir : c->cachedir, o->no_cache) < 0)
			return -1;
		c->nrepos++;
	}
	c->unsaved = 1; /* the versions accepted: saved by client_close */
	return 0;
}

int client_close(struct client *c)
{
	/* One sync for the transaction's renames and what the verb wrote
	 * after it (db_done); a transaction that committed wrote the index
	 * versions with the packages. */
	int r = db_done(&c->db);
	if (c->unsaved && db_save(&c->db) < 0)
		r = -1;
	for (size_t i = 0; i < c->nrepos; i++)
		remote_free(&c->repos[i]);
	free(c->repos);
	if (c->tmpdir)
		rm_rf(c->tmpdir);
	free(c->tmpdir);
	free(c->cachedir);
	free(c->root);
	db_close(&c->db);
	memset(c, 0, sizeof *c);
	return r;
}

const struct pkginfo **client_available(const struct client *c, size_t *n)
{
	size_t total = 0;
	for (size_t i = 0; i < c->nrepos; i++)
		total += c->repos[i].n;
	const struct pkginfo **v = xcalloc(total + 1, sizeof *v);
	*n = 0;
	for (size_t i = 0; i < c->nrepos; i++)
		for (size_t k = 0; k < c->repos[i].n; k++)
			v[(*n)++] = &c->repos[i].pkgs[k];
	return v;
}

const struct remote *client_repo_of(const struct client *c, const struct pkginfo *p)
{
	for (size_t i = 0; i < c->nrepos; i++)
		if (p >= c->repos[i].pkgs && p < c->repos[i].pkgs + c->repos[i].n)
			return &c->repos[i];
	return NULL;
}

/* A local repository's packages are read into memory (checked on the bytes
 * read, nothing copied into the cache) up to this much in one transaction;
 * beyond it, and when a hook needs the files, they are fetched as files. */
#define LOCAL_INMEM_MAX (32u << 20)

/* The n packages for install_pkgs: items[i] over paths[i] (its file, or
 * its name when mem[i] holds its bytes); all owned by the arrays. */
static int fetch_items(const struct client *c, const struct pkginfo *const *v, size_t n,
		       const char *dir, int want_files, struct install_item *items, char **paths,
		       char **mem)
{
	uint64_t inmem = 0;
	for (size_t i = 0; i < n; i++) {
		const struct remote *r = client_repo_of(c, v[i]);
		size_t len = 0;
		int rc = 1;
		if (!want_files && inmem + v[i]->size <= LOCAL_INMEM_MAX)
			rc = remote_read_pkg(r, v[i], &mem[i], &len, &paths[i]);
		if (rc < 0)
			return -1;
		if (rc == 0)
			inmem += len;
		else if (!(paths[i] = remote_fetch_pkg(r, v[i], dir)))
			return -1;
		items[i] = (struct install_item){paths[i], v[i]->sha256, v[i]->size, v[i], 1,
						 mem[i], len};
	}
	return 0;
}

static void free_items(char **paths, char **mem, size_t n, int no_cache)
{
	for (size_t i = 0; i < n; i++) {
		if (paths[i] && !mem[i] && no_cache)
			remove(paths[i]);
		free(paths[i]);
		free(mem[i]);
	}
	free(paths);
	free(mem);
}

int client_add(struct client *c, const struct strlist *names, int no_cache,
	       const struct client_add_hooks *h)
{
	size_t navail, ninst = c->db.n;
	const struct pkginfo **avail = client_available(c, &navail);
	const struct pkginfo **inst = xcalloc(ninst + 1, sizeof *inst);
	for (size_t i = 0; i < ninst; i++)
		inst[i] = &c->db.pkgs[i].info;
	struct solution sol;
	int r = solve(avail, navail, inst, ninst, names, &sol);
	struct install_item *items = xcalloc(sol.n + 1, sizeof *items);
	char **paths = xcalloc(sol.n + 1, sizeof *paths), **mem = xcalloc(sol.n + 1, sizeof *mem);
	if (r == 0)
		r = fetch_items(c, (const struct pkginfo *const *)sol.v, sol.n,
				no_cache ? c->tmpdir : c->cachedir, h && h->installed, items, paths,
				mem);
	struct install_opts io = {h ? h->progress : NULL, h ? h->ctx : NULL, NULL, NULL, 1};
	c->add_count = r == 0 ? sol.n : 0;
	if (r == 0 && sol.n && (r = install_pkgs(&c->db, items, sol.n, &io)) == 0)
		c->unsaved = 0; /* the transaction wrote the index versions too */
	for (size_t i = 0; r == 0 && h && h->installed && i < sol.n; i++)
		r = h->installed(h->ctx, sol.v[i], client_repo_of(c, sol.v[i]), paths[i]);
	free_items(paths, mem, sol.n, no_cache);
	free(items);
	solution_free(&sol);
	free(inst);
	free(avail);
	return r;
}

void client_discard(struct client *c)
{
	c->unsaved = 0;
}

/* ---- the world ---- */

static char *world_path(const struct client *c)
{
	return path_join(c->root, "etc/krill/world");
}

int client_world_load(const struct client *c, struct strlist *world)
{
	char *file = world_path(c);
	int r = 0;
	if (path_exists(file)) {
		char *data;
		size_t len;
		r = read_file(file, &data, &len);
		if (r == 0) {
			struct strlist e = STRLIST_INIT;
			sl_split(&e, data, " \t\n");
			for (size_t i = 0; i < e.n && r == 0; i++) {
				if (!*e.v[i])
					continue;
				struct world_dep w;
				if (world_dep_parse(e.v[i], &w) < 0) {
					kr_err_prefix("%s", file);
					r = -1;
					break;
				}
				world_dep_free(&w);
				sl_push(world, e.v[i]);
			}
			sl_free(&e);
			free(data);
		}
	} else {
		/* a root from before the world file: everything installed */
		for (size_t i = 0; i < c->db.n; i++)
			sl_push(world, c->db.pkgs[i].info.name);
	}
	free(file);
	sl_sort(world);
	sl_uniq(world);
	return r;
}

int client_world_save(const struct client *c, const struct strlist *world)
{
	struct strlist w = STRLIST_INIT;
	for (size_t i = 0; i < world->n; i++)
		sl_push(&w, world->v[i]);
	sl_sort(&w);
	sl_uniq(&w);
	struct sb out = SB_INIT;
	for (size_t i = 0; i < w.n; i++)
		sb_printf(&out, "%s\n", w.v[i]);
	char *file = world_path(c), *dir = path_dirname(file);
	int r = mkdir_p(dir, 0755);
	char *old = NULL;
	size_t oldlen = 0;
	/* unchanged: not rewritten (a no-op verb leaves the root as it was) */
	if (r == 0 && path_exists(file) && read_file(file, &old, &oldlen) == 0 &&
	    oldlen == out.len && !memcmp(old, sb_str(&out), oldlen))
		;
	else if (r == 0) /* durable with the transaction's last sync, if any */
		r = (c->db.done_pending || !c->db.durable
			     ? write_file_replace
			     : write_file_atomic)(file, sb_str(&out), out.len, 0644);
	free(old);
	free(dir);
	free(file);
	sb_free(&out);
	sl_free(&w);
	return r;
}

static int same_world_name(const char *entry, const char *name)
{
	struct world_dep w;
	if (world_dep_parse(entry, &w) < 0)
		return 0;
	int same = !strcmp(w.name, name);
	world_dep_free(&w);
	return same;
}

size_t client_world_drop(struct strlist *world, const char *name)
{
	size_t k = 0, dropped = 0;
	for (size_t i = 0; i < world->n; i++) {
		if (same_world_name(world->v[i], name)) {
			free(world->v[i]);
			dropped++;
		} else
			world->v[k++] = world->v[i];
	}
	world->n = k;
	return dropped;
}

int client_world_set(struct strlist *world, const char *entry)
{
	struct world_dep w;
	if (world_dep_parse(entry, &w) < 0)
		return -1;
	client_world_drop(world, w.name);
	world_dep_free(&w);
	sl_push(world, entry);
	sl_sort(world);
	return 0;
}

static int same_pkginfo(const struct pkginfo *a, const struct pkginfo *b)
{
	return !strcmp(a->name, b->name) && !strcmp(a->version, b->version);
}

static void copy_list(struct strlist *to, const struct strlist *from)
{
	for (size_t i = 0; i < from->n; i++)
		sl_push(to, from->v[i]);
}

/* Why a package that was to go stays: who needs it. */
static void explain_stays(const struct solution *t, const struct pkginfo *p)
{
	for (size_t i = 0; i < t->n; i++)
		for (size_t d = 0; d < t->v[i]->depends.n; d++)
			if (t->v[i] != p && dep_satisfied_by(t->v[i]->depends.v[d], p->name,
							     p->version, &p->provides) == 1) {
				kr_err("cannot remove %s: %s depends on it (%s)", p->name,
				       t->v[i]->name, t->v[i]->depends.v[d]);
				return;
			}
	kr_err("cannot remove %s: the world still asks for it", p->name);
}

int client_apply(struct client *c, const struct client_plan_opts *po, int no_cache,
		 const struct client_add_hooks *h)
{
	size_t navail, ninst = 0;
	const struct pkginfo **avail = client_available(c, &navail);
	const char **tags = xcalloc(navail + 1, sizeof *tags);
	for (size_t i = 0, k = 0; i < c->nrepos; i++)
		for (size_t j = 0; j < c->repos[i].n; j++, k++)
			tags[k] = c->tags && i < c->tags->n ? c->tags->v[i] : "";
	const struct pkginfo **inst = xcalloc(c->db.n + 2, sizeof *inst);
	for (size_t i = 0; i < c->db.n; i++)
		if (!po->virt || strcmp(c->db.pkgs[i].info.name, po->virt->name))
			inst[ninst++] = &c->db.pkgs[i].info;
	if (po->virt)
		inst[ninst++] = po->virt;
	struct solve_req r = {avail,
			      navail,
			      tags,
			      inst,
			      ninst,
			      po->world,
			      po->upgrade_all,
			      po->upgrade,
			      po->upgrade_deps,
			      po->latest,
			      po->available,
			      1};
	struct solution t;
	int rc = solve_world(&r, &t);
	struct strlist rm = STRLIST_INIT;
	const struct pkginfo **add = xcalloc(t.n + 1, sizeof *add);
	size_t nadd = 0;
	int virt_new = 0;
	for (size_t i = 0; rc == 0 && i < t.n; i++) {
		if (po->virt && t.v[i] == po->virt) {
			struct db_pkg *old = db_find(&c->db, po->virt->name);
			virt_new = 1;
			if (old && same_pkginfo(&old->info, po->virt) &&
			    old->info.depends.n == po->virt->depends.n) {
				virt_new = 0;
				for (size_t d = 0; d < po->virt->depends.n; d++)
					if (!sl_has(&old->info.depends, po->virt->depends.v[d]))
						virt_new = 1;
			}
			continue;
		}
		if (!client_repo_of(c, t.v[i]))
			continue; /* installed, kept */
		struct db_pkg *old = db_find(&c->db, t.v[i]->name);
		if (old && same_pkginfo(&old->info, t.v[i]))
			continue;
		add[nadd++] = t.v[i];
	}
	for (size_t i = 0; rc == 0 && i < c->db.n; i++) {
		int stays = 0;
		for (size_t k = 0; k < t.n && !stays; k++)
			stays = !strcmp(t.v[k]->name, c->db.pkgs[i].info.name);
		if (!stays)
			sl_push(&rm, c->db.pkgs[i].info.name);
		else if (po->must_go && sl_has(po->must_go, c->db.pkgs[i].info.name)) {
			explain_stays(&t, &c->db.pkgs[i].info);
			rc = -1;
		}
	}
	struct install_item *items = xcalloc(nadd + 1, sizeof *items);
	char **paths = xcalloc(nadd + 1, sizeof *paths), **mem = xcalloc(nadd + 1, sizeof *mem);
	if (rc == 0)
		rc = fetch_items(c, add, nadd, no_cache ? c->tmpdir : c->cachedir,
				 h && h->installed, items, paths, mem);
	c->add_count = c->del_count = 0;
	if (rc == 0 && (nadd || rm.n || virt_new)) {
		for (size_t i = 0; po->removing && i < rm.n; i++)
			po->removing(h ? h->ctx : NULL, i + 1, rm.n,
				     &db_find(&c->db, rm.v[i])->info);
		struct sb snap = SB_INIT;
		db_snapshot(&c->db, &snap);
		if (virt_new) {
			struct db_pkg v = {0};
			struct pkginfo *vi = &v.info;
			vi->name = xstrdup(po->virt->name);
			vi->version = xstrdup(po->virt->version);
			vi->arch = xstrdup(po->virt->arch);
			vi->origin = xstrdup(po->virt->origin);
			vi->summary = xstrdup(po->virt->summary);
			vi->license = xstrdup(po->virt->license);
			copy_list(&vi->depends, &po->virt->depends);
			db_put(&c->db, &v);
		}
		struct install_opts io = {h ? h->progress : NULL, h ? h->ctx : NULL, &rm, po->kept,
					  1};
		rc = install_pkgs(&c->db, items, nadd, &io);
		if (rc < 0) {
			char *msg = xstrdup(kr_errmsg());
			db_restore(&c->db, &snap);
			kr_err("%s", msg);
			free(msg);
		} else {
			c->unsaved = 0; /* the transaction wrote the index versions too */
			c->add_count = nadd;
			c->del_count = rm.n;
		}
		sb_free(&snap);
	}
	for (size_t i = 0; rc == 0 && h && h->installed && i < nadd; i++)
		rc = h->installed(h->ctx, add[i], client_repo_of(c, add[i]), paths[i]);
	free_items(paths, mem, nadd, no_cache);
	free(items);
	free(add);
	sl_free(&rm);
	solution_free(&t);
	free(inst);
	free(tags);
	free(avail);
	return rc;
}

int client_persist_config(const struct client_opts *o, int durable)
{
	int (*write)(const char *, const void *, size_t, mode_t) =
		durable ? write_file_atomic : write_file_replace;
	char *conf = path_join(o->root, "etc/krill"), *repos = path_join(conf, "repositories"),
	     *keys = path_join(conf, "keys");
	int r = 0;
	if ((o->repos_given || o->initdb) && !path_exists(repos)) {
		struct sb out = SB_INIT;
		for (size_t i = 0; i < o->repos.n; i++) {
			if (i < o->tags.n && *o->tags.v[i])
				sb_printf(&out, "@%s ", o->tags.v[i]);
			sb_printf(&out, "%s\n", o->repos.v[i]);
		}
		r = mkdir_p(conf, 0755);
		if (r == 0)
			r = write(repos, sb_str(&out), out.len, 0644);
		sb_free(&out);
	}
	struct strlist have = STRLIST_INIT;
	if (is_dir(keys))
		list_dir(keys, &have);
	if (r == 0 && (o->keys_given || o->initdb) && !have.n && strcmp(o->keys, keys)) {
		struct strlist src = STRLIST_INIT;
		list_dir(o->keys, &src);
		r = mkdir_p(keys, 0755);
		for (size_t i = 0; i < src.n && r == 0; i++) {
			if (!str_ends(src.v[i], ".pub"))
				continue;
			char *from = path_join(o->keys, src.v[i]), *to = path_join(keys, src.v[i]);
			char *data;
			size_t len;
			struct stat st;
			if (stat(from, &st) < 0) {
				kr_err("%s: %s", from, strerror(errno));
				r = -1;
			} else {
				r = read_file(from, &data, &len);
			}
			if (r == 0) {
				r = write(to, data, len, st.st_mode & 07777);
				free(data);
			}
			free(from);
			free(to);
		}
		sl_free(&src);
	} else if (r == 0 && o->initdb)
		r = mkdir_p(keys, 0755);
	sl_free(&have);
	char *world = path_join(conf, "world");
	if (r == 0 && o->initdb && !path_exists(world)) {
		r = mkdir_p(conf, 0755);
		if (r == 0)
			r = write(world, "", 0, 0644);
	}
	free(world);
	free(conf);
	free(repos);
	free(keys);
	return r;
}

int client_audit(struct client *c, struct strlist *lines, struct strlist *pkgs)
{
	int rootfd = fsr_open_root(c->db.root);
	if (rootfd < 0)
		return -1;
	for (size_t i = 0; i < c->db.n; i++) {
		const struct db_pkg *p = &c->db.pkgs[i];
		int bad = 0;
		for (size_t f = 0; f < p->nfiles; f++) {
			const struct db_file *df = &p->files[f];
			struct stat st;
			const char *what = NULL;
			if (df->type == 'D')
				continue;
			if (fsr_lstat(rootfd, df->path, &st) < 0)
				what = "X";
			else if (df->type == 'L')
				what = S_ISLNK(st.st_mode) ? NULL : "U";
			else {
				char sha[SHA256_HEX_LEN + 1];
				if (!S_ISREG(st.st_mode) || fsr_sha256(rootfd, df->path, sha) < 0 ||
				    strcmp(sha, df->sha256))
					what = "U";
			}
			if (what) {
				char *l = xasprintf("%s /%s", what, df->path);
				sl_push_own(lines, l);
				bad = 1;
			}
		}
		if (bad)
			sl_push(pkgs, p->info.name);
	}
	fsr_close_root(rootfd);
	/* by path */
	for (size_t i = 1; i < lines->n; i++)
		for (size_t k = i; k > 0 && strcmp(lines->v[k - 1] + 2, lines->v[k] + 2) > 0; k--) {
			char *t = lines->v[k];
			lines->v[k] = lines->v[k - 1];
			lines->v[k - 1] = t;
		}
	sl_sort(pkgs);
	sl_uniq(pkgs);
	return 0;
}

int client_fix(struct client *c, const struct strlist *names, int no_cache,
	       const struct client_add_hooks *h)
{
	struct strlist todo = STRLIST_INIT, lines = STRLIST_INIT;
	int r = 0;
	if (names->n)
		for (size_t i = 0; i < names->n && r == 0; i++) {
			if (!db_find(&c->db, names->v[i])) {
				kr_err("%s: not installed", names->v[i]);
				r = -1;
			}
			sl_push(&todo, names->v[i]);
		}
	else
		r = client_audit(c, &lines, &todo);
	size_t navail;
	const struct pkginfo **avail = client_available(c, &navail);
	const struct pkginfo **pick = xcalloc(todo.n + 1, sizeof *pick);
	size_t n = 0;
	for (size_t i = 0; i < todo.n && r == 0; i++) {
		const struct pkginfo *have = &db_find(&c->db, todo.v[i])->info;
		const struct pkginfo *got = NULL;
		for (size_t k = 0; k < navail && !got; k++)
			if (same_pkginfo(avail[k], have))
				got = avail[k];
		if (!got && have->name[0] == '.')
			continue; /* a virtual package has no files */
		if (!got) {
			kr_err("%s %s: no repository offers this version any more (krill upgrade "
			       "%s installs the one offered)",
			       have->name, have->version, have->name);
			r = -1;
		}
		pick[n++] = got;
	}
	struct install_item *items = xcalloc(n + 1, sizeof *items);
	char **paths = xcalloc(n + 1, sizeof *paths), **mem = xcalloc(n + 1, sizeof *mem);
	if (r == 0)
		r = fetch_items(c, pick, n, no_cache ? c->tmpdir : c->cachedir, h && h->installed,
				items, paths, mem);
	c->add_count = 0;
	struct install_opts io = {h ? h->progress : NULL, h ? h->ctx : NULL, NULL, NULL, 1};
	if (r == 0 && n && (r = install_pkgs(&c->db, items, n, &io)) == 0) {
		c->unsaved = 0;
		c->add_count = n;
	}
	free_items(paths, mem, n, no_cache);
	free(items);
	free(pick);
	free(avail);
	sl_free(&todo);
	sl_free(&lines);
	return r;
}
