/* cmd_verify.c - `krill verify` (not implemented yet; see the issue tracker). */
#include <stdio.h>

#include "verbs.h"

static int run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "krill verify: not implemented yet\n");
	return 1;
}

const struct verb verb_verify = {"verify", "(not implemented yet)", "usage: krill verify\n", run};
