/* cmd_del.c - `krill del` (not implemented yet; see the issue tracker). */
#include <stdio.h>

#include "verbs.h"

static int run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "krill del: not implemented yet\n");
	return 1;
}

const struct verb verb_del = {"del", "(not implemented yet)", "usage: krill del\n", run};
