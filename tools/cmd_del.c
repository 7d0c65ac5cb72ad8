/* cmd_del.c - `krill del`: remove installed packages. */
#include <stdio.h>
#include <stdlib.h>

#include "client.h"
#include "client_verb.h"
#include "db.h"
#include "install.h"
#include "verbs.h"

static int run(int argc, char **argv);

const struct verb verb_del = {
	"del",
	"remove packages from the world, and what nothing needs any more",
	"usage: krill del [--root DIR] [--quiet] [--durable] PKG...\n"
	"\n"
	"Takes each PKG out of ROOT/etc/krill/world (a name only the world holds,\n"
	"such as a virtual package, is fine) and solves the world again over the\n"
	"installed packages: the named packages and every dependency nothing else\n"
	"needs (orphans) are removed. Removes exactly the files each package\n"
	"installed. A config file (conffile:)\n"
	"whose content differs from what was installed is kept and reported; a\n"
	"directory is removed only when empty and no remaining package lists it.\n"
	"Refuses to remove a package another installed package depends on.\n"
	"Everything goes in one transaction: after an interruption the next\n"
	"krill run completes it.\n"
	"\n"
	"  --root DIR, -p DIR   the root to change (default /)\n"
	"  --quiet, -q          no progress lines\n"
	"  --durable            sync every step to disk (as for add; KRILL_DURABLE=1)\n"
	"\n"
	"Exit status: 0 done, 1 failure (nothing changed), 2 usage.\n",
	run,
};

static int del(struct client *c, const struct client_opts *o, const struct strlist *names)
{
	struct strlist world = STRLIST_INIT, kept = STRLIST_INIT;
	int r = client_world_load(c, &world);
	for (size_t i = 0; i < names->n && r == 0; i++)
		if (!client_world_drop(&world, names->v[i]) && !db_find(&c->db, names->v[i])) {
			kr_err("%s: not installed", names->v[i]);
			r = -1;
		}
	struct client_plan_opts po = {
		&world, 0, NULL, 0, 0, 0, NULL, &kept, o->quiet ? NULL : client_verb_removing,
		names};
	if (r == 0)
		r = client_apply(c, &po, 0, NULL);
	if (r == 0)
		r = client_world_save(c, &world);
	for (size_t i = 0; i < kept.n; i++)
		printf("kept modified config file /%s\n", kept.v[i]);
	if (r == 0 && !o->quiet)
		printf("OK: %zu package%s removed, %zu in total\n", c->del_count,
		       c->del_count == 1 ? "" : "s", c->db.n);
	sl_free(&world);
	sl_free(&kept);
	return r;
}

static int run(int argc, char **argv)
{
	struct client_opts o;
	int first = client_parse(argc, argv, 0, &o);
	if (first < 0) {
		client_opts_free(&o);
		return verb_usage_error(&verb_del, "%s", kr_errmsg());
	}
	if (first >= argc) {
		client_opts_free(&o);
		return verb_usage_error(&verb_del, "expected at least one package name");
	}
	struct strlist names = STRLIST_INIT;
	for (int i = first; i < argc; i++)
		sl_push(&names, argv[i]);
	int r = client_verb_run("del", &o, 0, del, &names);
	sl_free(&names);
	client_opts_free(&o);
	return r < 0 ? 1 : 0;
}
