/* fuzz_sources.c - libFuzzer target: the Debian Sources parser (sources.c)
 * and the version rules of outdated.c applied to what it accepts. Whatever
 * it accepts must keep its promises: a valid package name, a directory and
 * file names that cannot leave the pool, 64 lowercase hex digits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "outdated.h"
#include "sources.h"

static int check(const struct sources_para *p, void *arg)
{
	(void)arg;
	if (!p->package[0] || !p->version[0] || p->directory[0] == '/' ||
	    strstr(p->directory, "..") == p->directory || strstr(p->directory, "/../") ||
	    !p->nfiles)
		abort();
	char *up = outdated_upstream(p->version);
	outdated_kind(up, "1.0");
	for (size_t i = 0; i < p->nfiles; i++) {
		const struct sources_file *f = &p->files[i];
		if (strchr(f->name, '/') || f->name[0] == '.' || strlen(f->sha256) != 64 ||
		    !is_hex(f->sha256, 64))
			abort();
		sources_is_upstream_tarball(p->package, p->version, f->name);
	}
	free(up);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sources_parse((const char *)data, size, "fuzz", check, NULL);
	return 0;
}
