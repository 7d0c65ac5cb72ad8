/* test_hostrt.c - the host's C/C++ runtime sonames from dpkg's file lists. */
#include "build.h"
#include "hostrt.h"
#include "pkgtest.h"
#include "t.h"

static struct strlist dirs(void)
{
	struct strlist l = STRLIST_INIT;
	sl_push(&l, "/lib/x86_64-linux-gnu");
	sl_push(&l, "/usr/lib/x86_64-linux-gnu");
	sl_push(&l, "/lib64");
	return l;
}

TEST(runtime_from_the_lists)
{
	char *d = tmpdir_new();
	put(d, "libc6:amd64.list",
	    "/.\n/etc/ld.so.conf.d\n/lib/x86_64-linux-gnu/libc.so.6\n"
	    "/lib/x86_64-linux-gnu/libm.so.6\n/lib64/ld-linux-x86-64.so.2\n"
	    "/usr/lib/x86_64-linux-gnu/gconv/UTF-7.so\n/usr/share/doc/libc6/x.so.1\n",
	    0644);
	put(d, "libc6:i386.list", "/lib/i386-linux-gnu/libc.so.6\n", 0644);
	put(d, "libgcc-s1:amd64.list", "/lib/x86_64-linux-gnu/libgcc_s.so.1", 0644); /* no \n */
	put(d, "libstdc++6.list",
	    "/usr/lib/x86_64-linux-gnu/libstdc++.so.6\n"
	    "/usr/share/gdb/auto-load/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30-gdb.py\n",
	    0644);
	/* other packages' libraries are not the runtime */
	put(d, "libtinfo6:amd64.list", "/lib/x86_64-linux-gnu/libtinfo.so.6\n", 0644);
	put(d, "libc6-dev:amd64.list", "/usr/lib/x86_64-linux-gnu/libz.so.1\n", 0644);
	struct strlist l = dirs(), out = STRLIST_INIT;
	CHECK(hostrt_sonames(d, &l, &out) == 0);
	char *got = sl_join(&out, " ");
	CHECK_STR(got, "ld-linux-x86-64.so.2 libc.so.6 libgcc_s.so.1 libm.so.6 libstdc++.so.6");
	free(got);
	sl_free(&out), sl_free(&l);
	rm_rf(d);
	free(d);
}

TEST(no_libc6_list_is_an_error)
{
	char *d = tmpdir_new();
	put(d, "libgcc-s1:amd64.list", "/lib/x86_64-linux-gnu/libgcc_s.so.1\n", 0644);
	struct strlist l = dirs(), out = STRLIST_INIT;
	CHECK(hostrt_sonames(d, &l, &out) == -1);
	CHECK(strstr(kr_errmsg(), "no dpkg file list of libc6"));
	char *missing = path_join(d, "nowhere");
	CHECK(hostrt_sonames(missing, &l, &out) == -1);
	CHECK(strstr(kr_errmsg(), "nowhere"));
	free(missing);
	sl_free(&out), sl_free(&l);
	rm_rf(d);
	free(d);
}

TEST(this_host)
{
	/* the machine running the tests is a Debian host (mk/host-packages.txt) */
	char *t = build_host_triplet();
	struct strlist l = STRLIST_INIT, out = STRLIST_INIT;
	sl_push_own(&l, xasprintf("/lib/%s", t));
	sl_push_own(&l, xasprintf("/usr/lib/%s", t));
	free(t);
	CHECK(hostrt_sonames(HOSTRT_DPKG_INFO, &l, &out) == 0);
	CHECK(sl_has(&out, "libc.so.6") && sl_has(&out, "libgcc_s.so.1"));
	CHECK(!sl_has(&out, "libz.so.1") && !sl_has(&out, "libtinfo.so.6"));
	sl_free(&out), sl_free(&l);
}

int main(void)
{
	RUN(runtime_from_the_lists);
	RUN(no_libc6_list_is_an_error);
	RUN(this_host);
	DONE();
}
