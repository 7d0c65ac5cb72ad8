/* secfix.c - see secfix.h */
#include "secfix.h"

#include <stdlib.h>
#include <string.h>

#include "vulnid.h"

static int header_ends(const char *l, size_t n)
{
	return (n >= 4 && !memcmp(l, "--- ", 4)) || (n >= 5 && !memcmp(l, "diff ", 5)) ||
	       (n >= 7 && !memcmp(l, "Index: ", 7));
}

void patch_header_ids(const char *data, size_t len, const char *path, struct pstrlist *ids,
		      struct diags *d)
{
	int line = 0;
	for (size_t pos = 0; pos < len; line++) {
		const char *l = data + pos;
		const char *nl = memchr(l, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - l) : len - pos;
		pos += n + 1;
		if (header_ends(l, n))
			return;
		if (n < 4 || memcmp(l, "CVE:", 4))
			continue;
		int found = 0;
		for (size_t i = 4; i < n;) {
			size_t s = i;
			while (s < n && (l[s] == ' ' || l[s] == '\t' || l[s] == ',' || l[s] == '\r'))
				s++;
			size_t e = s;
			while (e < n && l[e] != ' ' && l[e] != '\t' && l[e] != ',' && l[e] != '\r')
				e++;
			i = e;
			if (s == e)
				continue;
			found = 1;
			char *id = xstrndup(l + s, e - s);
			const char *why;
			struct pos p = {line + 1, (int)s + 1};
			if (memchr(id, 0, e - s) || !vuln_id_valid(id, &why)) {
				diag_add(d, path, p, "bad vulnerability id '%s' in the patch header, "
						     "expected %s",
					 id, memchr(l + s, 0, e - s) ? "text" : why);
				free(id);
				continue;
			}
			ids->v = xrealloc(ids->v, (ids->n + 1) * sizeof *ids->v);
			ids->v[ids->n++] = (struct pstr){id, p};
		}
		if (!found)
			diag_add(d, path, (struct pos){line + 1, 1},
				 "'CVE:' names no id, expected CVE: followed by the ids this patch "
				 "fixes");
	}
}

static const struct secfix *secfix_of(const struct recipe *r, const char *id)
{
	for (size_t i = 0; i < r->nsecfixes; i++)
		for (size_t j = 0; j < r->secfixes[i].ids.n; j++)
			if (!strcmp(r->secfixes[i].ids.v[j].s, id))
				return &r->secfixes[i];
	return NULL;
}

/* secfix key "VERSION-rN": is VERSION the recipe's, with N above 1? */
static int patch_release(const struct recipe *r, const char *fullver)
{
	const char *dash = strrchr(fullver, '-');
	size_t vl = dash ? (size_t)(dash - fullver) : 0;
	return dash && r->version.s && strlen(r->version.s) == vl &&
	       !memcmp(fullver, r->version.s, vl) && atol(dash + 2) > 1;
}

void secfix_check_patches(const struct recipe *r, struct diags *d)
{
	char *pd = path_join(r->dir, "patches");
	struct strlist l = STRLIST_INIT;
	struct pstrlist named = {NULL, 0};
	if (is_dir(pd) && list_dir(pd, &l) < 0)
		diag_add(d, pd, (struct pos){0, 0}, "cannot read: %s", kr_errmsg());
	for (size_t i = 0; i < l.n; i++) {
		if (!str_ends(l.v[i], ".patch"))
			continue;
		char *p = path_join(pd, l.v[i]), *data;
		size_t len;
		if (read_file(p, &data, &len) < 0) {
			diag_add(d, p, (struct pos){0, 0}, "cannot read: %s", kr_errmsg());
			free(p);
			continue;
		}
		size_t first = named.n;
		patch_header_ids(data, len, p, &named, d);
		free(data);
		char *full = recipe_fullver(r);
		for (size_t j = first; j < named.n; j++)
			if (!secfix_of(r, named.v[j].s))
				diag_add(d, p, named.v[j].pos,
					 "the patch names %s in its header, but secfixes does not "
					 "list it, expected it under %s (the build that carries the "
					 "patch) or earlier",
					 named.v[j].s, full);
		free(full);
		free(p);
	}
	for (size_t i = 0; i < r->nsecfixes; i++) {
		const struct secfix *f = &r->secfixes[i];
		if (!patch_release(r, f->fullver.s))
			continue;
		for (size_t j = 0; j < f->ids.n; j++) {
			size_t k;
			if (!vuln_id_valid(f->ids.v[j].s, NULL))
				continue; /* the parser said so */
			for (k = 0; k < named.n && strcmp(named.v[k].s, f->ids.v[j].s); k++)
				;
			if (k == named.n)
				diag_add(d, r->path, f->ids.v[j].pos,
					 "secfixes lists %s under %s, a later release of the current "
					 "version, but no patch in patches/ names it, expected a "
					 "'CVE: %s' line in the header of the patch that fixes it",
					 f->ids.v[j].s, f->fullver.s, f->ids.v[j].s);
		}
	}
	for (size_t i = 0; i < named.n; i++)
		free(named.v[i].s);
	free(named.v);
	sl_free(&l);
	free(pd);
}
