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
	CHECK(transport_get(url, dst, 7, NULL) == 0 && path_exists(dst));
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
	CHECK(transport_get(src, dst, 100,
			    "0000000000000000000000000000000000000000000000000000000000000000") <
	      0);
	CHECK(strstr(kr_errmsg(), "sha256 mismatch: expected 0000") != NULL);
	CHECK(!path_exists(part));
	CHECK(read_file(dst, &data, &len) == 0 && len == 3);
	free(data);
	CHECK(transport_get("ftp://x/y", dst, 100, NULL) < 0 &&
	      strstr(kr_errmsg(), "unsupported URL"));
	CHECK(transport_get("file://relative", dst, 100, NULL) < 0);
	CHECK(transport_get("/nonexistent/zz", dst, 100, NULL) < 0 &&
	      strstr(kr_errmsg(), "/nonexistent/zz"));
	free(src);
	free(dst);
	free(part);
}

/* max_size is always a cap: 0 is an empty file, never "unlimited" */
TEST(size_zero_means_empty)
{
	char *src = xasprintf("%s/src", dir), *empty = xasprintf("%s/empty", dir);
	char *dst = xasprintf("%s/z", dir), *part = xasprintf("%s.part", dst), hash[65];
	CHECK(write_file_atomic(empty, "", 0, 0644) == 0);
	sha256_hex("", 0, hash);
	CHECK(transport_get(empty, dst, 0, hash) == 0 && path_exists(dst));
	unlink(dst);
	CHECK(transport_get(src, dst, 0, NULL) < 0);
	CHECK(strstr(kr_errmsg(), "larger than the 0 bytes allowed") != NULL);
	CHECK(!path_exists(dst) && !path_exists(part));
	free(src);
	free(empty);
	free(dst);
	free(part);
}

/* a stale .part is never resumed with TRANSPORT_FRESH, and a failure
 * removes it */
TEST(fresh_leaves_no_part)
{
	char *src = xasprintf("%s/src", dir), *dst = xasprintf("%s/f", dir);
	char *part = xasprintf("%s.part", dst), hash[65], *data;
	size_t len;
	CHECK(write_file_atomic(part, "stale-stale", 11, 0644) == 0);
	sha256_hex("payload", 7, hash);
	CHECK(transport_get_ex(src, dst, 7, hash, TRANSPORT_FRESH) == 0);
	CHECK(read_file(dst, &data, &len) == 0 && len == 7 && !memcmp(data, "payload", 7));
	free(data);
	CHECK(!path_exists(part));
	CHECK(transport_get_ex("/nonexistent/zz", dst, 7, NULL, TRANSPORT_FRESH) < 0);
	CHECK(!path_exists(part));
	free(src);
	free(dst);
	free(part);
}

/* the deadline grows with the listed size; the environment overrides */
TEST(limits_scale_with_size)
{
	struct transport_limits l;
	unsetenv("KRILL_LOW_SPEED_LIMIT");
	unsetenv("KRILL_LOW_SPEED_TIME");
	unsetenv("KRILL_DEADLINE_BASE");
	unsetenv("KRILL_DEADLINE_RATE");
	transport_limits(0, &l);
	CHECK(l.low_speed_limit == 1024 && l.low_speed_time == 30 && l.deadline_ms == 60000);
	transport_limits(64ull << 20, &l);
	CHECK(l.deadline_ms == (60 + 1024) * 1000LL);
	transport_limits(UINT64_MAX, &l);
	CHECK(l.deadline_ms > 0);
	setenv("KRILL_DEADLINE_BASE", "1", 1);
	setenv("KRILL_DEADLINE_RATE", "1000", 1);
	setenv("KRILL_LOW_SPEED_TIME", "bad", 1);
	transport_limits(500, &l);
	CHECK(l.deadline_ms == 1500 && l.low_speed_time == 30);
	unsetenv("KRILL_DEADLINE_BASE");
	unsetenv("KRILL_DEADLINE_RATE");
	unsetenv("KRILL_LOW_SPEED_TIME");
}

int main(void)
{
	strcpy(dir, "/tmp/krill-test-transport-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	RUN(copy_path_and_file_url);
	RUN(cap_and_hash_refused_dest_untouched);
	RUN(size_zero_means_empty);
	RUN(fresh_leaves_no_part);
	RUN(limits_scale_with_size);
	rm_rf(dir);
	DONE();
}
