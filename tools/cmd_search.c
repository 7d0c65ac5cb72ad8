/* cmd_search.c - `krill search`: packages by name. */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "verbs.h"
#include "version.h"

static int run(int argc, char **argv);

const struct verb verb_search = {
	"search",
	"find packages the repositories offer by name",
	"usage: krill search [--root DIR] [--repo URL|PATH]... [--keys DIR] PATTERN...\n"
	"\n"
	"Prints NAME-VERSION for every package of the verified repository indexes\n"
	"whose name (or a name it provides) matches a PATTERN: a shell glob when it\n"
	"has * ? or [, else a substring. Sorted by name, newest version first.\n"
	"\n"
	"Exit status: 0 ok (also when nothing matches), 1 failure, 2 usage.\n",
	run,
};

static int match(const char *pat, const char *name)
{
	if (strpbrk(pat, "*?["))
		return fnmatch(pat, name, 0) == 0;
	return strstr(name, pat) != NULL;
}

static int hit(const struct strlist *pats, const struct pkginfo *p)
{
	for (size_t i = 0; i < pats->n; i++) {
		if (match(pats->v[i], p->name))
			return 1;
		for (size_t k = 0; k < p->provides.n; k++) {
			char *n = xstrndup(p->provides.v[k], strcspn(p->provides.v[k], "="));
			int m = match(pats->v[i], n);
			free(n);
			if (m)
				return 1;
		}
	}
	return 0;
}

static int cmp(const void *a, const void *b)
{
	const struct pkginfo *x = *(const struct pkginfo *const *)a,
			     *y = *(const struct pkginfo *const *)b;
	int c = strcmp(x->name, y->name);
	return c ? c : -version_cmp(x->version, y->version);
}

static int run(int argc, char **argv)
{
	struct client_opts o;
	int first = client_parse(argc, argv, 0, &o);
	if (first < 0 || first >= argc) {
		int rc = verb_usage_error(&verb_search, "%s",
					  first < 0 ? kr_errmsg() : "expected a PATTERN");
		client_opts_free(&o);
		return rc;
	}
	struct strlist pats = STRLIST_INIT;
	for (int i = first; i < argc; i++)
		sl_push(&pats, argv[i]);
	struct client c;
	int r = client_open(&c, &o, 1);
	if (r == 0) {
		size_t n, k = 0;
		const struct pkginfo **v = client_available(&c, &n);
		for (size_t i = 0; i < n; i++)
			if (hit(&pats, v[i]))
				v[k++] = v[i];
		qsort(v, k, sizeof *v, cmp);
		for (size_t i = 0; i < k; i++)
			if (!i || strcmp(v[i]->name, v[i - 1]->name) ||
			    strcmp(v[i]->version, v[i - 1]->version))
				printf("%s-%s\n", v[i]->name, v[i]->version);
		free(v);
	}
	if (client_close(&c) < 0 && r == 0)
		r = -1;
	if (r < 0)
		fprintf(stderr, "krill search: %s\n", kr_errmsg());
	sl_free(&pats);
	client_opts_free(&o);
	return r < 0 ? 1 : 0;
}
