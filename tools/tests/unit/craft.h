/* craft.h - build package files for the client's unit tests, including
 * malicious ones a real package writer would never produce (absolute
 * names, "..", links out of the root, device nodes). */
#ifndef KRILL_CRAFT_H
#define KRILL_CRAFT_H

#include <archive.h>
#include <archive_entry.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "util.h"

/* One member: type 'f' file (data), 'd' dir, 'l' symlink (link), 'h'
 * hardlink (link), 'c' char device. */
struct member {
	char type;
	const char *name;
	const char *data; /* or the link target */
};

/* A package NAME-VER with the given depends/provides/conffiles lines
 * (already "key: value\n" formatted, may be "") and members. */
static inline int craft_pkg(const char *path, const char *name, const char *ver, const char *extra,
			    const struct member *m, size_t n)
{
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	archive_write_add_filter_zstd(a);
	if (archive_write_open_filename(a, path) != ARCHIVE_OK)
		return -1;
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += m[i].type == 'f' ? strlen(m[i].data) : 0;
	char *info = xasprintf("name: %s\nversion: %s\narch: x86_64\norigin: %s\nsummary: test\n"
			       "license: MIT\ninstalled-size: %zu\n%s",
			       name, ver, name, total, extra);
	struct member all[64];
	all[0] = (struct member){'f', ".PKGINFO", info};
	all[1] = (struct member){'f', ".SBOM.spdx.json", "{}"};
	for (size_t i = 0; i < n && i < 62; i++)
		all[i + 2] = m[i];
	for (size_t i = 0; i < n + 2; i++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, all[i].name);
		archive_entry_set_perm(e, all[i].type == 'd' ? 0755 : 0644);
		size_t len = 0;
		switch (all[i].type) {
		case 'f':
			archive_entry_set_filetype(e, AE_IFREG);
			len = strlen(all[i].data);
			archive_entry_set_size(e, (la_int64_t)len);
			break;
		case 'd': archive_entry_set_filetype(e, AE_IFDIR); break;
		case 'l':
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_symlink(e, all[i].data);
			break;
		case 'h':
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_hardlink(e, all[i].data);
			break;
		case 'c':
			archive_entry_set_filetype(e, AE_IFCHR);
			archive_entry_set_rdev(e, makedev(1, 3));
			break;
		}
		archive_write_header(a, e);
		if (len)
			archive_write_data(a, all[i].data, len);
		archive_entry_free(e);
	}
	free(info);
	archive_write_close(a);
	archive_write_free(a);
	return 0;
}

/* A listing of every path under dir with its type and content hash, to
 * show a root did not change. */
static struct sb *tree_sb;
static size_t tree_skip;
static inline int tree_cb(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)flag;
	(void)f;
	char sha[65] = "";
	if (S_ISREG(st->st_mode))
		sha256_file(p, sha, NULL);
	sb_printf(tree_sb, "%s %o %s\n", p + tree_skip, (unsigned)st->st_mode, sha);
	return 0;
}
static inline char *tree(const char *dir)
{
	struct sb out = SB_INIT;
	tree_sb = &out;
	tree_skip = strlen(dir);
	nftw(dir, tree_cb, 16, FTW_PHYS);
	return sb_steal(&out);
}

static inline char *read_str(const char *path)
{
	char *d;
	size_t n;
	return read_file(path, &d, &n) < 0 ? NULL : d;
}

#endif
