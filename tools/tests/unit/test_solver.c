/* test_solver.c - dependency resolution: names, versions, provides, so:
 * names, ties, cycles, and the chain named on failure. */
#include "solver.h"
#include "t.h"

static struct pkginfo pk[32];
static const struct pkginfo *av[32];
static const char *tags[32];
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
	tags[npk] = NULL;
	npk++;
}

static void last_tag(const char *tag)
{
	tags[npk - 1] = tag;
}
static void last_prio(const char *prio)
{
	pk[npk - 1].provider_priority = xstrdup(prio);
}
static void last_install_if(const char *deps)
{
	sl_split(&pk[npk - 1].install_if, deps, ",");
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
	CHECK_STR(kr_errmsg(), "only one version of lib can be installed: lib-2-r0 or lib-1-r0; "
			       "because app -> y needs lib=2-r0, app -> x needs lib=1-r0");
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

/* solve_world over av: the whole set, sorted ("name-version ..."), or NULL */
static char *wsolve(const char *world, const struct pkginfo *const *inst, size_t ninst,
		    struct solve_req *tmpl)
{
	struct strlist w = STRLIST_INIT;
	sl_split(&w, world, " ");
	struct solve_req r = {0};
	if (tmpl)
		r = *tmpl;
	r.avail = av;
	r.navail = npk;
	r.tags = tags;
	r.installed = inst;
	r.ninstalled = ninst;
	r.world = &w;
	r.strict_virtual = 1;
	struct solution s;
	int rc = solve_world(&r, &s);
	sl_free(&w);
	if (rc < 0)
		return NULL;
	struct strlist names = STRLIST_INIT;
	for (size_t i = 0; i < s.n; i++) {
		char *n = xasprintf("%s-%s", s.v[i]->name, s.v[i]->version);
		sl_push_own(&names, n);
	}
	sl_sort(&names);
	char *j = sl_join(&names, " ");
	sl_free(&names);
	solution_free(&s);
	return j;
}

#define WEXPECT(world, want)                                                                       \
	do {                                                                                       \
		char *got = wsolve(world, NULL, 0, NULL);                                          \
		CHECK_STR(got, want);                                                              \
		free(got);                                                                         \
	} while (0)

#define WFAIL(world, msg)                                                                          \
	do {                                                                                       \
		char *got = wsolve(world, NULL, 0, NULL);                                          \
		CHECK(got == NULL);                                                                \
		free(got);                                                                         \
		CHECK_STR(kr_errmsg(), msg);                                                       \
	} while (0)

/* the greedy solver failed "a b" and solved "b a" (issue 15) */
TEST(order_independent)
{
	reset();
	add("a", "1-r0", "lib", "-");
	add("b", "1-r0", "lib<2.0", "-");
	add("c", "1-r0", "tool", "-");
	add("lib", "1.0-r0", "-", "-");
	add("lib", "2.0-r0", "-", "-");
	add("tool", "1-r0", "lib", "-");
	add("tool", "2-r0", "lib>=2.0", "-");
	const char *perms[] = {"a b c", "a c b", "b a c", "b c a", "c a b", "c b a"};
	for (size_t i = 0; i < ARRAY_LEN(perms); i++)
		WEXPECT(perms[i], "a-1-r0 b-1-r0 c-1-r0 lib-1.0-r0 tool-1-r0");
	WEXPECT("a c", "a-1-r0 c-1-r0 lib-2.0-r0 tool-2-r0");
}

TEST(backtracks_to_older_versions)
{
	reset();
	add("app", "1-r0", "x,y", "-");
	add("x", "1-r0", "lib=1-r0", "-");
	add("x", "2-r0", "lib=2-r0", "-");
	add("x", "3-r0", "gone", "-");
	add("y", "1-r0", "lib<2", "-");
	add("lib", "1-r0", "-", "-");
	add("lib", "2-r0", "-", "-");
	WEXPECT("app", "app-1-r0 lib-1-r0 x-1-r0 y-1-r0");
	WEXPECT("x", "lib-2-r0 x-2-r0");
}

/* apk: the provided version decides, not the package's own */
TEST(provider_by_provided_version)
{
	reset();
	add("old", "9-r0", "-", "svc=1");
	add("new", "1-r0", "-", "svc=2");
	add("app", "1-r0", "svc", "-");
	WEXPECT("app", "app-1-r0 new-1-r0");
	WEXPECT("app old", "app-1-r0 old-9-r0");
}

TEST(provider_by_priority)
{
	reset();
	add("app", "1-r0", "cmd", "-");
	add("low", "5-r0", "-", "cmd");
	last_prio("10");
	add("high", "1-r0", "-", "cmd");
	last_prio("20");
	WEXPECT("app", "app-1-r0 high-1-r0");
	reset();
	add("app", "1-r0", "cmd", "-");
	add("one", "1-r0", "-", "cmd");
	add("two", "2-r0", "-", "cmd");
	/* versionless providers only: an explicit choice is needed */
	WFAIL("app", "cmd is provided only by packages without a version (one, two): name one of "
		     "them");
	WEXPECT("app one", "app-1-r0 one-1-r0");
	WEXPECT("app two", "app-1-r0 two-2-r0");
}

TEST(two_providers_of_one_name_refused)
{
	reset();
	add("a", "1-r0", "-", "svc=1");
	add("b", "1-r0", "-", "svc=1");
	add("svc", "2-r0", "-", "-");
	WFAIL("a b", "a-1-r0 and b-1-r0 both provide svc: only one can be installed");
	WFAIL("a svc>=2", "a-1-r0 and svc-2-r0 both provide svc: only one can be installed");
	WEXPECT("a svc", "a-1-r0"); /* a answers to svc itself */
	/* unversioned provides never own the name */
	reset();
	add("a", "1-r0", "-", "so:libx.so.1");
	add("b", "1-r0", "-", "so:libx.so.1");
	WEXPECT("a b", "a-1-r0 b-1-r0");
}

TEST(self_provide_ignored)
{
	reset();
	add("a", "1-r0", "-", "a=5");
	add("a", "2-r0", "-", "-");
	WEXPECT("a", "a-2-r0");
	CHECK(wsolve("a>=3", NULL, 0, NULL) == NULL); /* the provide a=5 does not count */
}

TEST(explanations)
{
	reset();
	add("a", "1-r0", "b", "-");
	add("b", "1-r0", "c>=1", "-");
	add("c", "1-r0", "so:libfoo.so.1", "-");
	add("d", "1-r0", "!c", "-");
	add("e", "1-r0", "lib>=2", "-");
	add("lib", "1-r0", "-", "-");
	WFAIL("a", "a -> b -> c: nothing provides so:libfoo.so.1");
	WFAIL("e", "e: nothing provides lib>=2 (available: 1-r0)");
	WFAIL("zz", "nothing provides zz");
	reset();
	add("a", "1-r0", "c", "-");
	add("c", "1-r0", "-", "-");
	add("d", "1-r0", "!c", "-");
	WFAIL("a d", "d-1-r0 conflicts with c-1-r0 (!c); because a needs c");
	WFAIL("a !c", "the request !c; because a needs c");
}

TEST(world_conflict_and_versions)
{
	reset();
	add("a", "1-r0", "lib", "-");
	add("lib", "1-r0", "-", "-");
	add("lib", "2-r0", "-", "-");
	WEXPECT("a !lib>=2", "a-1-r0 lib-1-r0");
	WEXPECT("a lib<2", "a-1-r0 lib-1-r0");
	CHECK(wsolve("lib>=1.0_rc1", NULL, 0, NULL) == NULL);
	CHECK(strstr(kr_errmsg(), "version 1.0_rc1 is read differently by krill and apk"));
	CHECK(wsolve("lib>=1.01", NULL, 0, NULL) == NULL);
	CHECK(strstr(kr_errmsg(), "1.01 == 1.1"));
}

TEST(install_if)
{
	reset();
	add("doc", "1-r0", "-", "-");
	add("app", "1-r0", "-", "-");
	add("app-doc", "1-r0", "app", "-");
	last_install_if("app,doc");
	WEXPECT("app", "app-1-r0");
	WEXPECT("doc", "doc-1-r0");
	WEXPECT("app doc", "app-1-r0 app-doc-1-r0 doc-1-r0");
}

TEST(pinned_tags)
{
	reset();
	add("foo", "1-r0", "-", "-");
	add("foo", "2-r0", "bar", "-");
	last_tag("edge");
	add("bar", "1-r0", "-", "-");
	last_tag("edge");
	WEXPECT("foo", "foo-1-r0");
	WFAIL("bar", "nothing provides bar");
	WEXPECT("foo@edge", "bar-1-r0 foo-2-r0");
}

TEST(kept_unless_upgraded)
{
	reset();
	add("app", "1-r0", "lib", "-");
	add("app", "2-r0", "lib>=2", "-");
	add("lib", "1-r0", "-", "-");
	add("lib", "2-r0", "-", "-");
	const struct pkginfo *inst[] = {&pk[0], &pk[2]};
	char *got = wsolve("app", inst, 2, NULL);
	CHECK_STR(got, "app-1-r0 lib-1-r0");
	free(got);
	struct solve_req up = {.upgrade_all = 1};
	got = wsolve("app", inst, 2, &up);
	CHECK_STR(got, "app-2-r0 lib-2-r0");
	free(got);
	/* only lib upgraded: app 1 stays */
	struct strlist names = STRLIST_INIT;
	sl_push(&names, "lib");
	struct solve_req some = {.upgrade = &names};
	got = wsolve("app", inst, 2, &some);
	CHECK_STR(got, "app-1-r0 lib-2-r0");
	free(got);
	/* add -u app: its dependencies too */
	sl_free(&names);
	sl_push(&names, "app");
	struct solve_req deps = {.upgrade = &names, .upgrade_deps = 1};
	got = wsolve("app", inst, 2, &deps);
	CHECK_STR(got, "app-2-r0 lib-2-r0");
	free(got);
	/* --latest: an error when the newest cannot be had */
	reset();
	add("app", "1-r0", "-", "-");
	add("app", "2-r0", "gone", "-");
	struct solve_req latest = {.upgrade_all = 1, .latest = 1};
	CHECK(wsolve("app", NULL, 0, &latest) == NULL);
	CHECK(strstr(kr_errmsg(), "the request app-2-r0 (--latest)"));
	got = wsolve("app", NULL, 0, &up);
	CHECK_STR(got, "app-1-r0");
	free(got);
	sl_free(&names);
}

TEST(installed_only_and_available)
{
	reset();
	add("lib", "2-r0", "-", "-");
	struct pkginfo old = {0};
	old.name = "lib";
	old.version = "1-r0";
	const struct pkginfo *inst[] = {&old};
	char *got = wsolve("lib", inst, 1, NULL);
	CHECK_STR(got, "lib-1-r0");
	free(got);
	struct solve_req avail = {.available = 1};
	got = wsolve("lib", inst, 1, &avail);
	CHECK_STR(got, "lib-2-r0");
	free(got);
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
	RUN(order_independent);
	RUN(backtracks_to_older_versions);
	RUN(provider_by_provided_version);
	RUN(provider_by_priority);
	RUN(two_providers_of_one_name_refused);
	RUN(self_provide_ignored);
	RUN(explanations);
	RUN(world_conflict_and_versions);
	RUN(install_if);
	RUN(pinned_tags);
	RUN(kept_unless_upgraded);
	RUN(installed_only_and_available);
	reset();
	DONE();
}
