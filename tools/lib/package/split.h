// split.h - assign every file of an install root (DESTDIR) to exactly one
// package of a port.
//
// Order of rules (first match wins):
//   1. the recipe's subpackages, in recipe order, by their `files` globs;
//   2. NAME-dev: usr/include/**, usr/lib/*.a, usr/lib/*.la,
//      usr/lib/pkgconfig/**, usr/share/pkgconfig/**, usr/share/aclocal/**,
//      usr/lib/cmake/**, and usr/lib/lib*.so when it is a symlink (the
//      unversioned link only the linker uses);
//   3. NAME-doc: usr/share/man/**, usr/share/info/**, usr/share/doc/**;
//   4. the main package NAME.
// "Files" are regular files, symlinks and empty directories; directories
// that hold something go into every package that has a file below them
// (the package writer adds them). NAME-dev and NAME-doc exist only when
// they got files; the main package always exists. A recipe subpackage
// named NAME-dev or NAME-doc also receives the default files.
//
// Globs: relative to the install root, no leading '/'. `*`, `?`, `[...]`
// match within one path segment (fnmatch(3) on each segment); a segment
// that is exactly `**` matches any number of segments (zero or more in
// the middle: `usr/**/x.h` matches usr/x.h; one or more at the end:
// `usr/include/**` matches everything below usr/include, not the folder
// itself).
//
// Layout: Krill is merged-/usr. A real directory bin, sbin, lib, lib32 or
// lib64 at the top of the install root is an error (symlinks there are
// allowed: the base layout ships them). Devices, fifos and sockets are
// errors too.
//
#ifndef KRILL_SPLIT_H
#define KRILL_SPLIT_H

#include "recipe.h"

struct split_pkg {
	char *name;
	char *summary;		/* the subpackage's, else the recipe's; for the
				 * defaults "SUMMARY (development files)" and
				 * "SUMMARY (documentation)" */
	struct strlist files;	/* sorted relative paths */
	struct strlist depends; /* from the recipe; -dev: + NAME=VER and PKG=VER
				 * of each package its symlinks point into */
	struct strlist provides;
};

struct split {
	struct split_pkg *v; /* v[0] is the main package */
	size_t n;
};

/* Walk destdir and assign its contents. Errors (kr_err) name the file and
 * for an explicit subpackage that matched nothing, the recipe place. */
int split_tree(const struct recipe *r, const char *destdir, struct split *out);
void split_free(struct split *s);

/* The glob dialect above; 1 on match. */
int glob_match(const char *pattern, const char *path);

#endif
