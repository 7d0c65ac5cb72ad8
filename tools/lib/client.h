/* client.h - what the package-manager verbs (add, del, info, list, update)
 * share: their common options and where a root keeps its configuration.
 *
 * Options: --root DIR (default /), --repo URL|PATH (repeatable), --keys
 * DIR, --no-cache, and for list --installed. Without --repo, the
 * repositories are ROOT/etc/krill/repositories (one URL or path per line,
 * '#' starts a comment); without --keys, the trusted keys are
 * ROOT/etc/krill/keys/ (*.pub). Reference: tools/doc/client.md.
 */
#ifndef KRILL_CLIENT_H
#define KRILL_CLIENT_H

#include "util.h"

struct client_opts {
	char *root;
	struct strlist repos;
	char *keys;
	int no_cache;
	int installed; /* list --installed */
	int quiet;
};

/* Parse argv (argv[0] is the verb); accepts --installed only when
 * `list_opts`. Returns the index of the first operand, or -1 for a usage
 * error (kr_err says what). Fills repos/keys from the root when not given. */
int client_parse(int argc, char **argv, int list_opts, struct client_opts *o);
void client_opts_free(struct client_opts *o);

/* Parse a repositories file's text into urls (exposed for tests). */
int client_parse_repositories(const char *data, size_t len, const char *src,
			      struct strlist *urls);

#endif
