/* cmd_update.c - `krill update` (not implemented yet; see the issue tracker). */
#include <stdio.h>

#include "verbs.h"

static int run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "krill update: not implemented yet\n");
	return 1;
}

const struct verb verb_update = {"update", "(not implemented yet)", "usage: krill update\n", run};
