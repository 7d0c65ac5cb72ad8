/* cmd_index.c - `krill index` (not implemented yet; see the issue tracker). */
#include <stdio.h>

#include "verbs.h"

static int run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "krill index: not implemented yet\n");
	return 1;
}

const struct verb verb_index = {"index", "(not implemented yet)", "usage: krill index\n", run};
