/* test_elfinfo.c - ELF inspection on real files built with the host cc. */
#include <elf.h>

#include "elfinfo.h"
#include "pkgtest.h"
#include "t.h"

static char *dir;

static int inspect(const char *rel, struct elf_info *info)
{
	char *p = path_join(dir, rel);
	int rc = elf_inspect(p, info);
	free(p);
	return rc;
}

TEST(shared_library_has_soname)
{
	struct elf_info i;
	CHECK(inspect("libfoo.so.1.0", &i) == 0);
	CHECK(i.is_elf && i.is_shlib && !i.is_exec && i.dynamic);
	CHECK_STR(i.soname, "libfoo.so.1");
	CHECK(i.elfclass == ELFCLASS64 || i.elfclass == ELFCLASS32);
	CHECK(i.type == ET_DYN);
	elf_info_free(&i);
}

TEST(program_needs_library)
{
	struct elf_info i;
	CHECK(inspect("prog", &i) == 0);
	CHECK(i.is_elf && i.is_exec && !i.is_shlib && i.dynamic);
	CHECK(i.soname == NULL);
	CHECK(sl_has(&i.needed, "libfoo.so.1"));
	CHECK(sl_has(&i.needed, "libc.so.6"));
	CHECK(i.runpath == NULL);
	elf_info_free(&i);
}

TEST(runpath)
{
	CHECK(sh("cd '%s' && cc -o prog-rp main.c -L. -lfoo -Wl,-rpath,/opt/x/lib", dir) == 0);
	struct elf_info i;
	CHECK(inspect("prog-rp", &i) == 0);
	CHECK_STR(i.runpath, "/opt/x/lib");
	elf_info_free(&i);
}

TEST(object_file_is_neither)
{
	struct elf_info i;
	CHECK(inspect("foo.o", &i) == 0);
	CHECK(i.is_elf && !i.is_exec && !i.is_shlib && !i.dynamic && i.type == ET_REL);
	elf_info_free(&i);
}

TEST(text_and_archive_are_not_elf)
{
	struct elf_info i;
	CHECK(inspect("foo.c", &i) == 0 && !i.is_elf);
	CHECK(inspect("libfoo.a", &i) == 0 && !i.is_elf);
}

TEST(truncated_elf_is_an_error)
{
	CHECK(sh("head -c 40 '%s/prog' > '%s/trunc'", dir, dir) == 0);
	struct elf_info i;
	CHECK(inspect("trunc", &i) == -1);
	CHECK(strstr(kr_errmsg(), "trunc") != NULL);
	CHECK(inspect("missing", &i) == -1);
}

int main(void)
{
	dir = tmpdir_new();
	if (build_foo(dir) != 0) {
		printf("FAIL build_foo: cannot compile the test library with cc\n");
		return 1;
	}
	RUN(shared_library_has_soname);
	RUN(program_needs_library);
	RUN(runpath);
	RUN(object_file_is_neither);
	RUN(text_and_archive_are_not_elf);
	RUN(truncated_elf_is_an_error);
	rm_rf(dir);
	free(dir);
	DONE();
}
