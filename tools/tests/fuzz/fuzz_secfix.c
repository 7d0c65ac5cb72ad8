/* fuzz_secfix.c - libFuzzer target: the patch-header id scanner
 * (patch_header_ids, tools/lib/recipe/secfix.c) over the whole input, and
 * the id, CPE 2.3 and purl grammars (tools/lib/base/vulnid.c) over each
 * line. Oracles: every id the scanner returns is well-formed and lies on
 * the line and column it names; a well-formed CPE has 13 components. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "secfix.h"
#include "vulnid.h"

int fuzz_secfix(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct pstrlist ids = {NULL, 0};
	struct diags d = DIAGS_INIT;
	patch_header_ids(s, size, "fuzz.patch", &ids, &d);
	for (size_t i = 0; i < ids.n; i++) {
		if (!vuln_id_valid(ids.v[i].s, NULL))
			abort(); /* a malformed id was let through */
		/* its place: line (1-based) and column of its first byte */
		size_t pos = 0;
		for (int l = 1; l < ids.v[i].pos.line && pos < size; pos++)
			if (s[pos] == '\n')
				l++;
		pos += (size_t)ids.v[i].pos.col - 1;
		size_t n = strlen(ids.v[i].s);
		if (pos + n > size || memcmp(s + pos, ids.v[i].s, n))
			abort();
		free(ids.v[i].s);
	}
	free(ids.v);
	diag_free(&d);
	/* each line as an id, a CPE and a purl */
	for (size_t pos = 0; pos < size;) {
		const char *nl = memchr(s + pos, '\n', size - pos);
		size_t n = nl ? (size_t)(nl - (s + pos)) : size - pos;
		char *line = strndup(s + pos, n);
		pos += n + 1;
		vuln_id_valid(line, NULL);
		purl_valid(line, NULL);
		if (cpe23_valid(line, NULL)) {
			int colons = 0;
			for (const char *p = line; *p; p++)
				if (*p == '\\' && p[1])
					p++;
				else
					colons += *p == ':';
			if (colons != 12)
				abort();
		}
		free(line);
	}
	return 0;
}

#ifndef KRILL_FUZZ_DRIVER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_secfix(data, size);
}
#endif
