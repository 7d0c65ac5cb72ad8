/* test_build.c - the recipe test's $RUN for each arch on each kind of
 * build machine (build_test_runner). */
#include <stdlib.h>

#include "build.h"
#include "t.h"

static const char *runner(const char *arch, const char *machine)
{
	static char buf[256];
	char *r = build_test_runner(arch, machine);
	snprintf(buf, sizeof buf, "%s", r);
	free(r);
	return buf;
}

TEST(host_needs_no_runner)
{
	CHECK_STR(runner("host", "x86_64-linux-gnu"), "");
}

TEST(same_arch_uses_the_roots_loader)
{
	CHECK_STR(runner("x86_64", "x86_64-linux-gnu"),
		  "/sysroot/lib64/ld-linux-x86-64.so.2 --library-path /sysroot/usr/lib");
	CHECK_STR(runner("aarch64", "aarch64-unknown-linux-gnu"),
		  "/sysroot/lib/ld-linux-aarch64.so.1 --library-path /sysroot/usr/lib");
}

TEST(other_arch_uses_qemu_with_the_root_as_prefix)
{
	CHECK_STR(runner("aarch64", "x86_64-linux-gnu"), "qemu-aarch64-static -L /sysroot");
	CHECK_STR(runner("x86_64", "aarch64-linux-gnu"), "qemu-x86_64-static -L /sysroot");
	/* a triplet that only starts with the arch's name is another arch */
	CHECK_STR(runner("x86_64", "x86_64_32-linux-gnu"), "qemu-x86_64-static -L /sysroot");
}

static int inroot_has(const char *arch, const char *machine, const char *sub)
{
	char *r = build_test_inroot(arch, machine);
	int ok = strstr(r, sub) != NULL;
	if (!ok)
		printf("  got: %s\n", r);
	free(r);
	return ok;
}

TEST(inroot_makes_the_test_root_the_root)
{
	/* a target root: its own usr and etc, its lib64 is usr/lib */
	CHECK(inroot_has("x86_64", "x86_64-linux-gnu", " --ro-bind /sysroot/usr /usr "));
	CHECK(inroot_has("x86_64", "x86_64-linux-gnu", " --symlink usr/lib /lib64 "));
	CHECK(inroot_has("x86_64", "x86_64-linux-gnu", " --ro-bind-try /sysroot/etc /etc "));
	CHECK(inroot_has("x86_64", "x86_64-linux-gnu", "--bind /build /build --"));
	CHECK(!inroot_has("x86_64", "x86_64-linux-gnu", "qemu"));
	/* another arch: through binfmt_misc, with the program looked up on PATH */
	CHECK(inroot_has("aarch64", "x86_64-linux-gnu", "--bind /build /build --"));
	CHECK(!inroot_has("aarch64", "x86_64-linux-gnu", "qemu"));
	/* host: the host's /usr (its libraries), the root's etc */
	CHECK(inroot_has("host", "x86_64-linux-gnu",
			 " --ro-bind /usr /usr --ro-bind /sysroot /sysroot"));
	CHECK(inroot_has("host", "x86_64-linux-gnu", " --symlink usr/lib64 /lib64 "));
	CHECK(inroot_has("host", "x86_64-linux-gnu", " --ro-bind-try /sysroot/etc /etc "));
}

int main(void)
{
	RUN(host_needs_no_runner);
	RUN(inroot_makes_the_test_root_the_root);
	RUN(same_arch_uses_the_roots_loader);
	RUN(other_arch_uses_qemu_with_the_root_as_prefix);
	DONE();
}
