/* bench-package.c - driver for ci/bench-package.sh (not part of krill).
 *
 *   bench-package gen DIR            write the synthetic ~100 MB tree
 *   bench-package pack RECIPE DIR OUT [LEVEL]
 *                                    package DIR (no strip) and print
 *                                    "wall_s cpu_s total_bytes" on stdout
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "package.h"

static uint64_t rng = 88172645463325252ULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static const char *const words[] = {
	"the",	   "package",  "of",	"a",	   "file",    "to",    "and",
	"build",   "source",   "int",	"return",  "struct",  "if",    "for",
	"static",  "void",     "char",	"license", "version", "krill", "zstd",
	"library", "function", "error", "value",   "(",	      ")",     "{",
	"}",	   ";",	       "\n",	"\t",	   "=",	      "0",
};

/* Text-like (compressible) or random bytes. */
static void fill(char *buf, size_t n, int text)
{
	size_t i = 0;
	while (i < n) {
		if (!text) {
			uint64_t r = next();
			size_t k = n - i < 8 ? n - i : 8;
			memcpy(buf + i, &r, k);
			i += k;
			continue;
		}
		const char *w = words[next() % ARRAY_LEN(words)];
		for (; *w && i < n; w++)
			buf[i++] = *w;
		if (i < n)
			buf[i++] = ' ';
	}
}

static void gen_file(const char *dir, const char *rel, size_t size, int text)
{
	char *p = path_join(dir, rel), *d = path_dirname(p);
	mkdir_p(d, 0755);
	char *buf = xmalloc(size ? size : 1);
	fill(buf, size, text);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, buf, size) != (ssize_t)size)
		abort();
	close(fd);
	free(buf);
	free(d);
	free(p);
}

/* 4 big files (2 text, 2 random, 12 MB each) + 4000 small ones (1-20 KB,
 * 3/4 text): about 48 + 42 MB, plus 10 MB of mid-size files. */
static void gen(const char *dir)
{
	char name[256];
	for (int i = 0; i < 4; i++) {
		snprintf(name, sizeof name, "usr/share/bench/big-%d.%s", i, i % 2 ? "bin" : "txt");
		gen_file(dir, name, 12u << 20, i % 2 == 0);
	}
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof name, "usr/lib/bench/mid-%02d.dat", i);
		gen_file(dir, name, 512u << 10, i % 4 != 0);
	}
	for (int i = 0; i < 4000; i++) {
		snprintf(name, sizeof name, "usr/share/bench/d%02d/f%04d", i % 40, i);
		gen_file(dir, name, 1024 + next() % (20 * 1024), i % 4 != 0);
	}
}

static double cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

static int pack(const char *recipe, const char *dir, const char *out, int level)
{
	struct diags d = DIAGS_INIT;
	struct recipe *r = recipe_load(recipe, &d);
	if (!r || d.n) {
		diag_print(&d, stderr);
		return 1;
	}
	struct package_opts o = {.recipe = r,
				 .arch = "x86_64",
				 .destdir = dir,
				 .outdir = out,
				 .source_date_epoch = 1700000000,
				 .zstd_level = level};
	struct package_result res;
	double t0 = now_seconds(), c0 = cpu_seconds();
	if (package_port(&o, &res) < 0) {
		fprintf(stderr, "bench-package: %s\n", kr_errmsg());
		return 1;
	}
	double t = now_seconds() - t0, c = cpu_seconds() - c0;
	uint64_t total = 0;
	for (size_t i = 0; i < res.n; i++)
		total += res.v[i].size;
	printf("%.2f %.2f %llu\n", t, c, (unsigned long long)total);
	package_result_free(&res);
	recipe_free(r);
	diag_free(&d);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "gen")) {
		gen(argv[2]);
		return 0;
	}
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "pack"))
		return pack(argv[2], argv[3], argv[4], argc == 6 ? atoi(argv[5]) : 0);
	fprintf(stderr, "usage: bench-package gen DIR | pack RECIPE DIR OUT [LEVEL]\n");
	return 2;
}
