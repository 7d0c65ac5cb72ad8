/* test_transport.c - local transport (paths, file://): copy, size cap,
 * hash check, untouched destination on failure. http(s) is covered by the
 * integration tests against a server on 127.0.0.1. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "transport.h"
#include "util.h"

static char dir[64];

TEST(copy_path_and_file_url)
{
	char *src = xasprintf("%s/src", dir), *dst = xasprintf("%s/dst", dir);
	char *url = xasprintf("file://%s", src), hash[65], *data;
	size_t len;
	CHECK(write_file_atomic(src, "payload", 7, 0644) == 0);
	sha256_hex("payload", 7, hash);
	CHECK(transport_get(src, dst, 7, hash) == 0);
	CHECK(read_file(dst, &data, &len) == 0 && len == 7 && !memcmp(data, "payload", 7));
	free(data);
	unlink(dst);
	CHECK(transport_get(url, dst, 0, NULL) == 0 && path_exists(dst));
	free(src);
	free(dst);
	free(url);
}

TEST(cap_and_hash_refused_dest_untouched)
{
	char *src = xasprintf("%s/src", dir), *dst = xasprintf("%s/keep", dir);
	char *part = xasprintf("%s.part", dst), *data;
	size_t len;
	CHECK(write_file_atomic(dst, "old", 3, 0644) == 0);
	CHECK(transport_get(src, dst, 6, NULL) < 0);
	CHECK(strstr(kr_errmsg(), "larger than the 6 bytes allowed") != NULL);
	CHECK(!path_exists(part));
	CHECK(transport_get(src, dst, 0,
			    "0000000000000000000000000000000000000000000000000000000000000000") <
	      0);
	CHECK(strstr(kr_errmsg(), "sha256 mismatch: expected 0000") != NULL);
	CHECK(!path_exists(part));
	CHECK(read_file(dst, &data, &len) == 0 && len == 3);
	free(data);
	CHECK(transport_get("ftp://x/y", dst, 0, NULL) < 0 &&
	      strstr(kr_errmsg(), "unsupported URL"));
	CHECK(transport_get("file://relative", dst, 0, NULL) < 0);
	CHECK(transport_get("/nonexistent/zz", dst, 0, NULL) < 0 &&
	      strstr(kr_errmsg(), "/nonexistent/zz"));
	free(src);
	free(dst);
	free(part);
}

int main(void)
{
	strcpy(dir, "/tmp/krill-test-transport-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	RUN(copy_path_and_file_url);
	RUN(cap_and_hash_refused_dest_untouched);
	rm_rf(dir);
	DONE();
}
