/* test_spdx.c - SPDX license expressions (SPDX 2.3 annex D). */
#include "recipe.h"
#include "t.h"

TEST(valid_expressions)
{
	const char *good[] = {
		"MIT",
		"mit", /* ids match case-insensitively */
		"GPL-2.0-or-later",
		"MPL-1.1+", /* "or later" suffix */
		"MIT OR Apache-2.0",
		"BSD-3-Clause AND (MIT OR Zlib)",
		"GPL-3.0-or-later WITH GCC-exception-3.1",
		"LicenseRef-Krill-Custom",
		"((MIT))",
		"(MIT OR ISC) AND (Apache-2.0 WITH LLVM-exception)",
	};
	for (size_t i = 0; i < ARRAY_LEN(good); i++) {
		int rc = spdx_check(good[i]);
		if (rc)
			printf("  %s: %s\n", good[i], kr_errmsg());
		CHECK(rc == 0);
	}
}

static int fails_with(const char *expr, const char *sub)
{
	return spdx_check(expr) < 0 && strstr(kr_errmsg(), sub) != NULL;
}

TEST(invalid_expressions)
{
	CHECK(fails_with("", "empty license expression"));
	CHECK(fails_with("   ", "empty license expression"));
	CHECK(fails_with("Foo-1.0", "unknown SPDX license id 'Foo-1.0'"));
	CHECK(fails_with("MIT and Zlib", "must be upper case"));
	CHECK(fails_with("MIT or", "must be upper case"));
	CHECK(fails_with("MIT OR", "expected a license id at the end"));
	CHECK(fails_with("AND MIT", "expected a license id before AND"));
	CHECK(fails_with("(MIT", "expected ')'"));
	CHECK(fails_with("MIT)", "unexpected ')'"));
	CHECK(fails_with("MIT Zlib", "unexpected 'Zlib'"));
	CHECK(fails_with("MIT WITH Nope", "unknown SPDX exception 'Nope'"));
	CHECK(fails_with("LicenseRef-", "LicenseRef- followed by"));
	CHECK(fails_with("LicenseRef-a_b", "LicenseRef- followed by"));
}

TEST(deep_nesting_is_refused_not_a_crash)
{
	char buf[4096];
	size_t n = 0;
	for (; n < 1000; n++)
		buf[n] = '(';
	memcpy(buf + n, "MIT", 4);
	CHECK(fails_with(buf, "nested deeper than 32"));
	char ok[128] = "";
	for (int i = 0; i < 30; i++)
		strcat(ok, "(");
	strcat(ok, "MIT");
	for (int i = 0; i < 30; i++)
		strcat(ok, ")");
	CHECK(spdx_check(ok) == 0);
}

int main(void)
{
	RUN(valid_expressions);
	RUN(invalid_expressions);
	RUN(deep_nesting_is_refused_not_a_crash);
	DONE();
}
