/* package.h - turn a port's install root into its packages: the one
 * entry point the build orchestration calls after `make install`.
 *
 * package_port() does, in order:
 *   1. strip (when o->strip is set and the recipe does not say strip:
 *      false): see strip.h;
 *   2. split the install root into packages: see split.h;
 *   3. per package, scan it: sha1/sha256 of each regular file (for the
 *      SBOM), ELF DT_NEEDED -> `depend: so:X` unless a library in the same
 *      package has soname X (see package_soname_source: a soname nothing
 *      declared provides fails the port), DT_SONAME of libraries directly
 *      in usr/lib ->
 *      `provide: so:X`, regular files under etc/ -> `conffile:`, and the
 *      installed size (regular files, each inode once); an ELF RUNPATH
 *      that points into DESTDIR is an error;
 *   4. write OUTDIR/NAME-VERSION-rN.ARCH.pkg.tar.zst: `.PKGINFO`,
 *      `.SBOM.spdx.json`, then the files and their parent directories in
 *      byte-wise sorted order (pkgtar.h);
 *   5. write OUTDIR/NAME-VERSION-rN.ARCH.provenance.json beside it;
 *   6. rename all of them into place (temp names until then).
 * Output depends only on the inputs: not on the build path, the time,
 * the umask or the order the filesystem lists entries in.
 *
 * Example (the orchestrator, after installing into DESTDIR):
 *
 *	struct prov_ref tools[] = {{"cc", "gcc (Debian 12.2.0-14) 12.2.0"},
 *				   {"bwrap", "bubblewrap 0.8.0"}};
 *	struct package_opts o = {
 *		.recipe = r, .arch = "x86_64", .key = port->key,
 *		.destdir = "build/x86_64/foo/dest", .outdir = "out/x86_64/pkgs",
 *		.source_date_epoch = sde, .strip = "x86_64-krill-linux-gnu-strip",
 *		.toolchain_key = g->toolchain_key,
 *		.portfiles = {file_refs, nfiles}, .deps = {dep_refs, ndeps},
 *		.tools = {tools, 2},
 *	};
 *	struct package_result res;
 *	if (package_port(&o, &res) < 0)
 *		return -1;             // kr_errmsg() says what and where
 *	for (size_t i = 0; i < res.n; i++)
 *		use(res.v[i].path, res.v[i].sha256, &res.v[i].info);
 *	package_result_free(&res);
 */
#ifndef KRILL_PACKAGE_H
#define KRILL_PACKAGE_H

#include <stdint.h>

#include "pkginfo.h"
#include "provenance.h"
#include "recipe.h"

/* The zstd level of every package; why: tools/doc/package.md. */
#define PACKAGE_ZSTD_LEVEL 3

struct package_opts {
	const struct recipe *recipe;	       /* sources (url + sha256) come from here */
	const char *arch;		       /* target arch, e.g. "x86_64", or "host" */
	const char *key;		       /* the port's content key (64 hex; any one
						* printable word is accepted): build-key
						* in .PKGINFO, invocationId in provenance */
	const char *destdir;		       /* install root; stripped in place */
	const char *outdir;		       /* created if missing */
	int64_t source_date_epoch;	       /* mtime clamp, SBOM `created` */
	const char *strip;		       /* strip program (PATH lookup without '/');
						* NULL: never strip */
	const char *host_strip;		       /* when set: strips ELF files for the build
						* host's machine (toolchain programs) */
	const char *toolchain_key;	       /* NULL when building with the host cc */
	struct prov_refs portfiles;	       /* every file under the port's patches/ and
						* files/: {path relative to the port
						* folder, sha256}, sorted */
	struct prov_refs deps;		       /* build-dependency packages {file name, sha256} */
	struct prov_refs tools;		       /* host tools {name, version}; krill, libzstd
						* and libarchive are added automatically */
	const struct strlist *system_libdirs;  /* the build host's library dirs: sonames
						* found there are the host's, not
						* dependencies, for toolchain/ programs;
						* for the rest only named in errors */
	const char *dep_libdir;		       /* the build sysroot's usr/lib: the declared
						* build dependencies and what they need (for
						* a cross arch also the toolchain's runtime
						* packages); a soname there is a dependency
						* even when the host has one of that name (a
						* port's OpenSSL 3.5 beside the host's 3.0) */
	const struct strlist *runtime_sonames; /* the toolchain's C/C++ runtime that no
						* package carries (ARCH=host: the host's
						* libc6, libgcc-s1, libstdc++6): needed,
						* never dependencies */
	int zstd_level;			       /* 0: PACKAGE_ZSTD_LEVEL (benchmarks only) */
};

struct package_file {
	char *path;	     /* OUTDIR/NAME-VERSION-rN.ARCH.pkg.tar.zst */
	char *provenance;    /* OUTDIR/NAME-VERSION-rN.ARCH.provenance.json */
	char sha256[65];     /* of the package file */
	uint64_t size;	     /* of the package file */
	struct pkginfo info; /* as in its .PKGINFO (no index fields) */
};

struct package_result {
	struct package_file *v; /* main package first, then subpackages */
	size_t n;
};

/* Where a DT_NEEDED (or linker script) soname of a file in a package is
 * provided, in this order: a library in the same package (no dependency);
 * another of the port's packages (a library with that soname anywhere in
 * the port, or DESTDIR/usr/lib/SONAME) or the build sysroot
 * (o->dep_libdir): `depend: so:SONAME`; the toolchain runtime
 * (o->runtime_sonames): no dependency. Otherwise it is undeclared, even if
 * the host has it (a host library that configure found on its own: the
 * package would not work where the host's is absent, and the host's is no
 * input of the key), and package_port fails naming the file and soname.
 * pkg_sonames: the package's own sonames; port_sonames: the port's. */
enum soname_source {
	SONAME_SAME_PACKAGE,
	SONAME_PORT,
	SONAME_DEPENDENCY,
	SONAME_RUNTIME,
	SONAME_UNDECLARED
};
int package_soname_source(const struct package_opts *o, const struct strlist *pkg_sonames,
			  const struct strlist *port_sonames, const char *soname);

/* 0 and res filled, or -1 with kr_err. Every package and provenance file
 * is written under a temp name first and all are renamed into place only
 * when all were written, so a failure leaves outdir as it was. */
int package_port(const struct package_opts *o, struct package_result *res);
void package_result_free(struct package_result *res);

#endif
