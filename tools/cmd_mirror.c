/* cmd_mirror.c - `krill mirror` (not implemented yet; see the issue tracker). */
#include <stdio.h>

#include "verbs.h"

static int run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "krill mirror: not implemented yet\n");
	return 1;
}

const struct verb verb_mirror = {"mirror", "(not implemented yet)", "usage: krill mirror\n", run};
