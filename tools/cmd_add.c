/* cmd_add.c - `krill add`: add to the world and install from signed repositories. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "client_verb.h"
#include "dep.h"
#include "verbs.h"

static int run(int argc, char **argv);

const struct verb verb_add = {
	"add",
	"add packages to the world and install them with their dependencies",
	"usage: krill add [--root DIR] [--repo URL|PATH]... [--keys DIR] [--no-cache]\n"
	"                 [--quiet] [--durable] [-u] [-l] [-a] [--initdb] [-t NAME] PKG...\n"
	"\n"
	"PKG is a world entry: a name, NAME OP VERSION (OP one of < <= = >= >, e.g.\n"
	"'zlib>=1.3'), so:SONAME, NAME@TAG (from the repository tagged @TAG in\n"
	"ROOT/etc/krill/repositories) or !NAME (never install it). Each is written\n"
	"to ROOT/etc/krill/world (replacing an entry of the same name), and the\n"
	"whole world is solved again: what it needs is installed, what nothing\n"
	"needs any more is removed, in one transaction. Fetches every repository's\n"
	"index, checks its Ed25519 signature against the trusted keys, its expiry,\n"
	"and that its version is not older than the last one accepted; downloads\n"
	"each package (capped at the size the index lists, sha256 checked),\n"
	"refusing unsafe paths, links out of the root, device nodes and conflicts\n"
	"with installed packages. See tools/doc/client.md.\n"
	"\n"
	"  --root DIR, -p DIR     the root to install into (default /)\n"
	"  --repo URL, -X URL     a repository (http(s)://, file:// or a path);\n"
	"                         repeatable; default: ROOT/etc/krill/repositories\n"
	"                         (written there when the root has none yet)\n"
	"  --keys DIR             trusted public keys (default ROOT/etc/krill/keys;\n"
	"                         copied there when the root has none yet)\n"
	"  --no-cache             keep nothing under ROOT/var/cache/krill\n"
	"  --quiet, -q            no progress lines\n"
	"  --durable              sync to disk at each step of the transaction, so\n"
	"                         that not even a power loss can lose it (default,\n"
	"                         as apk and rpm: no syncs; a killed krill is still\n"
	"                         rolled back or forward); also KRILL_DURABLE=1\n"
	"  --upgrade, -u          upgrade the named packages and their dependencies\n"
	"  --latest, -l           with -u: the newest versions, or an error saying why not\n"
	"  --available, -a        installed versions no repository offers are replaced\n"
	"  --virtual NAME, -t NAME  record a virtual package NAME depending on PKG...\n"
	"                         and add NAME (not the PKGs) to the world; `krill del\n"
	"                         NAME` takes them out again\n"
	"  --initdb               create the root's configuration and an empty world\n"
	"\n"
	"Exit status: 0 installed, 1 failure (the root unchanged), 2 usage.\n",
	run,
};

static int add(struct client *c, const struct client_opts *o, const struct strlist *args)
{
	struct strlist world = STRLIST_INIT, upg = STRLIST_INIT;
	struct pkginfo virt = {0};
	int r = client_world_load(c, &world);
	if (r == 0 && o->virt) {
		virt.name = o->virt;
		virt.version = "0-r0";
		virt.arch = "noarch";
		virt.origin = o->virt;
		virt.summary = "virtual package";
		virt.license = "NOASSERTION";
		for (size_t i = 0; i < args->n && r == 0; i++) {
			struct world_dep w;
			r = world_dep_parse(args->v[i], &w);
			if (r == 0)
				world_dep_free(&w);
			sl_push(&virt.depends, args->v[i]);
		}
		if (r == 0)
			r = client_world_set(&world, o->virt);
	}
	for (size_t i = 0; !o->virt && i < args->n && r == 0; i++) {
		struct world_dep w;
		r = client_world_set(&world, args->v[i]);
		if (r == 0 && world_dep_parse(args->v[i], &w) == 0) {
			sl_push(&upg, w.name);
			world_dep_free(&w);
		}
	}
	struct strlist kept = STRLIST_INIT;
	struct client_plan_opts po = {&world,
				      0,
				      o->upgrade ? &upg : NULL,
				      o->upgrade,
				      o->latest && o->upgrade,
				      o->available,
				      o->virt ? &virt : NULL,
				      &kept,
				      o->quiet ? NULL : client_verb_removing,
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
	sl_free(&virt.depends);
	sl_free(&kept);
	sl_free(&world);
	sl_free(&upg);
	return r;
}

static int run(int argc, char **argv)
{
	struct client_opts o;
	int first = client_parse(argc, argv, 0, &o);
	if (first < 0 || (first >= argc && !o.initdb)) {
		int rc = verb_usage_error(
			&verb_add, "%s", first < 0 ? kr_errmsg() : "expected at least one package");
		client_opts_free(&o);
		return rc;
	}
	struct strlist names = STRLIST_INIT;
	for (int i = first; i < argc; i++)
		sl_push(&names, argv[i]);
	int r = client_verb_run("add", &o, 1, add, &names);
	sl_free(&names);
	client_opts_free(&o);
	return r < 0 ? 1 : 0;
}
