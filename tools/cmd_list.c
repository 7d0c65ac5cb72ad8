/* cmd_list.c - `krill list`: available or installed packages. */
#include <stdio.h>
#include <stdlib.h>

#include "client.h"
#include "verbs.h"

static int run(int argc, char **argv);

const struct verb verb_list = {
	"list",
	"list the packages the repositories offer, or the installed ones",
	"usage: krill list [--root DIR] [--repo URL|PATH]... [--keys DIR] [--installed]\n"
	"\n"
	"Prints NAME VERSION per line: with --installed every installed package\n"
	"(from ROOT/var/lib/krill), else every package of the verified repository\n"
	"indexes, in repository order.\n"
	"\n"
	"Exit status: 0 ok, 1 failure, 2 usage.\n",
	run,
};

static int run(int argc, char **argv)
{
	struct client_opts o;
	int first = client_parse(argc, argv, 1, &o);
	if (first < 0 || first < argc) {
		int rc = verb_usage_error(&verb_list, "%s",
					  first < 0 ? kr_errmsg() : "expected no operands");
		client_opts_free(&o);
		return rc;
	}
	struct client c;
	int r = client_open(&c, &o, !o.installed);
	if (c.db.recovered)
		fprintf(stderr, "krill list: %s: %s\n", o.root, c.db.recovered);
	for (size_t i = 0; r == 0 && o.installed && i < c.db.n; i++)
		printf("%s %s\n", c.db.pkgs[i].info.name, c.db.pkgs[i].info.version);
	if (r == 0 && !o.installed) {
		size_t n;
		const struct pkginfo **v = client_available(&c, &n);
		for (size_t i = 0; i < n; i++)
			printf("%s %s\n", v[i]->name, v[i]->version);
		free(v);
	}
	if (client_close(&c) < 0 && r == 0)
		r = -1;
	if (r < 0)
		fprintf(stderr, "krill list: %s\n", kr_errmsg());
	client_opts_free(&o);
	return r < 0 ? 1 : 0;
}
