/* cmd_info.c - `krill info`: what is installed, or what a package is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "version.h"
#include "verbs.h"

static int run(int argc, char **argv);

const struct verb verb_info = {
	"info",
	"show installed packages, or one package's metadata and files",
	"usage: krill info [--root DIR] [--repo URL|PATH]... [--keys DIR] [PKG...]\n"
	"\n"
	"Without PKG, prints the names of the installed packages, one per line.\n"
	"With PKG, prints each package's metadata stanza: the installed one followed\n"
	"by its files, or, when it is not installed, the newest one the verified\n"
	"repositories offer (repositories are only read in that case).\n"
	"\n"
	"Exit status: 0 ok, 1 a package is unknown or a repository failed, 2 usage.\n",
	run,
};

static void print_installed(const struct db_pkg *p)
{
	struct sb out = SB_INIT;
	pkginfo_write(&p->info, &out);
	fputs(sb_str(&out), stdout);
	printf("installed: yes\n");
	for (size_t i = 0; i < p->nfiles; i++)
		if (p->files[i].type != 'D')
			printf("file: /%s\n", p->files[i].path);
	printf("\n");
	sb_free(&out);
}

/* The newest available package of that name, or NULL. */
static const struct pkginfo *newest(const struct pkginfo **v, size_t n, const char *name)
{
	const struct pkginfo *best = NULL;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i]->name, name) &&
		    (!best || version_cmp(v[i]->version, best->version) > 0))
			best = v[i];
	return best;
}

static int show(struct client *c, const struct client_opts *o, char **names, int n)
{
	int need_repos = 0;
	for (int i = 0; i < n; i++)
		need_repos |= !db_find(&c->db, names[i]);
	if (need_repos) {
		if (client_close(c) < 0 || client_open(c, o, 1) < 0)
			return -1;
	}
	size_t navail;
	const struct pkginfo **avail = client_available(c, &navail);
	int r = 0;
	for (int i = 0; i < n; i++) {
		struct db_pkg *p = db_find(&c->db, names[i]);
		const struct pkginfo *a = p ? NULL : newest(avail, navail, names[i]);
		if (p) {
			print_installed(p);
		} else if (a) {
			struct sb out = SB_INIT;
			pkginfo_write(a, &out);
			printf("%sinstalled: no\n\n", sb_str(&out));
			sb_free(&out);
		} else {
			kr_err("%s: no such package, installed or available", names[i]);
			r = -1;
		}
	}
	free(avail);
	return r;
}

static int run(int argc, char **argv)
{
	struct client_opts o;
	int first = client_parse(argc, argv, 0, &o);
	if (first < 0) {
		int rc = verb_usage_error(&verb_info, "%s", kr_errmsg());
		client_opts_free(&o);
		return rc;
	}
	struct client c;
	int r = client_open(&c, &o, 0);
	if (c.db.recovered)
		fprintf(stderr, "krill info: %s: %s\n", o.root, c.db.recovered);
	for (size_t i = 0; r == 0 && first >= argc && i < c.db.n; i++)
		printf("%s\n", c.db.pkgs[i].info.name);
	if (r == 0 && first < argc)
		r = show(&c, &o, argv + first, argc - first);
	if (client_close(&c) < 0 && r == 0)
		r = -1;
	if (r < 0)
		fprintf(stderr, "krill info: %s\n", kr_errmsg());
	client_opts_free(&o);
	return r < 0 ? 1 : 0;
}
