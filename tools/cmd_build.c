/* cmd_build.c - `krill build` (not implemented yet; see the issue tracker). */
#include <stdio.h>

#include "verbs.h"

static int run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "krill build: not implemented yet\n");
	return 1;
}

const struct verb verb_build = {"build", "(not implemented yet)", "usage: krill build\n", run};
