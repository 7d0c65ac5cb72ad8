/* fuzz_ldscript.c - libFuzzer target: the linker-script scanner that turns
 * lib*.so scripts into package dependencies. Every name it returns must be
 * a non-empty base name (no '/') holding ".so." */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ldscript.h"

int fuzz_ldscript(const uint8_t *data, size_t size)
{
	struct strlist l = STRLIST_INIT;
	int rc = ldscript_sonames((const char *)data, size, &l);
	if (rc == 0 && l.n)
		abort(); /* not a script, yet names came out */
	for (size_t i = 0; i < l.n; i++)
		if (!*l.v[i] || strchr(l.v[i], '/') || !strstr(l.v[i], ".so."))
			abort();
	sl_free(&l);
	return 0;
}

#ifndef KRILL_FUZZ_DRIVER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_ldscript(data, size);
}
#endif
