/* pkgtest.h - helpers shared by the packaging unit tests: temp dirs, small
 * files, shell commands, and a tiny C library + program built with the
 * host cc so tests see real ELF files. */
#ifndef KRILL_PKGTEST_H
#define KRILL_PKGTEST_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "recipe.h"
#include "util.h"

/* Run a shell command built from fmt; returns its exit status. */
static __attribute__((unused)) int KR_PRINTF(1, 2) sh(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *cmd = NULL;
	if (vasprintf(&cmd, fmt, ap) < 0)
		abort();
	va_end(ap);
	int rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : 1;
}

static __attribute__((unused)) char *tmpdir_new(void)
{
	char tmpl[] = "/tmp/krill-pkgtest.XXXXXX";
	if (!mkdtemp(tmpl))
		abort();
	return xstrdup(tmpl);
}

/* Write data to dir/rel, creating parent folders. */
static __attribute__((unused)) void put(const char *dir, const char *rel, const char *data,
					mode_t mode)
{
	char *p = path_join(dir, rel);
	char *d = path_dirname(p);
	mkdir_p(d, 0755);
	FILE *f = fopen(p, "w");
	if (!f)
		abort();
	fputs(data, f);
	fclose(f);
	chmod(p, mode);
	free(d);
	free(p);
}

/* Make dir/rel a symlink to target, creating parent folders. */
static __attribute__((unused)) void lnk(const char *dir, const char *rel, const char *target)
{
	char *p = path_join(dir, rel);
	char *d = path_dirname(p);
	mkdir_p(d, 0755);
	if (symlink(target, p) < 0)
		abort();
	free(d);
	free(p);
}

/* Build dir/libfoo.so.1.0 (soname libfoo.so.1) and dir/prog linking it. */
static __attribute__((unused)) int build_foo(const char *dir)
{
	put(dir, "foo.c", "int foo(void) { return 42; }\n", 0644);
	put(dir, "main.c", "int foo(void);\nint main(void) { return foo() == 42 ? 0 : 1; }\n",
	    0644);
	return sh("cd '%s' && cc -g -shared -fPIC -Wl,-soname,libfoo.so.1 -o libfoo.so.1.0 foo.c "
		  "&& ln -sf libfoo.so.1.0 libfoo.so && cc -g -o prog main.c -L. -lfoo "
		  "&& cc -g -c foo.c -o foo.o && ar rcs libfoo.a foo.o",
		  dir);
}

/* Write dir/port.yaml with the given extra YAML and load it. */
static __attribute__((unused)) struct recipe *load_recipe(const char *dir, const char *extra)
{
	char *y = xasprintf("name: foo\nversion: 1.2\nrelease: 3\nsummary: the foo library\n"
			    "license: MIT\nhomepage: https://example.org/foo\n"
			    "sources:\n  - url: https://example.org/foo-${version}.tar.gz\n"
			    "    sha256: %s\n"
			    "build:\n  style: make\n%s",
			    "1111111111111111111111111111111111111111111111111111111111111111",
			    extra);
	put(dir, "port.yaml", y, 0644);
	free(y);
	char *p = path_join(dir, "port.yaml");
	struct diags d = {0};
	struct recipe *r = recipe_load(p, &d);
	if (!r || d.n) {
		printf("FAIL load_recipe: %s\n", d.n ? d.v[0].msg : "unreadable");
		exit(1);
	}
	free(p);
	diag_free(&d);
	return r;
}

/* A temp dir with a recipe, an install root DIR/dest and an output
 * folder name DIR/out (not created). */
struct fixture {
	char *dir, *root, *out;
	struct recipe *r;
};

static __attribute__((unused)) struct fixture fixture_new(const char *extra_yaml)
{
	struct fixture f;
	f.dir = tmpdir_new();
	f.root = path_join(f.dir, "dest");
	f.out = path_join(f.dir, "out");
	mkdir_p(f.root, 0755);
	f.r = load_recipe(f.dir, extra_yaml);
	return f;
}

static __attribute__((unused)) void fixture_free(struct fixture *f)
{
	recipe_free(f->r);
	rm_rf(f->dir);
	free(f->root);
	free(f->out);
	free(f->dir);
}

#endif
