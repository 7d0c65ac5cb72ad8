/* cmd_info.c - `krill info` (not implemented yet; see the issue tracker). */
#include <stdio.h>

#include "verbs.h"

static int run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "krill info: not implemented yet\n");
	return 1;
}

const struct verb verb_info = {"info", "(not implemented yet)", "usage: krill info\n", run};
