/* secfix.h - the vulnerability ids a port's patches name, and their
 * agreement with the recipe's `secfixes:` (tools/doc/recipe.md).
 *
 * A patch that fixes a vulnerability says so in its header (the text
 * before the first "--- ", "diff " or "Index: " line) with a line
 *
 *	CVE: CVE-2026-0001 CVE-2026-0002
 *
 * (the tag Yocto's cve-check reads; any id form of vulnid.h may stand
 * there, separated by spaces or commas).
 */
#ifndef KRILL_SECFIX_H
#define KRILL_SECFIX_H

#include "recipe.h"

/* The ids of data's header; a malformed id or an empty CVE: line is a
 * diagnostic at path:line:col. Well-formed ids are appended to ids. */
void patch_header_ids(const char *data, size_t len, const char *path, struct pstrlist *ids,
		      struct diags *d);

/* Both directions for the *.patch files in r's patches/: every id a patch header names
 * is in secfixes; every secfix of the current version at a release above
 * 1 (a recipe change, not the upstream release) is named by a patch. */
void secfix_check_patches(const struct recipe *r, struct diags *d);

#endif
