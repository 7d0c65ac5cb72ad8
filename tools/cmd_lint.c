/* cmd_lint.c - `krill lint`: report every problem in every recipe. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "imagespec.h"
#include "secfix.h"
#include "verbs.h"

static int run(int argc, char **argv);

const struct verb verb_lint = {
	"lint",
	"check recipes and report every problem at once",
	"usage: krill lint [--ports DIR] [--arch A] [--images DIR] [PORT...]\n"
	"\n"
	"Checks every recipe under DIR (default: ports) strictly: unknown keys, wrong\n"
	"types, missing fields, malformed sha256, bad versions, bad SPDX licenses,\n"
	"folder/name mismatches, duplicate providers, missing dependencies and cycles;\n"
	"secfixes and not-affected ids, cpe and purl, and that the ids patch headers\n"
	"name (CVE: lines) agree with secfixes both ways.\n"
	"With PORTs, reports only problems in those ports' recipes. A PORT is a name\n"
	"(zstd) or a path as tab completion gives it (ports/zstd, ports/zstd/,\n"
	"ports/zstd/port.yaml); without --ports, a path's folder is the tree.\n"
	"With --images DIR, also checks every DIR/*.yaml image spec as strictly\n"
	"(tools/doc/image.md): unknown or duplicate keys, wrong types, bad names,\n"
	"paths, ids, permissions and archs.\n"
	"Each problem is one line `path:line:col: what is wrong, what was expected`.\n"
	"Exit status: 0 clean, 1 problems found, 2 usage.\n",
	run,
};

/* Checks beyond the schema: patches are *.patch files, and the ids their
 * headers name agree with secfixes (secfix.h). */
static void lint_port_files(const struct graph *g, struct diags *d)
{
	for (size_t i = 0; i < g->n; i++) {
		char *pd = path_join(g->ports[i].r->dir, "patches");
		struct strlist l = STRLIST_INIT;
		if (is_dir(pd) && list_dir(pd, &l) == 0)
			for (size_t j = 0; j < l.n; j++)
				if (!str_ends(l.v[j], ".patch")) {
					char *p = path_join(pd, l.v[j]);
					diag_add(d, p, (struct pos){0, 0},
						 "not a patch, expected only NNNN-name.patch files "
						 "in patches/");
					free(p);
				}
		sl_free(&l);
		free(pd);
		secfix_check_patches(g->ports[i].r, d);
	}
}

/* Every image spec DIR/NAME.yaml. */
static void lint_images(const char *dir, struct diags *d)
{
	struct strlist l = STRLIST_INIT;
	if (list_dir(dir, &l) < 0) {
		diag_add(d, dir, (struct pos){0, 0}, "cannot read: %s", kr_errmsg());
		return;
	}
	for (size_t i = 0; i < l.n; i++) {
		if (!str_ends(l.v[i], ".yaml"))
			continue;
		char *p = path_join(dir, l.v[i]);
		imagespec_free(imagespec_load(p, d));
		free(p);
	}
	sl_free(&l);
}

static int wanted(const struct diag *x, int nnames, char **names, const char *dir)
{
	if (!nnames)
		return 1;
	for (int i = 0; i < nnames; i++) {
		char *pdir = path_join(dir, names[i]);
		char *prefix = xasprintf("%s/", pdir);
		int hit = str_starts(x->file, prefix);
		free(prefix);
		free(pdir);
		if (hit)
			return 1;
	}
	return 0;
}

/* Two paths name the same folder. */
static int same_dir(const char *a, const char *b)
{
	char *ra = realpath(a, NULL), *rb = realpath(b, NULL);
	int same = ra && rb && !strcmp(ra, rb);
	free(ra);
	free(rb);
	return same;
}

/* A PORT argument as a port name: "zstd", or a path to it ("ports/zstd",
 * "ports/zstd/", "ports/zstd/port.yaml"). A path's folder must be the
 * tree; without --ports the first path's folder becomes the tree (*dir,
 * malloc'd in *owned; *pinned then set). NULL with *why set when a path
 * lies elsewhere. */
