/* cmd_fetch.c - `krill fetch` (not implemented yet; see the issue tracker). */
#include <stdio.h>

#include "verbs.h"

static int run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "krill fetch: not implemented yet\n");
	return 1;
}

const struct verb verb_fetch = {"fetch", "(not implemented yet)", "usage: krill fetch\n", run};
