/* fuzz_imgsbom.c - libFuzzer target: the image SBOM writer reading a
 * hostile package SBOM. The input is the .SBOM.spdx.json of "zlib" in a
 * two-package image (zlib depends on glibc through so:libc.so.6); any
 * document produced must be JSON again and name both packages. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imgsbom.h"

static const char glibc_sbom[] =
	"{\"spdxVersion\":\"SPDX-2.3\",\"packages\":[{\"SPDXID\":\"SPDXRef-Package-glibc\","
	"\"name\":\"glibc\",\"versionInfo\":\"2.41-r0\",\"licenseDeclared\":\"LGPL-2.1-or-later\"}]"
	","
	"\"relationships\":[{\"spdxElementId\":\"SPDXRef-DOCUMENT\",\"relationshipType\":"
	"\"DESCRIBES\",\"relatedSpdxElement\":\"SPDXRef-Package-glibc\"}]}";

int fuzz_imgsbom(const uint8_t *data, size_t size)
{
	static struct pkginfo zlib, glibc;
	if (!zlib.name) {
		zlib = (struct pkginfo){.name = "zlib",
					.version = "1.3.1-r0",
					.arch = "x86_64",
					.origin = "zlib",
					.summary = "zlib",
					.license = "Zlib"};
		sl_push(&zlib.depends, "so:libc.so.6");
		glibc = (struct pkginfo){.name = "glibc",
					 .version = "2.41-r0",
					 .arch = "x86_64",
					 .origin = "glibc",
					 .summary = "glibc",
					 .license = "LGPL-2.1-or-later"};
		sl_push(&glibc.provides, "so:libc.so.6");
	}
	const char *sha = "0000000000000000000000000000000000000000000000000000000000000000";
	struct imgsbom_pkg p[2] = {{&zlib, sha, 1, (const char *)data, size},
				   {&glibc, sha, 1, glibc_sbom, strlen(glibc_sbom)}};
	struct imgsbom_input in = {"base", "x86_64", "images/base.yaml", sha, sha, 1, "krill", 0, p,
				   2,	   NULL};
	char *s = imgsbom_spdx(&in);
	if (!s)
		return 0;
	json_error_t e;
	json_t *j = json_loads(s, 0, &e);
	if (!j || !strstr(s, "\"SPDXRef-Package-zlib\"") || !strstr(s, "\"SPDXRef-Package-glibc\""))
		abort();
	json_decref(j);
	free(s);
	return 0;
}

#ifndef KRILL_FUZZ_DRIVER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_imgsbom(data, size);
}
#endif
