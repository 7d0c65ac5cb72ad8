/* fuzz_sbom.c - libFuzzer target: the SBOM check pkgread applies to every
 * package's .SBOM.spdx.json (depth pre-scan, jansson under a memory
 * budget), on arbitrary bytes. */
#include <stdint.h>

#include "pkgread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pkgread_check_sbom((const char *)data, size, "fuzz");
	return 0;
}
