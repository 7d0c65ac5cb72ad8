/* elfinfo.c - see elfinfo.h */
#include "elfinfo.h"

#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <string.h>
#include <unistd.h>

/* Read the dynamic section: DT_NEEDED, DT_SONAME, DT_RUNPATH/DT_RPATH
 * and DF_1_PIE. */
static int read_dynamic(Elf *e, Elf_Scn *scn, const GElf_Shdr *sh, struct elf_info *info, int *pie)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	if (!d)
		return -1;
	size_t n = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;
	for (size_t i = 0; i < n; i++) {
		GElf_Dyn dyn;
		if (!gelf_getdyn(d, (int)i, &dyn))
			return -1;
		if (dyn.d_tag == DT_NULL)
			break;
		if (dyn.d_tag == DT_FLAGS_1 && (dyn.d_un.d_val & DF_1_PIE))
			*pie = 1;
		if (dyn.d_tag != DT_NEEDED && dyn.d_tag != DT_SONAME && dyn.d_tag != DT_RUNPATH &&
		    dyn.d_tag != DT_RPATH)
			continue;
		const char *s = elf_strptr(e, sh->sh_link, dyn.d_un.d_val);
		if (!s)
			return -1;
		if (dyn.d_tag == DT_NEEDED)
			sl_push(&info->needed, s);
		else if (dyn.d_tag == DT_SONAME && !info->soname)
			info->soname = xstrdup(s);
		else if (dyn.d_tag == DT_RUNPATH || !info->runpath) {
			free(info->runpath); /* DT_RUNPATH wins over DT_RPATH, as in ld.so */
			info->runpath = xstrdup(s);
		}
	}
	return 0;
}

static int has_interp(Elf *e)
{
	size_t n;
	if (elf_getphdrnum(e, &n) != 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_INTERP)
			return 1;
	}
	return 0;
}

static int inspect(Elf *e, struct elf_info *info)
{
	GElf_Ehdr eh;
	if (!gelf_getehdr(e, &eh))
		return -1;
	info->is_elf = 1;
	info->elfclass = gelf_getclass(e);
	info->machine = eh.e_machine;
	info->type = eh.e_type;
	int pie = 0;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			return -1;
		if (sh.sh_type != SHT_DYNAMIC)
			continue;
		info->dynamic = 1;
		if (read_dynamic(e, scn, &sh, info, &pie) < 0)
			return -1;
	}
	/* A PIE is ET_DYN too; libc.so.6 has an interpreter but is a library
	 * (it has a soname and no DF_1_PIE). */
	int interp = has_interp(e);
	if (eh.e_type == ET_DYN)
		info->is_shlib = !pie && (info->soname || !interp);
	info->is_exec = eh.e_type == ET_EXEC || (eh.e_type == ET_DYN && !info->is_shlib);
	return 0;
}

int elf_inspect(const char *path, struct elf_info *info)
{
	memset(info, 0, sizeof *info);
	if (elf_version(EV_CURRENT) == EV_NONE) {
		kr_err("%s: libelf is unusable: %s", path, elf_errmsg(-1));
		return -1;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		kr_err("%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	char magic[4];
	int rc = 0;
	if (pread(fd, magic, 4, 0) != 4 || memcmp(magic, ELFMAG, SELFMAG)) {
		close(fd);
		return 0;
	}
	Elf *e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF || inspect(e, info) < 0) {
		kr_err("%s: corrupt ELF file: %s, expected a readable ELF object", path,
		       elf_errmsg(-1));
		elf_info_free(info);
		rc = -1;
	}
	if (e)
		elf_end(e);
	close(fd);
	return rc;
}

void elf_info_free(struct elf_info *info)
{
	free(info->soname);
	free(info->runpath);
	sl_free(&info->needed);
	memset(info, 0, sizeof *info);
}
