/* client.c - see client.h */
#include "client.h"

#include "install.h"
#include "solver.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int client_parse_repositories(const char *data, size_t len, const char *src, struct strlist *urls)
{
	(void)len;
	struct strlist lines = STRLIST_INIT;
	sl_split(&lines, data, "\n");
	for (size_t i = 0; i < lines.n; i++) {
		char *l = lines.v[i];
		l[strcspn(l, "#")] = 0;
		l += strspn(l, " \t\r");
		size_t n = strlen(l);
		while (n && strchr(" \t\r", l[n - 1]))
			l[--n] = 0;
		if (!n)
			continue;
		if (strpbrk(l, " \t")) {
			kr_err("%s: '%s': expected one repository URL or path per line", src, l);
			sl_free(&lines);
			return -1;
		}
		sl_push(urls, l);
	}
	sl_free(&lines);
	return 0;
}

static int load_config(struct client_opts *o)
{
	if (!o->keys)
		o->keys = path_join(o->root, "etc/krill/keys");
	if (o->repos.n)
		return 0;
	char *file = path_join(o->root, "etc/krill/repositories");
	int r = 0;
	if (path_exists(file)) {
		char *data;
		size_t len;
		r = read_file(file, &data, &len);
		if (r == 0) {
			r = client_parse_repositories(data, len, file, &o->repos);
			free(data);
		}
	}
	free(file);
	return r;
}

int client_parse(int argc, char **argv, int list_opts, struct client_opts *o)
{
	static const struct option opts[] = {
		{"root", required_argument, NULL, 'r'},
		{"repo", required_argument, NULL, 'X'},
		{"keys", required_argument, NULL, 'k'},
		{"no-cache", no_argument, NULL, 'n'},
		{"installed", no_argument, NULL, 'I'},
		{"quiet", no_argument, NULL, 'q'},
		{NULL, 0, NULL, 0},
	};
	memset(o, 0, sizeof *o);
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "p:X:qI", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
		case 'p': /* apk's -p/--root */
			free(o->root);
			o->root = xstrdup(optarg);
			break;
		case 'X': sl_push(&o->repos, optarg); break;
		case 'k':
			free(o->keys);
			o->keys = xstrdup(optarg);
			break;
		case 'n': o->no_cache = 1; break;
		case 'q': o->quiet = 1; break;
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
	sl_free(&o->repos);
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
	if (db_open(&c->db, o->root) < 0)
		return -1;
	if (!repos)
		return 0;
	c->cachedir = path_join(o->root, "var/cache/krill");
	if (mkdir_p(c->cachedir, 0755) < 0)
		return -1;
	sweep_cache(c->cachedir);
	char *tmpl = path_join(c->cachedir, ".tmp-XXXXXX");
	if (!mkdtemp(tmpl)) {
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
	/* A transaction that committed wrote the versions with the packages. */
	int r = c->unsaved ? db_save(&c->db) : 0;
	for (size_t i = 0; i < c->nrepos; i++)
		remote_free(&c->repos[i]);
	free(c->repos);
	if (c->tmpdir)
		rm_rf(c->tmpdir);
	free(c->tmpdir);
	free(c->cachedir);
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
	char **paths = xcalloc(sol.n + 1, sizeof *paths);
	const char *dir = no_cache ? c->tmpdir : c->cachedir;
	for (size_t i = 0; r == 0 && i < sol.n; i++) {
		paths[i] = remote_fetch_pkg(client_repo_of(c, sol.v[i]), sol.v[i], dir);
		items[i] =
			(struct install_item){paths[i], sol.v[i]->sha256, sol.v[i]->size, sol.v[i]};
		r = paths[i] ? 0 : -1;
	}
	struct install_opts io = {h ? h->progress : NULL, h ? h->ctx : NULL};
	c->add_count = r == 0 ? sol.n : 0;
	if (r == 0 && sol.n && (r = install_pkgs(&c->db, items, sol.n, &io)) == 0)
		c->unsaved = 0; /* the transaction wrote the index versions too */
	for (size_t i = 0; r == 0 && h && h->installed && i < sol.n; i++)
		r = h->installed(h->ctx, sol.v[i], client_repo_of(c, sol.v[i]), paths[i]);
	for (size_t i = 0; i < sol.n; i++) {
		if (paths[i] && no_cache)
			remove(paths[i]);
		free(paths[i]);
	}
	free(paths);
	free(items);
	solution_free(&sol);
	free(inst);
	free(avail);
	return r;
}
