/* strip.h - strip the ELF files and static archives of an install root
 * before packaging: executables with --strip-all, shared libraries with
 * --strip-unneeded (keeps the dynamic symbols they export), static
 * archives with --strip-debug (keeps the symbols the linker needs). This
 * drops the DWARF, which is what records the build directory. Object
 * files (ET_REL, e.g. kernel modules) are left alone. Each inode is
 * stripped once, so hardlinks stay hardlinks.
 */
#ifndef KRILL_STRIP_H
#define KRILL_STRIP_H

/* strip_prog: the target's strip (found on PATH when it has no '/').
 * host_strip: when not NULL, ELF files for the build host's own machine
 * (a cross toolchain's programs) go to it instead; archives stay with the
 * target's. *count (may be NULL) gets the number of files stripped. */
int strip_tree(const char *destdir, const char *strip_prog, const char *host_strip, int *count);

#endif
