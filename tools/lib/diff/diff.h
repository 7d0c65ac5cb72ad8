/* diff.h - compare two builds of the same packages, for reproducibility
 * checks (`krill diff`, `make repro`): which packages, files and bytes
 * differ.
 *
 * Each side is a package file or a directory of *.pkg.tar.zst (a repo dir
 * or a build output dir). Packages are paired by their .PKGINFO name. A
 * pair whose files hash the same is identical; otherwise both are streamed
 * once to list and hash every member, and only the regular files whose
 * hashes differ are spooled to a temp dir for the byte and ELF-section
 * comparison, so memory stays bounded by the member count, not the sizes.
 *
 * The result is a JSON document (schema in tools/doc/diff.md) that
 * diff_print() also renders for people. Reference: tools/doc/diff.md.
 */
#ifndef KRILL_DIFF_H
#define KRILL_DIFF_H

#include <jansson.h>
#include <stdio.h>

#include "util.h"

struct diff_opts {
	int verbose;	  /* list identical packages by name */
	size_t max_lines; /* differing text lines kept per document; 0: 200 */
	const char *tmp;  /* parent of the spool dir; NULL: $TMPDIR or /tmp */
	/* deep: per differing file also a "deep" list of sections, each naming
	 * the tool that wrote it: diffoscope's text report when diffoscope is
	 * set (the program; diffoscope_label, e.g. "diffoscope 240", names it),
	 * else (or when it fails) krill's own: the differing lines of a text
	 * file, the bytes around the first difference of a binary one. */
	int deep;
	const char *diffoscope, *diffoscope_label;
};

/* "diffoscope VERSION" when prog runs (`prog --version`), else NULL
 * (malloc'd). */
char *diff_diffoscope_label(const char *prog);

/* Render a report as one self-contained HTML page: no scripts, no
 * external resources; every string from the packages is escaped. */
void diff_html(const json_t *report, FILE *f);

/* Compare a and b. Returns 0 identical, 1 differences, -1 on a read or
 * usage error (kr_err names the file and what was expected). On 0 and 1
 * *report is the JSON report (caller json_decref's it). */
int diff_paths(const char *a, const char *b, const struct diff_opts *o, json_t **report);

/* Render a report as text. */
void diff_print(const json_t *report, FILE *f);

/* Differing lines of two texts as "-line"/"+line" strings, in order, at
 * most max of them; *omitted counts the rest. Exposed for the tests. */
json_t *diff_lines(const char *a, size_t alen, const char *b, size_t blen, size_t max,
		   size_t *omitted);

#endif
