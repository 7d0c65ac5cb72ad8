/* hostrt.h - the build host's C and C++ runtime, as its package manager
 * lists it: what ARCH=host programs may need without declaring it.
 *
 * The host compiler is the ARCH=host toolchain, and its runtime (glibc,
 * libgcc_s, libstdc++) is what every host program links. It comes from
 * dpkg's file lists of libc6, libgcc-s1 and libstdc++6 (any :ARCH
 * suffix), not from a list of names kept here: every shared object those
 * packages install in one of the host's library dirs counts. Any other
 * host library (libtinfo, libz, ...) is not the toolchain's and must come
 * from a declared dependency (package.h, package_soname_source).
 */
#ifndef KRILL_HOSTRT_H
#define KRILL_HOSTRT_H

#include "util.h"

/* Where dpkg keeps its file lists. */
#define HOSTRT_DPKG_INFO "/var/lib/dpkg/info"

/* The dpkg packages that make up the host's C/C++ runtime. */
extern const char *const hostrt_packages[3];

/* Append to out (sorted, unique) the file names of the shared objects
 * ("*.so.*") the runtime packages list directly in one of libdirs, reading
 * INFODIR/PKG.list or INFODIR/PKG:ARCH.list. libc6's list must exist; the
 * others may be absent (no C++ on the host). 0, or -1 with kr_err. */
int hostrt_sonames(const char *infodir, const struct strlist *libdirs, struct strlist *out);

#endif
