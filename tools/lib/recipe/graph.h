/* graph.h - the ports graph: load every recipe, resolve names to ports,
 * find missing dependencies and cycles, compute content keys, and write the
 * make fragment (and DOT) that drives the build.
 */
#ifndef KRILL_GRAPH_H
#define KRILL_GRAPH_H

#include <stdio.h>

#include "diag.h"
#include "recipe.h"
#include "strmap.h"

struct port {
	struct recipe *r;
	int enabled;   /* available for the graph's arch */
	size_t *bdeps; /* ports needed before this one builds (indices) */
	size_t *via;   /* per bdeps entry: the build dep whose runtime closure
			  brought it in, or NO_VIA for a direct build-depends */
	size_t nbdeps;
	size_t *rdeps; /* ports its packages depend on at run time */
	size_t nrdeps;
	char key[65];	      /* content key, hex sha256 */
	int mark;	      /* traversal scratch */
	int broken;	      /* its recipe has problems: kept only to resolve names */
	struct pstrlist with; /* implicit build deps: the toolchain's runtime */
	struct strlist trees; /* "PATH=SHA256" per tree: source, as keyed */
};

#define NO_VIA ((size_t)-1)

struct graph {
	char *arch;
	char *toolchain_key;
	struct port *ports;
	size_t n;
	struct strmap providers; /* package name -> struct port * */
	struct strmap where;	 /* package name -> struct pos * of its explicit provider */
};

/* Load ports/NAME/port.yaml for every folder of dir, checking each recipe
 * and that folder and name agree. Problems go to d. */
int graph_load(struct graph *g, const char *dir, const char *arch, struct diags *d);
/* Give every port loaded from index `from` on the implicit build
 * dependencies `names` (a cross build's toolchain and C runtime). */
void graph_add_with(struct graph *g, size_t from, const struct strlist *names);
/* Providers, missing deps, cycles (every problem goes to d). 0 if clean. */
int graph_resolve(struct graph *g, struct diags *d);
/* Content keys (after a clean resolve). */
int graph_keys(struct graph *g, const char *toolchain_key);
struct port *graph_find(const struct graph *g, const char *name);
/* Make fragment; see tools/doc/graph.md for what it defines. */
void graph_write_make(const struct graph *g, FILE *f);
void graph_write_dot(const struct graph *g, FILE *f);
void graph_free(struct graph *g);

/* Names a make target of our own: a port may not be called that. */
int graph_reserved_name(const char *name);

#endif
