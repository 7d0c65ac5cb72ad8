/* layer.c - see layer.h */
#include "layer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

static int collect(const char *rel, const char *full, const struct stat *st, void *paths)
{
	(void)full;
	(void)st;
	sl_push(paths, rel);
	return 0;
}

static const struct pkgtar_owner *owner_of(const struct layer_opts *o, const char *rel)
{
	for (size_t i = 0; i < o->nov; i++)
		if (!strcmp(o->ov[i].path, rel))
			return &o->ov[i].own;
	return NULL;
}

struct inode {
	dev_t dev;
	ino_t ino;
	const char *first;
};

int layer_write(const char *root, const char *out, const struct layer_opts *o,
		struct pkgtar_result *res)
{
	struct strlist paths = STRLIST_INIT;
	if (walk_tree(root, collect, &paths) < 0) {
		sl_free(&paths);
		return -1;
	}
	sl_sort(&paths); /* byte order of the whole path: parents first */
	int level = o->comp == PKGTAR_ZSTD ? LAYER_ZSTD_LEVEL : LAYER_GZIP_LEVEL;
	struct pkgtar *t = pkgtar_open_comp(out, o->comp, level, o->source_date_epoch);
	if (!t) {
		sl_free(&paths);
		return -1;
	}
	struct inode *seen = xcalloc(paths.n + 1, sizeof *seen);
	size_t nseen = 0;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < paths.n; i++) {
		char *full = path_join(root, paths.v[i]);
		struct stat st;
		const char *link = NULL;
		if (lstat(full, &st) < 0) {
			kr_err("%s: cannot stat: %s", full, strerror(errno));
			rc = -1;
		} else if (S_ISREG(st.st_mode) && st.st_nlink > 1) {
			for (size_t k = 0; k < nseen && !link; k++)
				if (seen[k].dev == st.st_dev && seen[k].ino == st.st_ino)
					link = seen[k].first;
			if (!link)
				seen[nseen++] = (struct inode){st.st_dev, st.st_ino, paths.v[i]};
		}
		free(full);
		if (rc == 0)
			rc = pkgtar_add_path_owned(t, root, paths.v[i], link,
						   owner_of(o, paths.v[i]));
	}
	free(seen);
	sl_free(&paths);
	if (rc < 0) {
		pkgtar_abort(t);
		return -1;
	}
	return pkgtar_close_result(t, res);
}
