/* cmd_diff.c - `krill diff` (not implemented yet; see the issue tracker). */
#include <stdio.h>

#include "verbs.h"

static int run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "krill diff: not implemented yet\n");
	return 1;
}

const struct verb verb_diff = {"diff", "(not implemented yet)", "usage: krill diff\n", run};
