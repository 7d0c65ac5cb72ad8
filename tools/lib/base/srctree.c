/* srctree.c - see srctree.h */
#include "srctree.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int tree_path_ok(const char *rel)
{
	if (!*rel || *rel == '/')
		return 0;
	for (const char *s = rel; *s;) {
		size_t n = strcspn(s, "/");
		if (!n || *s == '.')
			return 0; /* empty, '.', '..' or a dot name */
		s += n;
		if (*s == '/' && !*++s)
			return 0; /* trailing '/' */
	}
	return 1;
}

/* Walk TOP/REL in sorted order, calling `fn` for every entry (dirs before
 * their contents). */
typedef int (*tree_fn)(const char *top, const char *rel, const struct stat *st, void *arg);

static int walk(const char *top, const char *rel, tree_fn fn, void *arg)
{
	char *full = path_join(top, rel);
	struct stat st;
	int rc = 0;
	if (lstat(full, &st) < 0) {
		kr_err("%s: %s", full, strerror(errno));
		rc = -1;
	} else if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
		kr_err("%s: a tree: source holds files and directories only, found %s", full,
		       S_ISLNK(st.st_mode) ? "a symlink" : "a special file");
		rc = -1;
	} else
		rc = fn(top, rel, &st, arg);
	struct strlist names = STRLIST_INIT;
	if (!rc && S_ISDIR(st.st_mode))
		rc = list_dir(full, &names);
	for (size_t i = 0; !rc && i < names.n; i++) {
		if (names.v[i][0] == '.')
			continue;
		char *sub = path_join(rel, names.v[i]);
		rc = walk(top, sub, fn, arg);
		free(sub);
	}
	sl_free(&names);
	free(full);
	return rc;
}

static int hash_one(const char *top, const char *rel, const struct stat *st, void *arg)
{
	struct hasher *h = arg;
	if (S_ISDIR(st->st_mode)) {
		hasher_adds(h, "dir");
		hasher_adds(h, rel);
		return 0;
	}
	char *full = path_join(top, rel);
	char hex[SHA256_HEX_LEN + 1];
	int rc = sha256_file(full, hex, NULL);
	free(full);
	hasher_adds(h, st->st_mode & 0111 ? "exec" : "file");
	hasher_adds(h, rel);
	hasher_adds(h, rc ? "" : hex);
	return rc;
}

int tree_hash(const char *top, const char *rel, char out[SHA256_HEX_LEN + 1])
{
	if (!tree_path_ok(rel)) {
		kr_err("tree:%s: expected a relative path without '.', '..' or dot names", rel);
		return -1;
	}
	struct hasher *h = hasher_new();
	hasher_adds(h, "krill-tree-v1");
	int rc = walk(top, rel, hash_one, h);
	hasher_end(h, out);
	return rc;
}

static int copy_one(const char *top, const char *rel, const struct stat *st, void *arg)
{
	char *dst = path_join(arg, rel);
	int rc;
	if (S_ISDIR(st->st_mode)) {
		rc = mkdir_p(dst, 0755);
	} else {
		char *src = path_join(top, rel);
		char *data = NULL;
		size_t len;
		char *dir = path_dirname(dst);
		rc = mkdir_p(dir, 0755);
		if (!rc)
			rc = read_file(src, &data, &len);
		if (!rc)
			rc = write_file_atomic(dst, data, len, st->st_mode & 0111 ? 0755 : 0644);
		free(data);
		free(dir);
		free(src);
	}
	free(dst);
	return rc;
}

int tree_copy(const char *top, const char *rel, const char *dst)
{
	if (!tree_path_ok(rel)) {
		kr_err("tree:%s: expected a relative path without '.', '..' or dot names", rel);
		return -1;
	}
	return walk(top, rel, copy_one, (void *)dst);
}
