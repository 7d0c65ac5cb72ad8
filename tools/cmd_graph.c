/* cmd_graph.c - `krill graph`: check and resolve the ports tree, compute
 * content keys, write the make fragment (and DOT). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cachegc.h"
#include "graph.h"
#include "verbs.h"

static int run(int argc, char **argv);

const struct verb verb_graph = {
	"graph",
	"resolve the ports graph, compute content keys, write the make fragment",
	"usage: krill graph [--arch A] [--toolchain-key K] [--stages DIR --with NAMES]\n"
	"                   [-o FRAGMENT.mk] [--dot FILE] [PORTS_DIR]\n"
	"\n"
	"Reads PORTS_DIR/*/port.yaml (default: ports), checks every recipe, resolves\n"
	"build and runtime dependencies (subpackages and provides give names), reports\n"
	"every missing dependency and every cycle, and computes each port's content key.\n"
	"\n"
	"  --arch A            target arch: x86_64, aarch64 or host (default: host)\n"
	"  --toolchain-key K   key of the host tools and toolchain (part of each key)\n"
	"  -o FILE             write the make fragment to FILE (only if its content changed)\n"
	"  --stages DIR        also load the toolchain stages of DIR (bootstrap/); they\n"
	"                      build with the host compiler\n"
	"  --with 'A B ...'    implicit build dependencies of every port of PORTS_DIR\n"
	"                      (not of the stages): the toolchain and C runtime\n"
	"  --dot FILE          write the graph as Graphviz DOT ('-' for stdout)\n"
	"  --keys FILE         write `KEY NAME` per port (only if its content changed)\n"
	"  --gc-root DIR       register FILE of --keys as a GC root of the cache DIR\n"
	"                      (`krill cache gc` keeps every result a root names)\n"
	"\n"
	"Without -o or --dot, prints one line per port: NAME VERSION KEY.\n"
	"Exit status: 0 clean, 1 problems found (each printed as path:line:col: ...), 2 usage.\n",
	run,
};

/* Write only when different, so make's view of the file stays quiet. */
static int write_if_changed(const char *path, const char *data, size_t len)
{
	char *old;
	size_t olen;
	if (read_file(path, &old, &olen) == 0) {
		int same = olen == len && !memcmp(old, data, len);
		free(old);
		if (same)
			return 0;
	}
	char *dir = path_dirname(path);
	int rc = mkdir_p(dir, 0755);
	free(dir);
	return rc < 0 ? -1 : write_file_atomic(path, data, len, 0644);
}

static int emit(const char *path, void (*fn)(const struct graph *, FILE *), const struct graph *g)
{
	if (!strcmp(path, "-")) {
		fn(g, stdout);
		return 0;
	}
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	fn(g, f);
	fclose(f);
	int rc = write_if_changed(path, buf, len);
	free(buf);
	return rc;
}

static void write_keys(const struct graph *g, FILE *f)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->ports[i].enabled)
			fprintf(f, "%s %s\n", g->ports[i].key, g->ports[i].r->name.s);
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
		{"arch", required_argument, NULL, 'a'},
		{"toolchain-key", required_argument, NULL, 't'},
		{"dot", required_argument, NULL, 'd'},
		{"output", required_argument, NULL, 'o'},
		{"stages", required_argument, NULL, 's'},
		{"with", required_argument, NULL, 'w'},
		{"keys", required_argument, NULL, 'k'},
		{"gc-root", required_argument, NULL, 'g'},
		{NULL, 0, NULL, 0},
	};
	const char *arch = "host", *tkey = "", *dot = NULL, *out = NULL, *stages = NULL;
	const char *with = "", *keys = NULL, *gcroot = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "a:o:", opts, NULL)) != -1) {
		switch (c) {
		case 'a': arch = optarg; break;
		case 't': tkey = optarg; break;
		case 'd': dot = optarg; break;
		case 'o': out = optarg; break;
		case 's': stages = optarg; break;
		case 'w': with = optarg; break;
		case 'k': keys = optarg; break;
		case 'g': gcroot = optarg; break;
		default: return verb_usage_error(&verb_graph, "bad option");
		}
	}
	if (argc - optind > 1)
		return verb_usage_error(&verb_graph, "expected at most one PORTS_DIR");
	if (gcroot && !keys)
		return verb_usage_error(&verb_graph, "--gc-root needs --keys FILE");
	if (strcmp(arch, "x86_64") && strcmp(arch, "aarch64") && strcmp(arch, "host"))
		return verb_usage_error(
			&verb_graph, "unknown arch '%s', expected x86_64, aarch64 or host", arch);
	/* it lands in the make fragment and krill build's command line */
	for (const char *k = tkey; *k; k++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-",
			    *k))
			return verb_usage_error(&verb_graph,
						"--toolchain-key '%s': expected letters, digits, "
						"'.', '_' and '-' only",
						tkey);
	const char *dir = optind < argc ? argv[optind] : "ports";
	struct graph g = {0};
	struct diags d = DIAGS_INIT;
	int rc = 0;
	if (stages)
		graph_load(&g, stages, arch, &d);
	size_t nstages = g.n;
	graph_load(&g, dir, arch, &d);
	struct strlist wl = STRLIST_INIT;
	sl_split(&wl, with, " ,");
	graph_add_with(&g, nstages, &wl);
	sl_free(&wl);
	graph_resolve(&g, &d);
	if (d.n) {
		diag_sort(&d);
		diag_print(&d, stderr);
		fprintf(stderr, "krill graph: %zu problem%s\n", d.n, d.n == 1 ? "" : "s");
		rc = 1;
		goto done;
	}
	if (graph_keys(&g, tkey) < 0) {
		fprintf(stderr, "krill graph: %s\n", kr_errmsg());
		rc = 1;
		goto done;
	}
	if (out && emit(out, graph_write_make, &g) < 0) {
		fprintf(stderr, "krill graph: %s\n", kr_errmsg());
		rc = 1;
	}
	if (dot && emit(dot, graph_write_dot, &g) < 0) {
		fprintf(stderr, "krill graph: %s\n", kr_errmsg());
		rc = 1;
	}
	if (keys && (emit(keys, write_keys, &g) < 0 ||
		     (gcroot && strcmp(keys, "-") && cache_add_root(gcroot, keys) < 0))) {
		fprintf(stderr, "krill graph: %s\n", kr_errmsg());
		rc = 1;
	}
	if (!out && !dot && !keys)
		for (size_t i = 0; i < g.n; i++)
			if (g.ports[i].enabled)
				printf("%s %s-r%d %s\n", g.ports[i].r->name.s,
				       g.ports[i].r->version.s, g.ports[i].r->release,
				       g.ports[i].key);
done:
	diag_free(&d);
	graph_free(&g);
	return rc;
}
