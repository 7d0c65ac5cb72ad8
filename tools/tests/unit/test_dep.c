/* test_dep.c - the grammar of names, versions and dependencies (dep.h),
 * and which package satisfies a dependency. */
#include "dep.h"
#include "t.h"

TEST(valid_versions)
{
	const char *good[] = {"1",	  "1.0",  "1.2.3",  "2.12~rc1", "1.0+dfsg",
			      "20240101", "1.0a", "3.0_p1", "0.9.8zh"};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		CHECK(valid_version(good[i]));
	const char *bad[] = {"",     "v1",    "1.0-2", "1..0",	"1.0.", ".1",
			     "1.0~", "1~a~b", "1 0",   "1.0/2", "1.+0", "-1"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		CHECK(!valid_version(bad[i]));
}

TEST(full_versions)
{
	const char *good[] = {"1.0-r0", "2.12~rc1-r3", "1.0+dfsg-r10"};
	for (size_t i = 0; i < ARRAY_LEN(good); i++)
		CHECK(valid_full_version(good[i]));
	const char *bad[] = {"1.0", "1.0-r", "1.0-2", "1.0-rx", "-r1", "v1-r0", "1.0-r1 "};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++)
		CHECK(!valid_full_version(bad[i]));
}

TEST(package_names)
{
	const char *good[] = {"zlib", "libstdc++6", "tzdata-utc", "0ad", "py3.12_x"};
	for (size_t i = 0; i < ARRAY_LEN(good); i++)
		CHECK(valid_pkgname(good[i]));
	const char *bad[] = {"", "Foo", "-x", ".x", "a b", "a/b", "so:libz.so.1", "zlib>=1"};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++)
		CHECK(!valid_pkgname(bad[i]));
}

/* dep_split's three parts joined by '|', or NULL when it refuses. */
static char *split(const char *dep)
{
	char *n, *o, *v;
	if (dep_split(dep, &n, &o, &v) < 0)
		return NULL;
	char *r = xasprintf("%s|%s|%s", n, o, v);
	free(n);
	free(o);
	free(v);
	return r;
}

#define SPLIT(dep, want)                                                                           \
	do {                                                                                       \
		char *got = split(dep);                                                            \
		CHECK_STR(got, want);                                                              \
		free(got);                                                                         \
	} while (0)

TEST(split_dependencies)
{
	SPLIT("zlib", "zlib||");
	SPLIT("zlib>=1.3", "zlib|>=|1.3");
	SPLIT("zlib>=1.3-r0", "zlib|>=|1.3-r0");
	SPLIT("a<2", "a|<|2");
	SPLIT("a<=2", "a|<=|2");
	SPLIT("a=2", "a|=|2");
	SPLIT("a>2", "a|>|2");
	SPLIT("so:libz.so.1", "so:libz.so.1||");
	SPLIT("so:libstdc++.so.6", "so:libstdc++.so.6||");
	const char *bad[] = {"",	 "lib>=",    "zlib>>1", "zlib=>1",  "zlib<>1",
			     "zlib >=1", "zlib>=1 ", "Zlib",	">=1",	    "zlib>=v1",
			     "so:",	 "so:a b",   "so:x>=1", "zlib>=1-2"};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		char *got = split(bad[i]);
		CHECK(got == NULL);
		free(got);
	}
	CHECK(split("lib>=") == NULL);
	CHECK(strstr(kr_errmsg(), "dependency 'lib>=': expected NAME, NAME OP VERSION"));
}

static struct strlist provs(const char *csv)
{
	struct strlist l = STRLIST_INIT;
	if (*csv)
		sl_split(&l, csv, ",");
	return l;
}

TEST(satisfied_by_name_and_version)
{
	struct strlist none = provs("");
	CHECK(dep_satisfied_by("zlib", "zlib", "1.3-r0", &none) == 1);
	CHECK(dep_satisfied_by("zlib>=1.3", "zlib", "1.3-r0", &none) == 1);
	CHECK(dep_satisfied_by("zlib>=1.3-r1", "zlib", "1.3-r0", &none) == 0);
	CHECK(dep_satisfied_by("zlib<1.3", "zlib", "1.3-r0", &none) == 0);
	CHECK(dep_satisfied_by("zlib=1.3", "zlib", "1.3-r7", &none) == 1);
	CHECK(dep_satisfied_by("zlib", "zlib-dev", "1.3-r0", &none) == 0);
	CHECK(dep_satisfied_by("zlib>>1", "zlib", "1.3-r0", &none) == -1);
	CHECK(strstr(kr_errmsg(), "dependency 'zlib>>1'"));
}

TEST(satisfied_by_provides)
{
	struct strlist p = provs("sh,cmd=3,so:libz.so.1");
	CHECK(dep_satisfied_by("sh", "busybox", "1.36-r0", &p) == 1);
	CHECK(dep_satisfied_by("sh>=1", "busybox", "1.36-r0", &p) == 0); /* unversioned */
	CHECK(dep_satisfied_by("cmd", "busybox", "1.36-r0", &p) == 1);
	CHECK(dep_satisfied_by("cmd>=2", "busybox", "1.36-r0", &p) == 1);
	CHECK(dep_satisfied_by("cmd>3", "busybox", "1.36-r0", &p) == 0);
	CHECK(dep_satisfied_by("so:libz.so.1", "busybox", "1.36-r0", &p) == 1);
	CHECK(dep_satisfied_by("so:libz.so", "busybox", "1.36-r0", &p) == 0); /* whole names */
	CHECK(dep_satisfied_by("c", "busybox", "1.36-r0", &p) == 0);	      /* not a prefix */
	CHECK(dep_satisfied_by("so:libz.so.1", "zlib", "1.3-r0", NULL) == 0);
	sl_free(&p);
}

int main(void)
{
	RUN(valid_versions);
	RUN(full_versions);
	RUN(package_names);
	RUN(split_dependencies);
	RUN(satisfied_by_name_and_version);
	RUN(satisfied_by_provides);
	DONE();
}
