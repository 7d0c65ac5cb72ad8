/* dep.h - the grammar of package names, shared by the recipe layer, the
 * package metadata reader and the index, so that none of the client-side
 * modules needs the recipe layer (or libyaml) for it.
 *
 * A package name is lowercase letters, digits and + . _ -, starting with a
 * letter or digit ("zlib", "libstdc++6").
 */
#ifndef KRILL_DEP_H
#define KRILL_DEP_H

int valid_pkgname(const char *s);

#endif
