/* test_buildtime.c - lib/buildtime: per-arch build times kept across
 * builds (the plan line's estimate, the heartbeat's "last time"); updates
 * replace a port's line, keep the others, skip damaged lines. */
#include <stdlib.h>

#include "buildtime.h"
#include "t.h"
#include "util.h"

static char *tmp;

TEST(record_and_lookup)
{
	CHECK(buildtime_lookup(tmp, "x86_64", "gcc") == -1);
	CHECK(buildtime_record(tmp, "x86_64", "gcc", 3120.4) == 0);
	CHECK(buildtime_record(tmp, "x86_64", "binutils", 0.2) == 0);
	CHECK(buildtime_record(tmp, "aarch64", "gcc", 4000) == 0);
	CHECK(buildtime_lookup(tmp, "x86_64", "gcc") == 3120);
	CHECK(buildtime_lookup(tmp, "x86_64", "binutils") == 1); /* at least a second */
	CHECK(buildtime_lookup(tmp, "aarch64", "gcc") == 4000);
	CHECK(buildtime_lookup(tmp, "x86_64", "gc") == -1); /* a prefix is no match */
	CHECK(buildtime_record(tmp, "x86_64", "gcc", 2999.6) == 0);
	CHECK(buildtime_lookup(tmp, "x86_64", "gcc") == 3000);
	char *p = buildtime_path(tmp, "x86_64"), *data = NULL;
	CHECK(read_file(p, &data, NULL) == 0);
	CHECK_STR(data, "binutils 1\ngcc 3000\n"); /* sorted, one line each */
	free(data);
	free(p);
}

TEST(damaged_lines_skipped)
{
	char *p = buildtime_path(tmp, "host");
	char *d = path_dirname(p);
	mkdir_p(d, 0755);
	const char junk[] = "zlib 12\nbroken\nevil -5\nnum 12abc\n\n a 3\nzstd 40";
	CHECK(write_file_atomic(p, junk, strlen(junk), 0644) == 0);
	CHECK(buildtime_lookup(tmp, "host", "zstd") == 40); /* no final newline */
	CHECK(buildtime_lookup(tmp, "host", "evil") == -1);
	CHECK(buildtime_lookup(tmp, "host", "num") == -1);
	CHECK(buildtime_record(tmp, "host", "m4", 7) == 0);
	char *data = NULL;
	CHECK(read_file(p, &data, NULL) == 0);
	CHECK_STR(data, "m4 7\nzlib 12\nzstd 40\n");
	free(data);
	CHECK(buildtime_record(tmp, "host", "bad name", 7) < 0);
	CHECK(buildtime_record(tmp, "../x", "m4", 7) < 0);
	free(d);
	free(p);
}

int main(void)
{
	char tmpl[] = "/tmp/krill-test-buildtime-XXXXXX";
	tmp = mkdtemp(tmpl);
	if (!tmp)
		return 1;
	RUN(record_and_lookup);
	RUN(damaged_lines_skipped);
	rm_rf(tmp);
	DONE();
}
