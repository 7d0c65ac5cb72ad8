/* cmd_del.c - `krill del`: remove installed packages. */
#include <stdio.h>
#include <stdlib.h>

#include "client.h"
#include "db.h"
#include "install.h"
#include "verbs.h"

static int run(int argc, char **argv);

const struct verb verb_del = {
	"del",
	"remove installed packages (keeps config files you changed)",
	"usage: krill del [--root DIR] [--quiet] PKG...\n"
	"\n"
	"Removes exactly the files each package installed. A config file (conffile:)\n"
	"whose content differs from what was installed is kept and reported; a\n"
	"directory is removed only when empty and no remaining package lists it.\n"
	"Refuses to remove a package another installed package depends on.\n"
	"All named packages go in one transaction: after an interruption the next\n"
	"krill run completes it.\n"
	"\n"
	"  --root DIR, -p DIR   the root to change (default /)\n"
	"  --quiet, -q          no progress lines\n"
	"\n"
	"Exit status: 0 done, 1 failure (nothing changed), 2 usage.\n",
	run,
};

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
	struct strlist names = STRLIST_INIT, kept = STRLIST_INIT;
	for (int i = first; i < argc; i++)
		sl_push(&names, argv[i]);
	struct db db;
	int rc = 0;
	if (db_open(&db, o.root) < 0) {
		rc = 1;
	} else {
		if (db.recovered)
			fprintf(stderr, "krill del: %s: %s\n", o.root, db.recovered);
		if (remove_check(&db, &names) < 0)
			rc = 1;
		for (size_t i = 0; i < names.n && !o.quiet && !rc; i++) {
			struct db_pkg *p = db_find(&db, names.v[i]);
			if (p)
				printf("(%zu/%zu) Removing %s %s\n", i + 1, names.n, p->info.name,
				       p->info.version);
		}
		if (!rc && remove_pkgs(&db, &names, &kept) < 0)
			rc = 1;
	}
	if (rc)
		fprintf(stderr, "krill del: %s\n", kr_errmsg());
	for (size_t i = 0; i < kept.n; i++)
		printf("kept modified config file /%s\n", kept.v[i]);
	db_close(&db);
	sl_free(&names);
	sl_free(&kept);
	client_opts_free(&o);
	return rc;
}
