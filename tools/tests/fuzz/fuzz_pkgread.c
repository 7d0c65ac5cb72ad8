/* fuzz_pkgread.c - libFuzzer target: the package reader, opened on memory,
 * every member iterated and its data read. */
#include <stdint.h>
#include <stdlib.h>

#include "pkgread.h"

int fuzz_pkgread(const uint8_t *data, size_t size)
{
	struct pkgread *r = pkgread_open_memory(data, size, "fuzz");
	if (!r)
		return 0;
	struct pkg_entry e;
	char buf[4096];
	while (pkgread_next(r, &e) == 1)
		while (pkgread_data(r, buf, sizeof buf) > 0)
			;
	pkgread_close(r);
	return 0;
}

#ifndef KRILL_FUZZ_DRIVER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_pkgread(data, size);
}
#endif
