/* test_ldscript.c - the shared objects a linker script names: glibc's,
 * gcc's and ncurses' real scripts, and text that is not a script. */
#include <stdlib.h>
#include <unistd.h>

#include "ldscript.h"
#include "t.h"

/* The sonames of text as one space-separated string; "-" if not a script. */
static const char *names(const char *text)
{
	static char buf[512];
	struct strlist l = STRLIST_INIT;
	if (!ldscript_sonames(text, strlen(text), &l)) {
		sl_free(&l);
		return "-";
	}
	buf[0] = 0;
	for (size_t i = 0; i < l.n; i++)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? " " : "", l.v[i]);
	sl_free(&l);
	return buf;
}

TEST(glibc_libc_so)
{
	CHECK_STR(names("/* GNU ld script\n   Use the shared library, but some functions are only "
			"in\n"
			"   the static library, so try that secondarily.  */\n"
			"OUTPUT_FORMAT(elf64-x86-64)\n"
			"GROUP ( /usr/lib/libc.so.6 /usr/lib/libc_nonshared.a  AS_NEEDED ( "
			"/usr/lib/ld-linux-x86-64.so.2 ) )\n"),
		  "libc.so.6 ld-linux-x86-64.so.2");
}

TEST(glibc_libm_so_aarch64)
{
	CHECK_STR(names("/* GNU ld script\n*/\nOUTPUT_FORMAT(elf64-littleaarch64)\n"
			"GROUP ( /usr/lib/libm.so.6  AS_NEEDED ( /usr/lib/libmvec.so.1 ) )\n"),
		  "libm.so.6 libmvec.so.1");
}

TEST(relative_names_and_l_options)
{
	CHECK_STR(names("/* GNU ld script\n   Use the shared library, but some functions are only "
			"in\n"
			"   the static library.  */\nGROUP ( libgcc_s.so.1 -lgcc )\n"),
		  "libgcc_s.so.1");
	CHECK_STR(names("INPUT(libncursesw.so.6 -ltinfow)\n"), "libncursesw.so.6");
	CHECK_STR(names("INPUT(-lfoo)"), "");
}

TEST(other_scripts_and_archives_are_not_needed)
{
	CHECK_STR(names("GROUP ( libfoo.so libbar.a /usr/lib/libbaz.so.3 )"), "libbaz.so.3");
	CHECK_STR(names("INPUT ( libx.so.1 , liby.so.2 ) INPUT(libx.so.1)"), "libx.so.1 liby.so.2");
}

TEST(commands_outside_lists_do_not_count)
{
	CHECK_STR(names("OUTPUT_FORMAT(libnot.so.1)\nSEARCH_DIR(/usr/lib/libdir.so.9)\n"
			"GROUP ( libyes.so.1 )"),
		  "libyes.so.1");
}

TEST(not_scripts)
{
	CHECK_STR(names(""), "-");
	CHECK_STR(names("hello world\n"), "-");
	CHECK_STR(names("/* only a comment */"), "-");
	CHECK_STR(names("\x7f"
			"ELF"),
		  "-");
	struct strlist l = STRLIST_INIT;
	CHECK(ldscript_sonames("GROUP ( a.so.1 )\0junk", 20, &l) == 0);
	CHECK(l.n == 0);
	sl_free(&l);
}

TEST(malformed_scripts_end_cleanly)
{
	CHECK_STR(names("GROUP ( libopen.so.1 AS_NEEDED ( libmore.so.2"),
		  "libopen.so.1 libmore.so.2");
	CHECK_STR(names("GROUP ) ) ( libafter.so.1 )"), "libafter.so.1");
	CHECK_STR(names("GROUP ( liba.so.1 /* unclosed comment libb.so.2 )"), "liba.so.1");
	CHECK_STR(names("GROUP(x/)"), "");
	CHECK_STR(names("GROUP(.so.)"), "");
}

TEST(file_read)
{
	char tmpl[] = "/tmp/krill-ldscript-XXXXXX";
	int fd = mkstemp(tmpl);
	CHECK(fd >= 0);
	const char *s = "GROUP ( /usr/lib/libz.so.1 )\n";
	CHECK(write(fd, s, strlen(s)) == (ssize_t)strlen(s));
	close(fd);
	struct strlist l = STRLIST_INIT;
	CHECK(ldscript_file_sonames(tmpl, &l) == 1);
	CHECK(l.n == 1 && !strcmp(l.v[0], "libz.so.1"));
	sl_free(&l);
	unlink(tmpl);
	CHECK(ldscript_file_sonames("/nonexistent/libq.so", &l) == -1);
	CHECK(strstr(kr_errmsg(), "/nonexistent/libq.so") != NULL);
}

int main(void)
{
	RUN(glibc_libc_so);
	RUN(glibc_libm_so_aarch64);
	RUN(relative_names_and_l_options);
	RUN(other_scripts_and_archives_are_not_needed);
	RUN(commands_outside_lists_do_not_count);
	RUN(not_scripts);
	RUN(malformed_scripts_end_cleanly);
	RUN(file_read);
	DONE();
}
