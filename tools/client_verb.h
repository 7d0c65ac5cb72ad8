/* client_verb.h - what the client verbs that change a root (add, del,
 * fix, upgrade) share: their progress lines and the open / run / discard
 * on failure / close sequence that keeps a failed verb from changing the
 * root. Header-only, so the lean build's verb list needs nothing more. */
#ifndef KRILL_CLIENT_VERB_H
#define KRILL_CLIENT_VERB_H

#include <stdio.h>

#include "client.h"

static inline void client_verb_step(const char *what, size_t i, size_t n, const struct pkginfo *p)
{
	printf("(%zu/%zu) %s %s %s\n", i, n, what, p->name, p->version);
	fflush(stdout);
}

static inline void client_verb_installing(void *ctx, size_t i, size_t n, const struct pkginfo *p)
{
	(void)ctx;
	client_verb_step("Installing", i, n, p);
}

static inline void client_verb_removing(void *ctx, size_t i, size_t n, const struct pkginfo *p)
{
	(void)ctx;
	client_verb_step("Removing", i, n, p);
}

typedef int (*client_verb_fn)(struct client *c, const struct client_opts *o,
			      const struct strlist *names);

/* Open the root (with its repositories when repos), say so if an
 * interrupted transaction was completed, run fn, discard what it staged if
 * it failed, close. Errors are printed as "krill VERB: ...". */
static inline int client_verb_run(const char *verb, const struct client_opts *o, int repos,
				  client_verb_fn fn, const struct strlist *names)
{
	struct client c;
	int r = client_open(&c, o, repos);
	if (c.db.recovered)
		fprintf(stderr, "krill %s: %s: %s\n", verb, o->root, c.db.recovered);
	if (r == 0)
		r = fn(&c, o, names);
	if (r < 0)
		client_discard(&c);
	if (client_close(&c) < 0 && r == 0)
		r = -1;
	if (r < 0)
		fprintf(stderr, "krill %s: %s\n", verb, kr_errmsg());
	return r;
}

#endif
