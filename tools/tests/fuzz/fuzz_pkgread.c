/* fuzz_pkgread.c - libFuzzer target: the package reader, opened on memory,
 * every member iterated and its data read. An input starting with 'T' is
 * a plain tar that the harness compresses first, so that mutations reach
 * the tar and metadata checks instead of dying in zstd's checksums; any
 * other input is fed as is (the zstd layer itself). Opened twice: as the
 * index opens it (the SBOM parsed, its file hashes taken as an installer
 * without .SHA256SUMS takes them) and as the installer does (the SBOM
 * parsed only without .SHA256SUMS, each file's digest read). */
#include <stdint.h>
#include <stdlib.h>
#include <zstd.h>

#include "pkgread.h"

static void read_all(const void *data, size_t size, int flags)
{
	struct pkgread *r = pkgread_open_memory_flags(data, size, "fuzz", flags);
	if (!r)
		return;
	/* the installer's use of the SBOM: each file's sha256 */
	struct strmap sums = STRMAP_INIT;
	pkgread_sbom_sha256s(r, &sums);
	for (size_t i = 0; i < sums.cap; i++)
		if (sums.keys[i])
			free(sums.vals[i]);
	strmap_free(&sums);
	struct pkg_entry e;
	char buf[4096];
	unsigned sum = 0;
	while (pkgread_next(r, &e) == 1) {
		for (int i = 0; e.sha256 && i < 64; i++)
			sum += (unsigned char)e.sha256[i];
		while (pkgread_data(r, buf, sizeof buf) > 0)
			;
	}
	size_t len;
	const char *t = pkgread_sums_text(r, &len);
	if (t && len)
		sum += (unsigned char)t[len - 1];
	pkgread_close(r);
	(void)sum;
}

static void read_both(const void *data, size_t size)
{
	read_all(data, size, 0);
	read_all(data, size, PKGREAD_SUMS_ENOUGH);
}

int fuzz_pkgread(const uint8_t *data, size_t size)
{
	if (!size || data[0] != 'T') {
		read_both(data, size);
		return 0;
	}
	size_t cap = ZSTD_compressBound(size - 1);
	void *z = xmalloc(cap);
	size_t n = ZSTD_compress(z, cap, data + 1, size - 1, 1);
	if (!ZSTD_isError(n))
		read_both(z, n);
	free(z);
	return 0;
}

#ifndef KRILL_FUZZ_DRIVER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_pkgread(data, size);
}
#endif
