/* cmd_list.c - `krill list` (not implemented yet; see the issue tracker). */
#include <stdio.h>

#include "verbs.h"

static int run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "krill list: not implemented yet\n");
	return 1;
}

const struct verb verb_list = {"list", "(not implemented yet)", "usage: krill list\n", run};
