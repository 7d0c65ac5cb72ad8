/* cmd_policy.c - `krill policy`: which versions of a package come from where. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "verbs.h"
#include "version.h"

static int run(int argc, char **argv);

const struct verb verb_policy = {
	"policy",
	"show the versions of packages on offer and where each comes from",
	"usage: krill policy [--root DIR] [--repo URL|PATH]... [--keys DIR] PKG...\n"
	"\n"
	"For each package name, as apk policy does: every version the repositories\n"
	"offer or the root has installed, oldest first, and under each where it\n"
	"is: 'installed' and the repository URLs (with their @TAG).\n"
	"\n"
	"Exit status: 0 ok, 1 failure (also: a name nothing offers), 2 usage.\n",
	run,
};

static int cmp(const void *a, const void *b)
{
	return version_cmp(*(char *const *)a, *(char *const *)b);
}

static int policy(struct client *c, const struct client_opts *o, const char *name)
{
	struct strlist vers = STRLIST_INIT;
	struct db_pkg *inst = db_find(&c->db, name);
	if (inst)
		sl_push(&vers, inst->info.version);
	for (size_t i = 0; i < c->nrepos; i++)
		for (size_t k = 0; k < c->repos[i].n; k++)
			if (!strcmp(c->repos[i].pkgs[k].name, name) &&
			    !sl_has(&vers, c->repos[i].pkgs[k].version))
				sl_push(&vers, c->repos[i].pkgs[k].version);
	if (!vers.n) {
		kr_err("%s: no repository offers it and it is not installed", name);
		return -1;
	}
	qsort(vers.v, vers.n, sizeof *vers.v, cmp);
	printf("%s policy:\n", name);
	for (size_t v = 0; v < vers.n; v++) {
		printf("  %s:\n", vers.v[v]);
		if (inst && !strcmp(inst->info.version, vers.v[v]))
			printf("    installed\n");
		for (size_t i = 0; i < c->nrepos; i++)
			for (size_t k = 0; k < c->repos[i].n; k++)
				if (!strcmp(c->repos[i].pkgs[k].name, name) &&
				    !strcmp(c->repos[i].pkgs[k].version, vers.v[v])) {
					const char *tag = i < o->tags.n ? o->tags.v[i] : "";
					printf("    %s%s%s%s\n", *tag ? "@" : "", tag,
					       *tag ? " " : "", c->repos[i].url);
					break;
				}
	}
	sl_free(&vers);
	return 0;
}

static int run(int argc, char **argv)
{
	struct client_opts o;
	int first = client_parse(argc, argv, 0, &o);
	if (first < 0 || first >= argc) {
		int rc = verb_usage_error(&verb_policy, "%s",
					  first < 0 ? kr_errmsg() : "expected a package name");
		client_opts_free(&o);
		return rc;
	}
	struct client c;
	int r = client_open(&c, &o, 1);
	for (int i = first; r == 0 && i < argc; i++)
		r = policy(&c, &o, argv[i]);
	if (client_close(&c) < 0 && r == 0)
		r = -1;
	if (r < 0)
		fprintf(stderr, "krill policy: %s\n", kr_errmsg());
	client_opts_free(&o);
	return r < 0 ? 1 : 0;
}
