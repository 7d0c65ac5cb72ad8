/* fuzz_imagespec.c - libFuzzer entry point for the image spec parser.
 *
 * Feeds arbitrary bytes to imagespec_load_mem() and, when a spec came
 * back, exercises what krill image does with it (${arch} expansion, the
 * arch check). `make fuzz FUZZ=imagespec`; `make check` replays
 * corpus/imagespec/ through fuzz_main.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "imagespec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diags d = DIAGS_INIT;
	struct imagespec *s = imagespec_load_mem((const char *)data, size, "fuzz/x.yaml", &d);
	if (s) {
		for (size_t i = 0; i < s->repos.n; i++)
			free(imagespec_expand(s->repos.v[i].s, "aarch64"));
		(void)imagespec_has_arch(s, "x86_64");
		imagespec_free(s);
	}
	FILE *null = fopen("/dev/null", "w");
	if (null) {
		diag_print(&d, null);
		fclose(null);
	}
	diag_free(&d);
	return 0;
}
