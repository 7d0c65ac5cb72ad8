/* tree.h - temp recipe trees for unit tests (test_recipe, test_graph).
 * Everything lives under one mkdtemp dir that tree_done() removes. */
#ifndef KRILL_TEST_TREE_H
#define KRILL_TEST_TREE_H

#include <stdarg.h>
#include <stdlib.h>

#include "util.h"

static inline char *tree_root(void)
{
	char tmpl[] = "/tmp/krill-test-XXXXXX";
	if (!mkdtemp(tmpl)) {
		perror("mkdtemp");
		exit(1);
	}
	return xstrdup(tmpl);
}

/* Write ROOT/REL (creating folders) with printf-formatted content. */
static inline void tree_write(const char *root, const char *rel, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline void tree_write(const char *root, const char *rel, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *data = NULL;
	if (vasprintf(&data, fmt, ap) < 0)
		exit(1);
	va_end(ap);
	char *path = path_join(root, rel);
	char *dir = path_dirname(path);
	if (mkdir_p(dir, 0755) < 0 || write_file_atomic(path, data, strlen(data), 0644) < 0) {
		fprintf(stderr, "tree_write %s: %s\n", path, kr_errmsg());
		exit(1);
	}
	free(dir);
	free(path);
	free(data);
}

/* A minimal valid port NAME with build-depends BDEPS (a YAML flow list body,
 * e.g. "b, c") and EXTRA lines appended. */
static inline void tree_port(const char *root, const char *name, const char *bdeps,
			     const char *extra)
{
	char *rel = xasprintf("%s/port.yaml", name);
	tree_write(root, rel,
		   "name: %s\nversion: 1.0\nrelease: 1\nsummary: test port %s\nlicense: MIT\n"
		   "build-depends: [%s]\nbuild:\n  style: none\n%s",
		   name, name, bdeps ? bdeps : "", extra ? extra : "");
	free(rel);
}

static inline void tree_done(char *root)
{
	rm_rf(root);
	free(root);
}

#endif
