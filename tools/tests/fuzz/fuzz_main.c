/* fuzz_main.c - replay a fuzz corpus without libFuzzer.
 *
 * Links with a fuzz target's LLVMFuzzerTestOneInput and calls it once per
 * file named on the command line (or per file of each directory named), so
 * every input the fuzzer ever found interesting stays a regression test in
 * `make check` (and under ASan/UBSan with SAN=1); `make check` builds it as
 * test_fuzz_NAME with FUZZ_CORPUS set to the target's seed corpus. Prints one PASS line per
 * corpus; a crash is the test failing.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	char *data;
	size_t len;
	if (read_file(path, &data, &len) < 0) {
		printf("FAIL fuzz-corpus: %s\n", kr_errmsg());
		return -1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)data, len);
	free(data);
	return 0;
}

int main(int argc, char **argv)
{
#ifdef FUZZ_CORPUS
	/* Built for make check: replay the seed corpus by default. */
	static char *def[] = {NULL, FUZZ_CORPUS, NULL};
	if (argc < 2) {
		def[0] = argv[0];
		argc = 2;
		argv = def;
	}
#endif
	int failed = 0;
	for (int i = 1; i < argc; i++) {
		size_t n = 0;
		if (!is_dir(argv[i])) {
			failed |= run_file(argv[i]) < 0;
			continue;
		}
		struct strlist names = STRLIST_INIT;
		if (list_dir(argv[i], &names) < 0) {
			printf("FAIL fuzz-corpus %s: %s\n", argv[i], kr_errmsg());
			return 1;
		}
		for (size_t j = 0; j < names.n; j++) {
			char *p = path_join(argv[i], names.v[j]);
			failed |= run_file(p) < 0;
			free(p);
			n++;
		}
		sl_free(&names);
		if (!n) {
			printf("FAIL fuzz-corpus %s: empty corpus\n", argv[i]);
			failed = 1;
		} else
			printf("PASS fuzz-corpus %s (%zu inputs)\n", path_basename(argv[i]), n);
	}
	return failed;
}
