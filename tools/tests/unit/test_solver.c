/* test_solver.c - dependency resolution: names, versions, provides, so:
 * names, ties, cycles, and the chain named on failure. */
#include "solver.h"
#include "t.h"

static struct pkginfo pk[16];
static const struct pkginfo *av[16];
static size_t npk;

/* "name version dep,dep provide,provide" (deps/provides may be "-") */
static void add(const char *name, const char *ver, const char *deps, const char *provs)
{
	struct pkginfo *p = &pk[npk];
	memset(p, 0, sizeof *p);
	p->name = xstrdup(name);
	p->version = xstrdup(ver);
	if (strcmp(deps, "-"))
		sl_split(&p->depends, deps, ",");
	if (strcmp(provs, "-"))
		sl_split(&p->provides, provs, ",");
	av[npk] = p;
	npk++;
}

static void reset(void)
{
	for (size_t i = 0; i < npk; i++)
		pkginfo_free(&pk[i]);
	npk = 0;
}

/* Solve and return the chosen "name-version" list joined by spaces
 * (NULL on failure, kr_errmsg() says why). */
static char *run(const char *req, const struct pkginfo *const *inst, size_t ninst)
{
	struct strlist r = STRLIST_INIT;
	sl_split(&r, req, " ");
	struct solution s;
	int rc = solve(av, npk, inst, ninst, &r, &s);
	sl_free(&r);
	if (rc < 0)
		return NULL;
	struct sb out = SB_INIT;
	for (size_t i = 0; i < s.n; i++)
		sb_printf(&out, "%s%s-%s", i ? " " : "", s.v[i]->name, s.v[i]->version);
	solution_free(&s);
	return sb_steal(&out);
}

#define EXPECT(req, want)                                                                          \
	do {                                                                                       \
		char *got = run(req, NULL, 0);                                                     \
		CHECK_STR(got, want);                                                              \
		free(got);                                                                         \
	} while (0)

TEST(deps_before_dependents_highest_version)
{
	reset();
	add("app", "1.0-r0", "lib", "-");
	add("lib", "1.0-r0", "-", "-");
	add("lib", "1.2-r0", "-", "-");
	add("lib", "1.10-r0", "-", "-");
	EXPECT("app", "lib-1.10-r0 app-1.0-r0");
}

TEST(version_constraints)
{
	reset();
	add("app", "1.0-r0", "lib<1.2", "-");
	add("lib", "1.0-r0", "-", "-");
	add("lib", "1.2-r0", "-", "-");
	EXPECT("app", "lib-1.0-r0 app-1.0-r0");
	EXPECT("lib>=1.2", "lib-1.2-r0");
	EXPECT("lib=1.0-r0", "lib-1.0-r0");
	CHECK(run("lib>2", NULL, 0) == NULL);
	CHECK(strstr(kr_errmsg(), "nothing provides lib>2 (available: 1.0-r0, 1.2-r0)"));
}

TEST(provides_and_so_names)
{
	reset();
	add("curl", "8.0-r0", "so:libz.so.1,sh", "-");
	add("zlib", "1.3-r0", "-", "so:libz.so.1");
	add("dash", "0.5-r0", "-", "sh");
	add("busybox", "1.36-r0", "-", "sh");
	/* unversioned provides tie on version: highest version wins */
	EXPECT("curl", "zlib-1.3-r0 busybox-1.36-r0 curl-8.0-r0");
}

TEST(versioned_provides)
{
	reset();
	add("app", "1-r0", "cmd>=2", "-");
	add("a", "1-r0", "-", "cmd=1");
	add("b", "1-r0", "-", "cmd=3");
	add("c", "1-r0", "-", "cmd");
	EXPECT("app", "b-1-r0 app-1-r0");
}

TEST(cycles_are_fine)
{
	reset();
	add("a", "1-r0", "b", "-");
	add("b", "1-r0", "c", "-");
	add("c", "1-r0", "a", "-");
	EXPECT("a", "c-1-r0 b-1-r0 a-1-r0");
}

TEST(unsatisfiable_names_the_chain)
{
	reset();
	add("a", "1-r0", "b", "-");
	add("b", "1-r0", "c>=1", "-");
	add("c", "1-r0", "so:libfoo.so.1", "-");
	CHECK(run("a", NULL, 0) == NULL);
	CHECK_STR(kr_errmsg(), "a -> b -> c: nothing provides so:libfoo.so.1");
	CHECK(run("zz", NULL, 0) == NULL);
	CHECK_STR(kr_errmsg(), "nothing provides zz");
}

TEST(installed_satisfies)
{
	reset();
	add("app", "1-r0", "lib", "-");
	add("lib", "2-r0", "-", "-");
	struct pkginfo inst = {0};
	inst.name = "lib";
	inst.version = "1-r0";
	const struct pkginfo *ip = &inst;
	char *got = run("app", &ip, 1);
	CHECK_STR(got, "app-1-r0");
	free(got);
}

TEST(one_version_per_name)
{
	reset();
	add("app", "1-r0", "x,y", "-");
	add("x", "1-r0", "lib=1-r0", "-");
	add("y", "1-r0", "lib=2-r0", "-");
	add("lib", "1-r0", "-", "-");
	add("lib", "2-r0", "-", "-");
	CHECK(run("app", NULL, 0) == NULL);
	CHECK_STR(kr_errmsg(), "only one version of lib can be installed: lib-2-r0 or lib-1-r0; because app -> y needs lib=2-r0, app -> x needs lib=1-r0");
}

TEST(deterministic_ties)
{
	reset();
	add("app", "1-r0", "sh", "-");
	add("zsh", "1-r0", "-", "sh");
	add("ash", "1-r0", "-", "sh");
	EXPECT("app", "ash-1-r0 app-1-r0");
	add("sh", "1-r0", "-", "-");
	EXPECT("app", "sh-1-r0 app-1-r0"); /* the real name wins the tie */
}

TEST(malformed_dependency)
{
	reset();
	add("app", "1-r0", "lib>=", "-");
	CHECK(run("app", NULL, 0) == NULL);
	CHECK(strstr(kr_errmsg(), "dependency 'lib>='"));
}

int main(void)
{
	RUN(deps_before_dependents_highest_version);
	RUN(version_constraints);
	RUN(provides_and_so_names);
	RUN(versioned_provides);
	RUN(cycles_are_fine);
	RUN(unsatisfiable_names_the_chain);
	RUN(installed_satisfies);
	RUN(one_version_per_name);
	RUN(deterministic_ties);
	RUN(malformed_dependency);
	reset();
	DONE();
}
