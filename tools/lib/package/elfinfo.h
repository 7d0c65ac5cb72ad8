/* elfinfo.h - what packaging needs to know about an ELF file (libelf): its
 * class and machine, whether it is a dynamically linked executable or a
 * shared library, its DT_SONAME and its DT_NEEDED list.
 *
 * Named elfinfo, not elf: an elf.h in a tools/lib/ group would shadow the system
 * <elf.h> that <libelf.h> includes, since every group is on the -I path.
 */
#ifndef KRILL_ELFINFO_H
#define KRILL_ELFINFO_H

#include "util.h"

struct elf_info {
	int is_elf;	       /* 0: not an ELF file (the rest is zero) */
	int elfclass;	       /* ELFCLASS32 / ELFCLASS64 */
	int machine;	       /* EM_X86_64, EM_AARCH64, ... */
	int type;	       /* ET_REL, ET_EXEC, ET_DYN, ... */
	int dynamic;	       /* has a dynamic section */
	int is_exec;	       /* executable (static, dynamic or PIE) */
	int is_shlib;	       /* shared library (ET_DYN, not a PIE) */
	char *soname;	       /* DT_SONAME or NULL */
	char *runpath;	       /* DT_RUNPATH, else DT_RPATH, or NULL */
	struct strlist needed; /* DT_NEEDED in file order */
};

/* Inspect path (not following a final symlink is the caller's job: pass
 * regular files). Returns 0 with info filled (is_elf 0 for a non-ELF
 * file), -1 with kr_err when the file cannot be read or is a corrupt ELF. */
int elf_inspect(const char *path, struct elf_info *info);
void elf_info_free(struct elf_info *info);

#endif
