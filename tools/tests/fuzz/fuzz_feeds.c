/* fuzz_feeds.c - libFuzzer target: the security feed checker
 * (feed_check, tools/lib/repo/feedcheck.c) over the input as a secdb and
 * as an OpenVEX document, against a fixed index header (main/x86_64); an
 * OpenVEX document it accepts then goes through the image VEX
 * (imgvex.c) as `krill image` would take it. Oracles: a document the
 * checker accepts is valid JSON to jansson too, and the image VEX made
 * from it is valid JSON (or none). */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "feeds.h"
#include "imgvex.h"

/* the image VEX of an accepted OpenVEX feed, over two installed packages */
static void image_vex(const char *data, size_t size)
{
	char n0[] = "zlib", v0[] = "1.3.2-r2", n1[] = "curl", v1[] = "8.0-r1", a[] = "x86_64";
	struct pkginfo p[2] = {{.name = n0, .version = v0, .arch = a},
			       {.name = n1, .version = v1, .arch = a}};
	struct imgvex_feed f = {data, size, "fuzz"};
	struct imgvex_input in = {
		"base",
		"x86_64",
		"5c1e4f0a7b9d2e3f4a5b6c7d8e9f00112233445566778899aabbccddeeff0011",
		1700000000,
		p,
		2,
		&f,
		1};
	char *out = NULL;
	if (imgvex_statement(&in, &out) < 0)
		abort(); /* the checker accepted it: restating it cannot fail */
	if (out) {
		json_error_t e;
		json_t *j = json_loads(out, JSON_REJECT_DUPLICATES, &e);
		if (!j)
			abort();
		json_decref(j);
		free(out);
	}
}

int fuzz_feeds(const uint8_t *data, size_t size)
{
	struct index ix = {.name = "main", .arch = "x86_64", .version = 1};
	for (int f = 0; f < FEED_N; f++)
		if (feed_check(f, (const char *)data, size, &ix, "fuzz") == 0) {
			json_error_t e;
			json_t *j =
				json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &e);
			if (!j)
				abort();
			json_decref(j);
			if (f == FEED_VEX)
				image_vex((const char *)data, size);
		}
	return 0;
}

#ifndef KRILL_FUZZ_DRIVER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_feeds(data, size);
}
#endif