static char *port_name(const char *arg, const char **dir, int dir_given, int *pinned, char **owned,
		       const char **why)
{
	char *s = xstrdup(arg);
	size_t n = strlen(s);
	while (n > 1 && s[n - 1] == '/')
		s[--n] = 0;
	if (!strcmp(s, "port.yaml") || str_ends(s, "/port.yaml")) {
		n -= strlen("port.yaml");
		s[n] = 0;
		while (n > 1 && s[n - 1] == '/')
			s[--n] = 0;
	}
	if (!*s || !strchr(s, '/'))
		return s;
	char *parent = path_dirname(s), *name = xstrdup(path_basename(s));
	free(s);
	if (same_dir(parent, *dir)) {
		*pinned = 1;
		free(parent);
		return name;
	}
	if (!*pinned) {
		*pinned = 1;
		*owned = parent;
		*dir = parent;
		return name;
	}
	*why = dir_given ? "is not in the ports tree given by --ports"
			 : "is in another tree than the ports named before it";
	free(parent);
	free(name);
	return NULL;
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
		{"ports", required_argument, NULL, 'p'},
		{"arch", required_argument, NULL, 'a'},
		{"images", required_argument, NULL, 'i'},
		{NULL, 0, NULL, 0},
	};
	const char *dir = "ports", *arch = NULL, *images = NULL;
	int c, dir_given = 0;
	while ((c = getopt_long(argc, argv, "p:a:i:", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			dir = optarg;
			dir_given = 1;
			break;
		case 'a': arch = optarg; break;
		case 'i': images = optarg; break;
		default: return verb_usage_error(&verb_lint, "bad option");
		}
	}
	if (arch && strcmp(arch, "x86_64") && strcmp(arch, "aarch64") && strcmp(arch, "host"))
		return verb_usage_error(
			&verb_lint, "unknown arch '%s', expected x86_64, aarch64 or host", arch);
	int nnames = argc - optind;
	char **names = xcalloc((size_t)nnames + 1, sizeof *names), *owned = NULL;
	int pinned = dir_given;
	for (int i = 0; i < nnames; i++) {
		const char *why = NULL;
		names[i] = port_name(argv[optind + i], &dir, dir_given, &pinned, &owned, &why);
		if (!names[i]) {
			fprintf(stderr, "krill lint: '%s' %s (%s)\n", argv[optind + i], why, dir);
			for (int j = 0; j < i; j++)
				free(names[j]);
			free(names);
			free(owned);
			return 2;
		}
	}
	struct graph g = {0};
	struct diags d = DIAGS_INIT, shown = DIAGS_INIT;
	graph_load(&g, dir, arch, &d);
	graph_resolve(&g, &d);
	lint_port_files(&g, &d);
	for (size_t i = 0; i < d.n; i++)
		if (wanted(&d.v[i], nnames, names, dir))
			diag_add(&shown, d.v[i].file, d.v[i].pos, "%s", d.v[i].msg);
	if (images)
		lint_images(images, &shown);
	for (int i = 0; i < nnames; i++) {
		char *pdir = path_join(dir, names[i]);
		char *p = path_join(pdir, "port.yaml");
		free(pdir);
		if (!path_exists(p))
			diag_add(&shown, p, (struct pos){0, 0}, "no such port '%s'",
				 argv[optind + i]);
		free(p);
	}
	diag_sort(&shown);
	diag_print(&shown, stdout);
	int rc = shown.n ? 1 : 0;
	if (rc)
		fprintf(stderr, "krill lint: %zu problem%s\n", shown.n, shown.n == 1 ? "" : "s");
	diag_free(&d);
	diag_free(&shown);
	graph_free(&g);
	for (int i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	free(owned);
	return rc;
}
