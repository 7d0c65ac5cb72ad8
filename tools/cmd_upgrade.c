/* cmd_upgrade.c - `krill upgrade`: the newest versions the world allows. */
#include <stdio.h>
#include <stdlib.h>

#include "client.h"
#include "client_verb.h"
#include "verbs.h"

static int run(int argc, char **argv);

const struct verb verb_upgrade = {
	"upgrade",
	"upgrade installed packages to the newest versions the world allows",
	"usage: krill upgrade [--root DIR] [--repo URL|PATH]... [--keys DIR] [--no-cache]\n"
	"                     [--quiet] [--durable] [--latest] [--available] [PKG...]\n"
	"\n"
	"Solves ROOT/etc/krill/world again preferring the newest version of every\n"
	"package (of the named PKGs only, when given) over the installed one, and\n"
	"installs, replaces and removes in one transaction what that changes: a\n"
	"newer version, a new dependency, a dependency no longer needed. The world\n"
	"itself is not changed. Repositories and checks as for `krill add`.\n"
	"\n"
	"  --latest, -l      the newest version of each upgraded world entry, or an\n"
	"                    error saying what stands in the way\n"
	"  --available, -a   also replace installed versions no repository offers\n"
	"                    (downgrading if need be)\n"
	"  --no-cache, --quiet, --durable, --root, --repo, --keys: as for add\n"
	"\n"
	"Exit status: 0 done, 1 failure (the root unchanged), 2 usage.\n",
	run,
};

static int upgrade(struct client *c, const struct client_opts *o, const struct strlist *names)
{
	struct strlist world = STRLIST_INIT, kept = STRLIST_INIT;
	int r = client_world_load(c, &world);
	for (size_t i = 0; i < names->n && r == 0; i++)
		if (!db_find(&c->db, names->v[i])) {
			kr_err("%s: not installed", names->v[i]);
			r = -1;
		}
	struct client_plan_opts po = {&world, names->n == 0, names->n ? names : NULL,
				      0,      o->latest,     o->available,
				      NULL,   &kept,	     o->quiet ? NULL : client_verb_removing,
				      NULL};
	struct client_add_hooks h = {o->quiet ? NULL : client_verb_installing, NULL, NULL};
	if (r == 0)
		r = client_apply(c, &po, o->no_cache, &h);
	if (r == 0)
		r = client_world_save(c, &world);
	if (r == 0)
		r = client_persist_config(o, !c->db.done_pending && c->db.durable);
	for (size_t i = 0; i < kept.n; i++)
		printf("kept modified config file /%s\n", kept.v[i]);
	if (r == 0 && !o->quiet)
		printf("OK: %zu package%s installed, %zu removed, %zu in total\n", c->add_count,
		       c->add_count == 1 ? "" : "s", c->del_count, c->db.n);
	sl_free(&world);
	sl_free(&kept);
	return r;
}

static int run(int argc, char **argv)
{
	struct client_opts o;
	int first = client_parse(argc, argv, 0, &o);
	if (first < 0) {
		int rc = verb_usage_error(&verb_upgrade, "%s", kr_errmsg());
		client_opts_free(&o);
		return rc;
	}
	struct strlist names = STRLIST_INIT;
	for (int i = first; i < argc; i++)
		sl_push(&names, argv[i]);
	int r = client_verb_run("upgrade", &o, 1, upgrade, &names);
	sl_free(&names);
	client_opts_free(&o);
	return r < 0 ? 1 : 0;
}
