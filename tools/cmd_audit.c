/* cmd_audit.c - `krill audit`: installed files that differ from the db. */
#include <stdio.h>
#include <stdlib.h>

#include "client.h"
#include "verbs.h"

static int run(int argc, char **argv);

const struct verb verb_audit = {
	"audit",
	"report installed files changed or deleted since they were installed",
	"usage: krill audit [--root DIR] [--quiet]\n"
	"\n"
	"Compares every installed regular file's sha256 with the one recorded in\n"
	"ROOT/var/lib/krill/installed and checks that every installed file and\n"
	"symlink is still there. Prints one line per difference, sorted by path:\n"
	"  U /PATH   changed (other content, or no longer a file / symlink)\n"
	"  X /PATH   deleted\n"
	"Config files you changed are reported too. `krill fix` reinstalls.\n"
	"Reads only: the root is not changed.\n"
	"\n"
	"Exit status: 0 nothing differs, 1 something differs (or a failure), 2 usage.\n",
	run,
};

static int run(int argc, char **argv)
{
	struct client_opts o;
	int first = client_parse(argc, argv, 0, &o);
	if (first < 0 || first < argc) {
		int rc = verb_usage_error(&verb_audit, "%s",
					  first < 0 ? kr_errmsg() : "expected no operands");
		client_opts_free(&o);
		return rc;
	}
	struct client c;
	struct strlist lines = STRLIST_INIT, pkgs = STRLIST_INIT;
	int r = client_open(&c, &o, 0);
	if (r == 0)
		r = client_audit(&c, &lines, &pkgs);
	for (size_t i = 0; i < lines.n; i++)
		printf("%s\n", lines.v[i]);
	if (client_close(&c) < 0 && r == 0)
		r = -1;
	if (r < 0)
		fprintf(stderr, "krill audit: %s\n", kr_errmsg());
	else if (lines.n && !o.quiet)
		fprintf(stderr,
			"krill audit: %zu file%s of %zu package%s differ%s: krill fix "
			"reinstalls them\n",
			lines.n, lines.n == 1 ? "" : "s", pkgs.n, pkgs.n == 1 ? "" : "s",
			lines.n == 1 ? "s" : "");
	int rc = r < 0 || lines.n ? 1 : 0;
	sl_free(&lines);
	sl_free(&pkgs);
	client_opts_free(&o);
	return rc;
}
