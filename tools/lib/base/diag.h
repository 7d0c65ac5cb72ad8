/* diag.h - collected diagnostics "path:line:col: message".
 *
 * Checkers (recipe, graph, lint) add every problem they find instead of
 * stopping at the first, so one `krill lint` run reports them all.
 */
#ifndef KRILL_DIAG_H
#define KRILL_DIAG_H

#include <stdio.h>

#include "util.h"

struct pos {
	int line, col; /* 1-based; 0 when unknown */
};

struct diag {
	char *file;
	struct pos pos;
	char *msg;
	size_t seq; /* order of adding: keeps sorting stable */
};

struct diags {
	struct diag *v;
	size_t n, cap;
};

#define DIAGS_INIT                                                                                 \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

void diag_add(struct diags *d, const char *file, struct pos pos, const char *fmt, ...)
	KR_PRINTF(4, 5);
/* Print all as "file:line:col: msg" (or "file: msg" without a place). */
void diag_print(const struct diags *d, FILE *f);
/* Order by file, line, col (stable), so output reads top to bottom. */
void diag_sort(struct diags *d);
/* The first diagnostic as an error message (kr_err). */
void diag_to_err(const struct diags *d);
void diag_free(struct diags *d);

#endif
