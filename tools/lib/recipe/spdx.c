/* spdx.c - SPDX license expression checking (SPDX spec 2.3, annex D).
 *
 *   expr     := and-expr { "OR" and-expr }
 *   and-expr := term { "AND" term }
 *   term     := "(" expr ")" | license [ "WITH" exception ]
 *   license  := known-id ["+"] | "LicenseRef-" idstring
 *
 * Operators are case-sensitive as the spec says; ids are matched
 * case-insensitively and must be on the list below (a subset of the SPDX
 * License List that covers what distributions ship; anything else is
 * written as LicenseRef-NAME and documented in the recipe).
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "recipe.h"

static const char *const licenses[] = {
	"0BSD",
	"AFL-2.1",
	"AFL-3.0",
	"AGPL-3.0-only",
	"AGPL-3.0-or-later",
	"Apache-1.1",
	"Apache-2.0",
	"APSL-2.0",
	"Artistic-1.0",
	"Artistic-1.0-Perl",
	"Artistic-2.0",
	"BitTorrent-1.1",
	"blessing",
	"BSD-1-Clause",
	"BSD-2-Clause",
	"BSD-2-Clause-Patent",
	"BSD-3-Clause",
	"BSD-3-Clause-Clear",
	"BSD-4-Clause",
	"BSD-4-Clause-UC",
	"BSL-1.0",
	"bzip2-1.0.6",
	"CC-BY-3.0",
	"CC-BY-4.0",
	"CC-BY-SA-3.0",
	"CC-BY-SA-4.0",
	"CC-PDDC",
	"CC0-1.0",
	"CDDL-1.0",
	"CDDL-1.1",
	"curl",
	"EPL-1.0",
	"EPL-2.0",
	"EUPL-1.2",
	"FSFAP",
	"FSFUL",
	"FSFULLR",
	"FTL",
	"GFDL-1.3-only",
	"GFDL-1.3-or-later",
	"GPL-1.0-only",
	"GPL-1.0-or-later",
	"GPL-2.0-only",
	"GPL-2.0-or-later",
	"GPL-3.0-only",
	"GPL-3.0-or-later",
	"HPND",
	"IJG",
	"ICU",
	"ISC",
	"LGPL-2.0-only",
	"LGPL-2.0-or-later",
	"LGPL-2.1-only",
	"LGPL-2.1-or-later",
	"LGPL-3.0-only",
	"LGPL-3.0-or-later",
	"Libpng",
	"libpng-2.0",
	"Linux-syscall-note",
	"MIT",
	"MIT-0",
	"MIT-CMU",
	"MPL-1.1",
	"MPL-2.0",
	"MPL-2.0-no-copyleft-exception",
	"MS-PL",
	"NCSA",
	"OFL-1.1",
	"OpenSSL",
	"PHP-3.01",
	"PostgreSQL",
	"PSF-2.0",
	"Python-2.0",
	"Ruby",
	"SGI-B-2.0",
	"Sleepycat",
	"SSPL-1.0",
	"TCL",
	"Unicode-3.0",
	"Unicode-DFS-2016",
	"Unlicense",
	"UPL-1.0",
	"Vim",
	"W3C",
	"WTFPL",
	"X11",
	"XFree86-1.1",
	"Zlib",
	"zlib-acknowledgement",
	"ZPL-2.1",
};

static const char *const exceptions[] = {
	"Autoconf-exception-2.0",  "Autoconf-exception-3.0", "Bison-exception-2.2",
	"Classpath-exception-2.0", "GCC-exception-2.0",	     "GCC-exception-3.1",
	"LLVM-exception",	   "Linux-syscall-note",     "OpenSSL-exception",
	"Libtool-exception",
};

struct lex {
	const char *s;
	char tok[128];
	int depth; /* parentheses open: bounded so hostile input cannot exhaust the stack */
};

