/* version.h - the order of version strings (their grammar: dep.h).
 *
 * Runs of digits compare as numbers, runs of letters as strings, and a
 * "~pre" suffix sorts before the release it precedes (1.0~rc1 < 1.0), like
 * Debian's tilde. A full package version adds "-rN" (the recipe's release).
 */
#ifndef KRILL_VERSION_H
#define KRILL_VERSION_H

/* <0, 0, >0 like strcmp; accepts "VERSION" or "VERSION-rN". */
int version_cmp(const char *a, const char *b);
/* Does `have` satisfy "OP want" where op is one of < <= = >= > ("" always). */
int version_satisfies(const char *have, const char *op, const char *want);

#endif
