/* test_vary.c - `make repro`'s variations: reprotest's --vary syntax
 * (vary_parse), the sandbox they give (vary_apply + sandbox_argv), and a
 * normal sandbox left exactly as it was. */
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "t.h"
#include "util.h"
#include "vary.h"

static unsigned parse(const char *spec)
{
	unsigned set = 12345;
	return vary_parse(spec, &set) == 0 ? set : 99999u;
}

TEST(spec_starts_from_the_full_set)
{
	CHECK(parse(NULL) == VARY_ALL);
	CHECK(parse("") == VARY_ALL);
	CHECK(parse("all") == VARY_ALL);
	CHECK(VARY_N == 14);
}

TEST(spec_minus_plus_left_to_right)
{
	CHECK(parse("-time") == (VARY_ALL & ~(1u << VARY_TIME)));
	CHECK(parse("-time,+fileordering") == (VARY_ALL & ~(1u << VARY_TIME)));
	CHECK(parse("-all,+time") == 1u << VARY_TIME);
	CHECK(parse("-all,time,umask") == ((1u << VARY_TIME) | (1u << VARY_UMASK)));
	CHECK(parse("-all,+time,-time") == 0);
	CHECK(parse("-all") == 0);
	CHECK(parse("-domain_host,-build_path,") ==
	      (VARY_ALL & ~((1u << VARY_DOMAIN_HOST) | (1u << VARY_BUILD_PATH))));
}

TEST(spec_unknown_name_is_named)
{
	unsigned set;
	CHECK(vary_parse("-time,tim", &set) < 0);
	CHECK(strstr(kr_errmsg(), "unknown variation 'tim'") != NULL);
	CHECK(strstr(kr_errmsg(), "fileordering") != NULL);
	CHECK(vary_parse("+", &set) == 0 && set == VARY_ALL); /* an empty item */
}

TEST(names_are_reprotests)
{
	static const char *const want[] = {
		"environment", "build_path", "kernel",	     "aslr",	    "num_cpus",
		"time",	       "user_group", "fileordering", "domain_host", "home",
		"locales",     "exec_path",  "timezone",     "umask"};
	for (int k = 0; k < VARY_N; k++)
		CHECK_STR(vary_name(k), want[k]);
}

static char *joined(const struct sandbox *sb)
{
	struct strlist a = STRLIST_INIT;
	sandbox_argv(sb, "true", &a);
	struct sb s = SB_INIT;
	for (size_t i = 0; i < a.n; i++)
		sb_printf(&s, " %s", a.v[i]);
	sl_free(&a);
	sb_adds(&s, " ");
	return sb_steal(&s);
}

TEST(normal_sandbox_has_no_variation)
{
	struct sandbox sb = {0};
	sb.workdir = "/w";
	char *j = joined(&sb);
	CHECK(strstr(j, " --unshare-user-try ") != NULL);
	CHECK(strstr(j, " --uid ") == NULL);
	CHECK(strstr(j, " --hostname krill-build ") != NULL);
	CHECK(strstr(j, " --chdir /build /bin/sh -e -c ") != NULL);
	CHECK(strstr(j, "setarch") == NULL && strstr(j, "LD_PRELOAD") == NULL);
	free(j);
	/* and the script keeps its umask 022 line */
	struct recipe r = {0};
	r.name.s = "p";
	r.version.s = "1";
	r.style = STYLE_NONE;
	struct build_env e = {"host", "x86_64-linux-gnu", "x86_64-linux-gnu", 0, 2, 0, 0};
	char *s = build_script(&r, &e);
	CHECK(s && strstr(s, "\numask 022\n"));
	free(s);
	e.umask = vary_umask(VARY_ALL);
	s = build_script(&r, &e);
	CHECK(s && strstr(s, "\numask 002\n"));
	free(s);
	CHECK(vary_umask(0) == 0 && vary_jobs(0, 3) == 3 && vary_jobs(VARY_ALL, 3) == 1);
}

