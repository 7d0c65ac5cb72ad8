/* recipeedit.h - change a few values of a recipe in place, keeping every
 * other byte (comments, order, quoting) as it was.
 *
 * libyaml gives each value's exact span; only those spans are replaced,
 * each in the quoting style it was written in. The result is parsed again
 * as a recipe and must hold the new values: `krill outdated --write`
 * (tools/doc/outdated.md) uses it so that a maintainer reviews a diff of
 * those lines only.
 */
#ifndef KRILL_RECIPEEDIT_H
#define KRILL_RECIPEEDIT_H

#include <stddef.h>

struct recipe_update {
	const char *version;		     /* NULL: keep */
	int release;			     /* < 0: keep */
	size_t source;			     /* which sources: entry the next three change */
	const char *sha256, *url, *filename; /* NULL: keep (filename: only if present) */
};

/* Apply u to the recipe text (path names it in messages). 0 and *out (malloc'd,
 * *outlen bytes), or -1 with kr_err "path:line:col: ..." (a key to change that
 * is missing, not a scalar, or a result that does not parse back to u). */
int recipe_update_text(const char *text, size_t len, const char *path,
		       const struct recipe_update *u, char **out, size_t *outlen);

/* The same on the file, written back atomically. */
int recipe_update_file(const char *path, const struct recipe_update *u);

#endif
