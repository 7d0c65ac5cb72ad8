/* test_version.c - version ordering and constraints (syntax: test_dep.c). */
#include "t.h"
#include "version.h"

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

TEST(ordering)
{
	static const char *const asc[][2] = {
		{"1.0", "2.0"},		{"1.9", "1.10"},      {"1.0~rc1", "1.0"},
		{"1.0~rc1", "1.0~rc2"}, {"1.0", "1.0.1"},     {"1.0a", "1.0b"},
		{"1.0a", "1.0.1"},	{"1.01", "1.2"},      {"2.0-r1", "2.0-r2"},
		{"2.0-r9", "2.0-r10"},	{"2.0-r5", "2.1-r1"}, {"9", "10"},
	};
	for (size_t i = 0; i < sizeof asc / sizeof *asc; i++) {
		CHECK(sign(version_cmp(asc[i][0], asc[i][1])) == -1);
		CHECK(sign(version_cmp(asc[i][1], asc[i][0])) == 1);
	}
	CHECK(version_cmp("1.0", "1.0") == 0);
	CHECK(version_cmp("1.01", "1.1") == 0);	  /* numbers compare as numbers */
	CHECK(version_cmp("1.0", "1.0-r3") == 0); /* a bare version matches any release */
}

TEST(constraints)
{
	CHECK(version_satisfies("1.0", "", "9"));
	CHECK(version_satisfies("1.0", ">=", "1.0"));
	CHECK(!version_satisfies("1.0", ">=", "2.0"));
	CHECK(version_satisfies("2.0", ">", "1.9"));
	CHECK(!version_satisfies("1.9", ">", "1.9"));
	CHECK(version_satisfies("1.0~rc1", "<", "1.0"));
	CHECK(version_satisfies("1.0", "<=", "1.0"));
	CHECK(version_satisfies("1.2-r3", "=", "1.2"));
	CHECK(!version_satisfies("1.2", "=", "1.3"));
	CHECK(!version_satisfies("1.2", "=>", "1.0")); /* not an operator */
}

int main(void)
{
	RUN(ordering);
	RUN(constraints);
	DONE();
}
