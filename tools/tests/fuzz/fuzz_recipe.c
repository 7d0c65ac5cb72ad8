/* fuzz_recipe.c - libFuzzer entry point for the recipe parser.
 *
 * Feeds arbitrary bytes to recipe_load_mem() and, when the recipe parsed,
 * exercises what later stages do with it (variable expansion, the full
 * version). Built with clang -fsanitize=fuzzer,address,undefined by
 * `make fuzz FUZZ=recipe`, and without libFuzzer by the corpus regression
 * driver (fuzz_main.c) that `make check` runs over corpus/recipe/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "recipe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diags d = DIAGS_INIT;
	struct recipe *r = recipe_load_mem((const char *)data, size, "fuzz/port.yaml", &d);
	if (r) {
		for (size_t i = 0; i < r->nsources; i++)
			if (r->sources[i].url.s)
				free(recipe_expand(r, r->sources[i].url.s, "x86_64"));
		free(recipe_fullver(r));
		recipe_free(r);
	}
	/* Formatting every diagnostic catches bad positions and strings too. */
	FILE *null = fopen("/dev/null", "w");
	if (null) {
		diag_print(&d, null);
		fclose(null);
	}
	diag_free(&d);
	return 0;
}
