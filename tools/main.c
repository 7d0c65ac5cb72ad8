/* main.c - `krill`: dispatch to one verb per file (cmd_<verb>.c). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "verbs.h"

#define X(v) &verb_##v,
static const struct verb *const verbs[] = {VERB_LIST(X)};
#undef X

static const struct verb *find_verb(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(verbs); i++)
		if (!strcmp(verbs[i]->name, name))
			return verbs[i];
	return NULL;
}

static void overview(FILE *f)
{
	fprintf(f, "usage: krill VERB [OPTIONS] [ARGS]\n"
		   "       krill help [VERB] | --version\n\nverbs:\n");
	for (size_t i = 0; i < ARRAY_LEN(verbs); i++)
		fprintf(f, "  %-8s %s\n", verbs[i]->name, verbs[i]->summary);
	fprintf(f, "\n`krill help VERB` (or `man krill-VERB`) for details.\n");
}

int verb_usage_error(const struct verb *v, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "krill %s: ", v->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n\n%s", v->usage);
	return 2;
}

int verb_wants_help(const struct verb *v, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(v->usage, stdout);
			return 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		overview(stderr);
		return 2;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--version") || !strcmp(name, "version")) {
		printf("krill %s\n", KRILL_VERSION);
		return 0;
	}
	if (!strcmp(name, "help") || !strcmp(name, "--help") || !strcmp(name, "-h")) {
		if (argc < 3) {
			overview(stdout);
			return 0;
		}
		const struct verb *v = find_verb(argv[2]);
		if (!v) {
			fprintf(stderr, "krill: no such verb '%s'\n", argv[2]);
			return 2;
		}
		fputs(v->usage, stdout);
		return 0;
	}
	const struct verb *v = find_verb(name);
	if (!v) {
		fprintf(stderr, "krill: no such verb '%s'\n\n", name);
		overview(stderr);
		return 2;
	}
	if (verb_wants_help(v, argc - 1, argv + 1))
		return 0;
	return v->run(argc - 1, argv + 1);
}