TEST(varied_sandbox_argv)
{
	struct sandbox sb = {0};
	sb.workdir = "/w";
	/* all but fileordering (a FUSE mount) and time (the host's libfaketime) */
	unsigned set =
		VARY_ALL & ~((1u << VARY_FILEORDERING) | (1u << VARY_TIME) | (1u << VARY_LOCALES));
	struct vary_ctx vc = {"x86_64-linux-gnu", "/w/src", "/w.disorderfs", 0, NULL, NULL, NULL};
	CHECK(vary_apply(set, &vc, &sb) == 0);
	char *j = joined(&sb);
	CHECK(strstr(j, " --unshare-user --uid 2000 --gid 2000 ") != NULL);
	CHECK(strstr(j, " --hostname krill-varied-host ") != NULL);
	CHECK(strstr(j, " --setenv TZ GMT-14 ") != NULL);
	CHECK(strstr(j, " --setenv HOME /nonexistent/second-build ") != NULL);
	CHECK(strstr(j, " --setenv PATH /toolchain/bin:/usr/sbin:/usr/bin:/i_capture_the_path ") !=
	      NULL);
	CHECK(strstr(j, " --setenv KRILL_REPRO_CAPTURE_ENVIRONMENT i_capture_the_environment ") !=
	      NULL);
	CHECK(strstr(j, " --setenv USER krill-varied ") != NULL);
	CHECK(strstr(j, " --uname-2.6 --addr-no-randomize taskset -c ") != NULL);
	CHECK(strstr(j, " /bin/sh -e -c ") != NULL);
	CHECK(sb.umask == 002 && sb.domainname && !strcmp(sb.domainname, "krill-varied-domain"));
	CHECK(!vc.mounted && vary_release(&vc) == 0);
	free(j);
	sandbox_free(&sb);

	/* aslr alone: setarch without --uname-2.6 */
	struct sandbox s2 = {0};
	s2.workdir = "/w";
	CHECK(vary_apply(1u << VARY_ASLR, &vc, &s2) == 0);
	j = joined(&s2);
	CHECK(strstr(j, " --addr-no-randomize /bin/sh ") != NULL && !strstr(j, "uname-2.6"));
	CHECK(strstr(j, " --hostname krill-build ") != NULL && !strstr(j, "--uid"));
	free(j);
	sandbox_free(&s2);
}

/* under the time variation touch runs unfaked: libfaketime's "now" for
 * utimensat(NULL) is 3 years on (glibc's make then restarts for ever) */
TEST(time_variation_unfakes_touch)
{
#if defined(__x86_64__)
	const char *triplet = "x86_64-linux-gnu";
#elif defined(__aarch64__)
	const char *triplet = "aarch64-linux-gnu";
#endif
	char dir[] = "/tmp/krill-vary-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char *mnt = path_join(dir, "w.disorderfs");
	struct sandbox sb = {0};
	sb.workdir = "/w";
	struct vary_ctx vc = {triplet, "/w/src", mnt, 0, NULL, NULL, NULL};
	CHECK(vary_apply(1u << VARY_TIME, &vc, &sb) == 0);
	char *j = joined(&sb);
	CHECK(strstr(j, " --setenv NO_FAKE_STAT 1 ") != NULL);
	CHECK(strstr(j, " --ro-bind /usr/bin/touch /.krill-vary-time/touch ") != NULL);
	char *want = xasprintf(" --ro-bind %s.time/touch /usr/bin/touch ", mnt);
	CHECK(strstr(j, want) != NULL);
	char *script = xasprintf("%s.time/touch", mnt), *text = NULL;
	size_t n = 0;
	CHECK(read_file(script, &text, &n) == 0 && strstr(text, "\nunset LD_PRELOAD\n") &&
	      strstr(text, "\nexec /.krill-vary-time/touch \"$@\"\n"));
	CHECK(vary_release(&vc) == 0 && !path_exists(script));
	free(text);
	free(script);
	free(want);
	free(j);
	sandbox_free(&sb);

	/* without the host's libfaketime: refused, naming the package */
	struct sandbox s2 = {0};
	s2.workdir = "/w";
	struct vary_ctx none = {"no-such-triplet", "/w/src", mnt, 0, NULL, NULL, NULL};
	CHECK(vary_apply(1u << VARY_TIME, &none, &s2) < 0);
	CHECK(kr_errmsg() && strstr(kr_errmsg(), "(Debian package faketime)"));
	CHECK(vary_release(&none) == 0);
	sandbox_free(&s2);
	rm_rf(dir);
	free(mnt);
}

TEST(describe_states_every_variation)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	vary_describe(VARY_ALL & ~(1u << VARY_TIME), f);
	fclose(f);
	for (int k = 0; k < VARY_N; k++) {
		char want[64];
		snprintf(want, sizeof want, "repro:   %-12s %s", vary_name(k),
			 k == VARY_TIME ? "off" : "on ");
		CHECK(strstr(buf, want) != NULL);
	}
	free(buf);
}

int main(void)
{
	RUN(spec_starts_from_the_full_set);
	RUN(spec_minus_plus_left_to_right);
	RUN(spec_unknown_name_is_named);
	RUN(names_are_reprotests);
	RUN(normal_sandbox_has_no_variation);
	RUN(varied_sandbox_argv);
	RUN(time_variation_unfakes_touch);
	RUN(describe_states_every_variation);
	DONE();
}
