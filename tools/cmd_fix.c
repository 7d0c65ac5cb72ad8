/* cmd_fix.c - `krill fix`: reinstall packages whose files changed. */
#include <stdio.h>
#include <stdlib.h>

#include "client.h"
#include "client_verb.h"
#include "verbs.h"

static int run(int argc, char **argv);

const struct verb verb_fix = {
	"fix",
	"reinstall packages whose files were changed or deleted",
	"usage: krill fix [--root DIR] [--repo URL|PATH]... [--keys DIR] [--no-cache]\n"
	"                 [--quiet] [--durable] [PKG...]\n"
	"\n"
	"Reinstalls each named installed package, or without names every package\n"
	"`krill audit` finds a changed or deleted file of, at the version installed,\n"
	"from the signed repositories, in one transaction (every check of `krill\n"
	"add`). A config file you changed is kept and the package's written beside\n"
	"it as PATH.krill-new. Options as for add (--durable: sync every step).\n"
	"\n"
	"Exit status: 0 done, 1 failure (the root unchanged), 2 usage.\n",
	run,
};

static void reinstalling(void *ctx, size_t i, size_t n, const struct pkginfo *p)
{
	(void)ctx;
	client_verb_step("Reinstalling", i, n, p);
}

static int fix(struct client *c, const struct client_opts *o, const struct strlist *names)
{
	struct client_add_hooks h = {o->quiet ? NULL : reinstalling, NULL, NULL};
	int r = client_fix(c, names, o->no_cache, &h);
	if (r == 0 && !o->quiet)
		printf("OK: %zu package%s reinstalled\n", c->add_count,
		       c->add_count == 1 ? "" : "s");
	return r;
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
	int r = client_verb_run("fix", &o, 1, fix, &names);
	sl_free(&names);
	client_opts_free(&o);
	return r < 0 ? 1 : 0;
}
