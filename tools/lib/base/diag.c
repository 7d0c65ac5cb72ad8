/* diag.c - see diag.h */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void diag_add(struct diags *d, const char *file, struct pos pos, const char *fmt, ...)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->v = xrealloc(d->v, d->cap * sizeof *d->v);
	}
	struct sb b = SB_INIT;
	va_list ap;
	va_start(ap, fmt);
	char tmp[1024];
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	sb_adds(&b, tmp);
	d->v[d->n].file = xstrdup(file ? file : "");
	d->v[d->n].pos = pos;
	d->v[d->n].msg = sb_steal(&b);
	d->v[d->n].seq = d->n;
	d->n++;
}

static void fmt_one(const struct diag *x, struct sb *b)
{
	if (x->pos.line > 0)
		sb_printf(b, "%s:%d:%d: %s", x->file, x->pos.line, x->pos.col, x->msg);
	else
		sb_printf(b, "%s: %s", x->file, x->msg);
}

void diag_print(const struct diags *d, FILE *f)
{
	struct sb b = SB_INIT;
	for (size_t i = 0; i < d->n; i++) {
		sb_reset(&b);
		fmt_one(&d->v[i], &b);
		fprintf(f, "%s\n", sb_str(&b));
	}
	sb_free(&b);
}

void diag_to_err(const struct diags *d)
{
	if (!d->n)
		return;
	struct sb b = SB_INIT;
	fmt_one(&d->v[0], &b);
	if (d->n > 1)
		sb_printf(&b, " (and %zu more problems)", d->n - 1);
	kr_err("%s", sb_str(&b));
	sb_free(&b);
}

static int cmp_diag(const void *a, const void *b)
{
	const struct diag *x = a, *y = b;
	int c = strcmp(x->file, y->file);
	if (c)
		return c;
	if (x->pos.line != y->pos.line)
		return x->pos.line < y->pos.line ? -1 : 1;
	if (x->pos.col != y->pos.col)
		return x->pos.col < y->pos.col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void diag_sort(struct diags *d)
{
	if (d->n)
		qsort(d->v, d->n, sizeof *d->v, cmp_diag);
}

void diag_free(struct diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	d->v = NULL;
	d->n = d->cap = 0;
}
