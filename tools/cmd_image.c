/* cmd_image.c - `krill image` (not implemented yet; see the issue tracker). */
#include <stdio.h>

#include "verbs.h"

static int run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "krill image: not implemented yet\n");
	return 1;
}

const struct verb verb_image = {"image", "(not implemented yet)", "usage: krill image\n", run};
