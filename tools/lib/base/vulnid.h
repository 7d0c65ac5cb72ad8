/* vulnid.h - the identifiers of vulnerabilities and of the software they
 * are about, checked by their published grammars: what a recipe's
 * `secfixes:`, `not-affected:`, `cpe:` and `purl:` hold, and what the
 * repository's security feeds carry (tools/doc/recipe.md).
 *
 * Each check returns 1 when s is well-formed, else 0 with *why (when
 * why is non-NULL) set to a static text saying what was expected.
 */
#ifndef KRILL_VULNID_H
#define KRILL_VULNID_H

/* CVE-YYYY-NNNN (4 digits, or 5 and more without a leading zero),
 * GHSA-xxxx-xxxx-xxxx (GitHub's alphabet 23456789cfghjmpqrvwx), or
 * KRILL-YYYY-N (Krill's own, for a fix with no CVE or GHSA yet). */
int vuln_id_valid(const char *s, const char **why);

/* One of OpenVEX's five not_affected justifications. */
int vex_justification_valid(const char *s);
extern const char *const vex_justifications[5];

/* A CPE 2.3 formatted string (NISTIR 7695 6.2): cpe:2.3: and eleven
 * components, part a, o or h, vendor and product named (not * or -),
 * lowercase, '\' escapes only before punctuation. */
int cpe23_valid(const char *s, const char **why);

/* A package URL (github.com/package-url/purl-spec): pkg:TYPE/[NS/]NAME
 * [@VERSION][?k=v&...][#SUBPATH], lowercase type, percent-encoding only
 * as %XX, qualifier keys lowercase, sorted and unique. */
int purl_valid(const char *s, const char **why);

#endif
