/* cmd_fix.c - `krill fix`: reinstall packages whose files changed. */
#include <stdio.h>
#include <stdlib.h>

#include "client.h"
#include "verbs.h"

static int run(int argc, char **argv);

const struct verb verb_fix = {
	"fix",
	"reinstall packages whose files were changed or deleted",
	"usage: krill fix [--root DIR] [--repo URL|PATH]... [--keys DIR] [--no-cache]\n"
	"                 [--quiet] [PKG...]\n"
	"\n"
	"Reinstalls each named installed package, or without names every package\n"
	"`krill audit` finds a changed or deleted file of, at the version installed,\n"
	"from the signed repositories, in one transaction (every check of `krill\n"
	"add`). A config file you changed is kept and the package's written beside\n"
	"it as PATH.krill-new.\n"
	"\n"
	"Exit status: 0 done, 1 failure (the root unchanged), 2 usage.\n",
	run,
};

static void progress(void *ctx, size_t i, size_t n, const struct pkginfo *p)
{
	(void)ctx;
	printf("(%zu/%zu) Reinstalling %s %s\n", i, n, p->name, p->version);
	fflush(stdout);
}

static int run(int argc, char **argv)
{
	struct client_opts o;
	int first = client_parse(argc, argv, 0, &o);
	if (first < 0) {
		int rc = verb_usage_error(&verb_fix, "%s", kr_errmsg());
		client_opts_free(&o);
		return rc;
	}
	struct strlist names = STRLIST_INIT;
	for (int i = first; i < argc; i++)
		sl_push(&names, argv[i]);
	struct client c;
	int r = client_open(&c, &o, 1);
	if (c.db.recovered)
		fprintf(stderr, "krill fix: %s: %s\n", o.root, c.db.recovered);
	struct client_add_hooks h = {o.quiet ? NULL : progress, NULL, NULL};
	if (r == 0)
		r = client_fix(&c, &names, o.no_cache, &h);
	if (r == 0 && !o.quiet)
		printf("OK: %zu package%s reinstalled\n", c.add_count, c.add_count == 1 ? "" : "s");
	if (r < 0)
		client_discard(&c);
	if (client_close(&c) < 0 && r == 0)
		r = -1;
	if (r < 0)
		fprintf(stderr, "krill fix: %s\n", kr_errmsg());
	sl_free(&names);
	client_opts_free(&o);
	return r < 0 ? 1 : 0;
}
