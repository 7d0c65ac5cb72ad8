/* cmd_add.c - `krill add`: install packages from signed repositories. */
#include <stdio.h>
#include <stdlib.h>

#include "client.h"
#include "verbs.h"

static int run(int argc, char **argv);

const struct verb verb_add = {
	"add",
	"install packages and their dependencies from signed repositories",
	"usage: krill add [--root DIR] [--repo URL|PATH]... [--keys DIR] [--no-cache]\n"
	"                 [--quiet] PKG...\n"
	"\n"
	"PKG is a name, NAME OP VERSION (OP one of < <= = >= >, e.g. 'zlib>=1.3')\n"
	"or so:SONAME. Fetches every repository's index, checks its Ed25519\n"
	"signature against the trusted keys, its expiry, and that its version is not\n"
	"older than the last one accepted from that repository; resolves the request\n"
	"with its runtime dependencies; downloads each package (capped at the size\n"
	"the index lists, sha256 checked) and installs them all in one transaction,\n"
	"refusing unsafe paths, links out of the root, device nodes and conflicts\n"
	"with installed packages. See tools/doc/client.md.\n"
	"\n"
	"  --root DIR, -p DIR     the root to install into (default /)\n"
	"  --repo URL, -X URL     a repository (http(s)://, file:// or a path);\n"
	"                         repeatable; default: ROOT/etc/krill/repositories\n"
	"  --keys DIR             trusted public keys (default ROOT/etc/krill/keys)\n"
	"  --no-cache             keep nothing under ROOT/var/cache/krill\n"
	"  --quiet, -q            no progress lines\n"
	"\n"
	"Exit status: 0 installed, 1 failure (the root unchanged), 2 usage.\n",
	run,
};

static void progress(void *ctx, size_t i, size_t n, const struct pkginfo *p)
{
	(void)ctx;
	printf("(%zu/%zu) Installing %s %s\n", i, n, p->name, p->version);
	fflush(stdout);
}

static int add(struct client *c, const struct client_opts *o, const struct strlist *names)
{
	struct client_add_hooks h = {o->quiet ? NULL : progress, NULL, NULL};
	int r = client_add(c, names, o->no_cache, &h);
	if (r == 0 && !o->quiet)
		printf("OK: %zu package%s installed, %zu in total\n", c->add_count,
		       c->add_count == 1 ? "" : "s", c->db.n);
	return r;
}

static int run(int argc, char **argv)
{
	struct client_opts o;
	int first = client_parse(argc, argv, 0, &o);
	if (first < 0 || first >= argc) {
		int rc = verb_usage_error(
			&verb_add, "%s", first < 0 ? kr_errmsg() : "expected at least one package");
		client_opts_free(&o);
		return rc;
	}
	struct strlist names = STRLIST_INIT;
	for (int i = first; i < argc; i++)
		sl_push(&names, argv[i]);
	struct client c;
	int r = client_open(&c, &o, 1);
	if (c.db.recovered)
		fprintf(stderr, "krill add: %s: %s\n", o.root, c.db.recovered);
	if (r == 0)
		r = add(&c, &o, &names);
	if (client_close(&c) < 0 && r == 0)
		r = -1;
	if (r < 0)
		fprintf(stderr, "krill add: %s\n", kr_errmsg());
	sl_free(&names);
	client_opts_free(&o);
	return r < 0 ? 1 : 0;
}
