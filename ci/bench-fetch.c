/* bench-fetch.c - driver for ci/bench-fetch.sh: time N index lookups in
 * one process, and one extraction (optionally of a wrapped member). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debsrc.h"
#include "extract.h"
#include "util.h"

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "lookup")) { /* lookup INDEX N */
		int n = atoi(argv[3]), found = 0;
		double t0 = now_seconds();
		for (int i = 0; i < n; i++) {
			char key[32], hex[SHA256_HEX_LEN + 1];
			struct strlist urls = STRLIST_INIT;
			uint64_t size;
			snprintf(key, sizeof key, "%d", i);
			sha256_hex(key, strlen(key), hex);
			found += debsrc_index_lookup(argv[2], hex, &urls, &size) > 0;
			sl_free(&urls);
		}
		printf("%d lookups (%d found) in %.3f s: %.1f us each\n", n, found,
		       now_seconds() - t0, (now_seconds() - t0) * 1e6 / n);
		return 0;
	}
	if (argc >= 4 && !strcmp(argv[1], "extract")) { /* extract ARCHIVE DEST [INNER] */
		struct extract_opts o = {-1, argc > 4 ? argv[4] : NULL};
		double t0 = now_seconds();
		if (extract_archive(argv[2], argv[3], &o) < 0) {
			fprintf(stderr, "%s\n", kr_errmsg());
			return 1;
		}
		printf("extracted in %.1f s\n", now_seconds() - t0);
		return 0;
	}
	fprintf(stderr, "usage: bench-fetch lookup INDEX N | extract ARCHIVE DEST [INNER]\n");
	return 2;
}
