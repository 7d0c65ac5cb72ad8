/* fuzz_index.c - libFuzzer target: the index parser. Whatever parses must
 * write back to text that parses to the same bytes again. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"

int fuzz_index(const uint8_t *data, size_t size)
{
	struct index ix, again;
	if (index_parse((const char *)data, size, "fuzz", &ix) < 0)
		return 0;
	struct sb out = SB_INIT, out2 = SB_INIT;
	index_write(&ix, &out);
	if (index_parse(out.s, out.len, "rewritten", &again) < 0)
		abort();
	index_write(&again, &out2);
	if (out.len != out2.len || memcmp(out.s, out2.s, out.len))
		abort();
	sb_free(&out);
	sb_free(&out2);
	index_free(&ix);
	index_free(&again);
	return 0;
}

#ifndef KRILL_FUZZ_DRIVER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_index(data, size);
}
#endif
