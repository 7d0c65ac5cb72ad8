/* fuzz_feeds.c - libFuzzer target: the security feed checker
 * (feed_check, tools/lib/repo/feedcheck.c) over the input as a secdb and
 * as an OpenVEX document, against a fixed index header (main/x86_64).
 * Oracle: a document the checker accepts is valid JSON to jansson too. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "feeds.h"

int fuzz_feeds(const uint8_t *data, size_t size)
{
	struct index ix = {.name = "main", .arch = "x86_64", .version = 1};
	for (int f = 0; f < FEED_N; f++)
		if (feed_check(f, (const char *)data, size, &ix, "fuzz") == 0) {
			json_error_t e;
			json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &e);
			if (!j)
				abort();
			json_decref(j);
		}
	return 0;
}

#ifndef KRILL_FUZZ_DRIVER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_feeds(data, size);
}
#endif
