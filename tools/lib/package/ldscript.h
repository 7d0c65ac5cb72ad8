/* ldscript.h - the shared libraries a GNU ld linker script names.
 *
 * Some lib*.so files in -dev packages are not symlinks but small linker
 * scripts (glibc's libc.so and libm.so, ncurses' libcurses.so):
 *   GROUP ( /usr/lib/libm.so.6  AS_NEEDED ( /usr/lib/libmvec.so.1 ) )
 * Linking with -lm then needs every file it names, so each versioned
 * shared object it names (lib*.so.N, the loader) is a dependency of the
 * package holding the script, like an ELF DT_NEEDED. Static archives,
 * -lNAME and other scripts (*.so) are not.
 */
#ifndef KRILL_LDSCRIPT_H
#define KRILL_LDSCRIPT_H

#include <stddef.h>

#include "util.h"

/* At most this many bytes are looked at; real scripts are a few hundred. */
#define LDSCRIPT_MAX (64 * 1024)

/* If text[0..len) is a linker script (no NUL byte; its first command is
 * GROUP, INPUT, OUTPUT_FORMAT, SEARCH_DIR or OUTPUT_ARCH after comments),
 * append the base names of the versioned shared objects inside its GROUP
 * and INPUT lists to *sonames and return 1; else return 0. */
int ldscript_sonames(const char *text, size_t len, struct strlist *sonames);

/* The same for a file (reads at most LDSCRIPT_MAX bytes); -1 with kr_err
 * when it cannot be read. */
int ldscript_file_sonames(const char *path, struct strlist *sonames);

#endif