static void next(struct lex *l)
{
	while (*l->s == ' ')
		l->s++;
	l->tok[0] = 0;
	if (!*l->s)
		return;
	if (*l->s == '(' || *l->s == ')') {
		l->tok[0] = *l->s++;
		l->tok[1] = 0;
		return;
	}
	size_t n = 0;
	while (*l->s && *l->s != ' ' && *l->s != '(' && *l->s != ')') {
		if (n + 1 < sizeof l->tok)
			l->tok[n++] = *l->s;
		l->s++;
	}
	l->tok[n] = 0;
}

static int in_list(const char *id, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(id, list[i]))
			return 1;
	return 0;
}

/* and/or/with in the wrong case: a common slip worth its own message. */
static int is_operator(const char *tok)
{
	return !strcasecmp(tok, "and") || !strcasecmp(tok, "or") || !strcasecmp(tok, "with");
}

static int idstring(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '.')
			return 0;
	return 1;
}

static int expr(struct lex *l);

static int term(struct lex *l)
{
	if (!strcmp(l->tok, "(")) {
		if (++l->depth > 32) {
			kr_err("parentheses nested deeper than 32 in SPDX expression, expected a "
			       "flatter expression");
			return -1;
		}
		next(l);
		if (expr(l) < 0)
			return -1;
		l->depth--;
		if (strcmp(l->tok, ")")) {
			kr_err("expected ')' in SPDX expression");
			return -1;
		}
		next(l);
		return 0;
	}
	if (!l->tok[0] || !strcmp(l->tok, ")") || !strcmp(l->tok, "AND") || !strcmp(l->tok, "OR") ||
	    !strcmp(l->tok, "WITH")) {
		kr_err("expected a license id%s%s", l->tok[0] ? " before " : " at the end",
		       l->tok[0] ? l->tok : "");
		return -1;
	}
	char id[128];
	snprintf(id, sizeof id, "%s", l->tok);
	size_t n = strlen(id);
	if (n && id[n - 1] == '+')
		id[n - 1] = 0;
	if (str_starts(id, "LicenseRef-")) {
		if (!idstring(id + 11)) {
			kr_err("bad '%s', expected LicenseRef- followed by letters, digits, '-' or "
			       "'.'",
			       id);
			return -1;
		}
	} else if (!in_list(id, licenses, ARRAY_LEN(licenses))) {
		if (is_operator(l->tok))
			kr_err("operator '%s' must be upper case (AND, OR, WITH)", l->tok);
		else
			kr_err("unknown SPDX license id '%s', expected an SPDX License List id or "
			       "LicenseRef-NAME",
			       l->tok);
		return -1;
	}
	next(l);
	if (!strcmp(l->tok, "WITH")) {
		next(l);
		if (!in_list(l->tok, exceptions, ARRAY_LEN(exceptions))) {
			kr_err("unknown SPDX exception '%s' after WITH, expected an SPDX exception "
			       "id",
			       l->tok);
			return -1;
		}
		next(l);
	}
	return 0;
}

static int and_expr(struct lex *l)
{
	if (term(l) < 0)
		return -1;
	while (!strcmp(l->tok, "AND")) {
		next(l);
		if (term(l) < 0)
			return -1;
	}
	return 0;
}

static int expr(struct lex *l)
{
	if (and_expr(l) < 0)
		return -1;
	while (!strcmp(l->tok, "OR")) {
		next(l);
		if (and_expr(l) < 0)
			return -1;
	}
	return 0;
}

int spdx_check(const char *s)
{
	struct lex l = {s, {0}, 0};
	next(&l);
	if (!l.tok[0]) {
		kr_err("empty license expression, expected an SPDX expression such as MIT or "
		       "GPL-2.0-or-later");
		return -1;
	}
	if (expr(&l) < 0)
		return -1;
	if (is_operator(l.tok)) {
		kr_err("operator '%s' must be upper case (AND, OR, WITH)", l.tok);
		return -1;
	}
	if (l.tok[0]) {
		kr_err("unexpected '%s' in SPDX expression, expected AND, OR or the end", l.tok);
		return -1;
	}
	return 0;
}
