/* test_fuzz_corpus.c - regression run of the fuzz corpora without
 * libFuzzer: every file in tools/tests/fuzz/corpus/TARGET goes through the
 * target's function (which aborts on a broken invariant; ASan catches
 * memory errors under `make check SAN=1`). */
#define KRILL_FUZZ_DRIVER 1
#include "../fuzz/fuzz_index.c"
#include "../fuzz/fuzz_pkgread.c"
#include "../fuzz/fuzz_sig.c"

#include "t.h"

static void run_corpus(const char *target, int (*fn)(const uint8_t *, size_t))
{
	const char *top = getenv("TOP");
	char *dir = xasprintf("%s/tools/tests/fuzz/corpus/%s", top ? top : ".", target);
	struct strlist l = STRLIST_INIT;
	size_t done = 0;
	if (list_dir(dir, &l) == 0)
		for (size_t i = 0; i < l.n; i++) {
			char *p = path_join(dir, l.v[i]), *data;
			size_t len;
			if (read_file(p, &data, &len) == 0) {
				fn((const uint8_t *)data, len);
				free(data);
				done++;
			}
			free(p);
		}
	if (done && done == l.n)
		printf("PASS corpus_%s (%zu inputs)\n", target, done);
	else
		printf("FAIL corpus_%s: %s: read %zu of %zu inputs\n", target, dir, done, l.n);
	t_failed_total += !(done && done == l.n);
	sl_free(&l);
	free(dir);
}

int main(void)
{
	(void)t_failed;
	run_corpus("fuzz_index", fuzz_index);
	run_corpus("fuzz_sig", fuzz_sig);
	run_corpus("fuzz_pkgread", fuzz_pkgread);
	DONE();
}
