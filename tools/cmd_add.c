/* cmd_add.c - `krill add` (not implemented yet; see the issue tracker). */
#include <stdio.h>

#include "verbs.h"

static int run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "krill add: not implemented yet\n");
	return 1;
}

const struct verb verb_add = {"add", "(not implemented yet)", "usage: krill add\n", run};
