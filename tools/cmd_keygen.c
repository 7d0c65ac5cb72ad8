/* cmd_keygen.c - `krill keygen` (not implemented yet; see the issue tracker). */
#include <stdio.h>

#include "verbs.h"

static int run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "krill keygen: not implemented yet\n");
	return 1;
}

const struct verb verb_keygen = {"keygen", "(not implemented yet)", "usage: krill keygen\n", run};
