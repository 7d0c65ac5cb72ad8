/* outdated.h - the newest upstream version of each port that the Debian
 * source indices list, and whether its file is actually served.
 *
 * For each recipe, its first fetched source (the pin) is looked up by
 * sha256 in every Sources paragraph of the suites apt fetched (debsrc.h);
 * the paragraph that lists it names the Debian source package. Every
 * version of that package (and of its siblings PREFIX-N when the package
 * is versioned like gcc-16) gives a candidate: its upstream tarball with
 * the version Debian's epoch, revision and repack marks removed
 * (outdated_upstream). Candidates newer than the recipe's version are
 * asked for by a HEAD request (probe.h), newest first, until one is
 * served. Reference: tools/doc/outdated.md.
 */
#ifndef KRILL_OUTDATED_H
#define KRILL_OUTDATED_H

#include <stdint.h>

#include "recipe.h"
#include "util.h"

enum od_kind { OD_RELEASE, OD_PRE, OD_SNAPSHOT, OD_INVALID };
const char *od_kind_name(enum od_kind k);

/* One upstream tarball of the Debian archive. */
struct od_file {
	char *package, *debver; /* the first paragraph that lists it */
	char *upstream;		/* outdated_upstream(debver) */
	char *name;
	char sha256[SHA256_HEX_LEN + 1];
	uint64_t size;
	struct strlist urls, suites; /* every place that lists it */
	enum od_kind kind;
	int served; /* 1 yes, 0 no, -1 could not tell, -2 not asked */
	char *why;  /* for 0 and -1: the answer (HTTP 404, an error) */
	char *from; /* for 1: the URL that answered */
};

enum od_status {
	OD_NO_SOURCE,  /* nothing fetched (tree sources only, or none) */
	OD_UNKNOWN,    /* no Debian source package found */
	OD_CURRENT,    /* the newest listed release is the recipe's version */
	OD_AHEAD,      /* the recipe is newer than anything listed */
	OD_NEWER,      /* a newer version is listed and its file is served */
	OD_NOT_SERVED, /* newer versions are listed, none is served */
};
const char *od_status_name(enum od_status s);

struct od_port {
	const struct recipe *r;
	int source;	    /* index of the pinned source in r->sources; -1 none */
	char *pin_name;	    /* its file name (source_filename) */
	char *package;	    /* Debian source package, NULL: unknown */
	const char *how;    /* how it was found: sha256, url, filename, name */
	struct od_file pin; /* the pinned file; pin.urls empty: not listed */
	int pin_listed;
	struct od_file *cands; /* every upstream tarball of package, newest first */
	size_t ncands;
	int newest; /* index of the newest candidate of an allowed kind, -1 */
	int served; /* index of the newest newer served candidate, -1 */
	enum od_status status;
};

struct od_opts {
	const char *cache_dir, *apt_etc, *arch;
	int pre;   /* also consider pre-releases and snapshots */
	int probe; /* ask the archive (1), or report listed versions only (0) */
};

struct od_report {
	struct od_port *ports;
	size_t n;
	struct strlist indices; /* "SUITE URI" of each Sources index read */
};
void od_report_free(struct od_report *rep);

/* Debian's version as an upstream version to compare with a recipe's:
 * epoch and revision dropped (sources_upstream_version), "X+reallyY" is Y,
 * and "+dfsg", "~dfsg", ".dfsg", "+ds", "+repack" marks (with a number
 * after them) are removed. malloc'd. */
char *outdated_upstream(const char *debver);
/* OD_PRE for a "~" version, OD_SNAPSHOT for git/svn/bzr/hg snapshots and
 * dated development builds (a run of 8 digits when pinned has none),
 * OD_INVALID for what a recipe's version cannot be. */
enum od_kind outdated_kind(const char *upstream, const char *pinned);

/* Scan the Sources indices for recipes rs[0..n) (debsrc_update first). */
int outdated_scan(const struct od_opts *o, struct recipe *const *rs, size_t n,
		  struct od_report *rep);

struct fetch_opts;
/* For a port with status OD_NEWER: download the served candidate into the
 * distfiles cache (fetch_file: by sha256, so it is verified), then update
 * the recipe (version, release 1, the pinned source's sha256, its
 * debian:PKG/FILE url and a filename naming the old Debian file) with
 * recipe_update_file. */
int outdated_write(const struct od_port *p, const struct fetch_opts *fo);

#endif
