/* fsroot.c - see fsroot.h */
#include "fsroot.h"

#include <stdint.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/xattr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strmap.h"

char *fsr_clean(const char *name, const char *what)
{
	if (!*name) {
		kr_err("%s: empty member name, expected a relative path", what);
		return NULL;
	}
	if (name[0] == '/') {
		kr_err("%s: absolute path '%s' refused, expected a path relative to the root", what,
		       name);
		return NULL;
	}
	if (strpbrk(name, "\n\t")) {
		kr_err("%s: path with a newline or tab refused", what);
		return NULL;
	}
	struct strlist parts = STRLIST_INIT;
	sl_split(&parts, name, "/");
	struct sb out = SB_INIT;
	for (size_t i = 0; i < parts.n; i++) {
		if (!strcmp(parts.v[i], "."))
			continue;
		if (!strcmp(parts.v[i], "..")) {
			kr_err("%s: path '%s' has a '..' component, refused", what, name);
			sl_free(&parts);
			sb_free(&out);
			return NULL;
		}
		if (strlen(parts.v[i]) > NAME_MAX) {
			kr_err("%s: path '%.64s...' has a component of %zu bytes, over %d bytes "
			       "(NAME_MAX), refused",
			       what, name, strlen(parts.v[i]), NAME_MAX);
			sl_free(&parts);
			sb_free(&out);
			return NULL;
		}
		if (out.len)
			sb_addc(&out, '/');
		sb_adds(&out, parts.v[i]);
	}
	sl_free(&parts);
	if (!out.len) {
		kr_err("%s: member '%s' names the root itself, expected a path below it", what,
		       name);
		sb_free(&out);
		return NULL;
	}
	return sb_steal(&out);
}

/* Directory descriptors already reached from the root, by relative path:
 * installing hundreds of files would otherwise walk the same components
 * thousands of times. A cached descriptor stays the directory it was when
 * reached safely, so using it is no weaker than walking again. The cache
 * owns them: callers borrow. Cleared when a root is opened or closed and
 * whenever a directory is removed. */
static struct strmap dircache;

static void cache_clear(void)
{
	for (size_t i = 0; i < dircache.cap; i++)
		if (dircache.keys && dircache.keys[i])
			close((int)(intptr_t)dircache.vals[i] - 1);
	strmap_free(&dircache);
	memset(&dircache, 0, sizeof dircache);
}

/* A borrowed descriptor of dir, or -1. */
static int cache_get(const char *dir)
{
	void *v = strmap_get(&dircache, dir);
	return v ? (int)(intptr_t)v - 1 : -1;
}

void fsr_close_root(int rootfd)
{
	cache_clear();
	if (rootfd >= 0)
		close(rootfd);
}

int fsr_open_root(const char *root)
{
	cache_clear();
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		kr_err("%s: cannot open root directory: %s", root, strerror(errno));
	return fd;
}

/* Walk one component down from dirfd (not following a symlink). */
static int walk_one(int dirfd, const char *comp, int create, int *made)
{
	*made = 0;
	for (;;) {
		int fd = openat(dirfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0 || errno != ENOENT || !create)
			return fd;
		if (mkdirat(dirfd, comp, 0755) < 0 && errno != EEXIST)
			return -1;
		*made = 1;
		create = 0; /* open once more, never loop */
	}
}

static int open_parent(int rootfd, const char *rel, int create, struct strlist *made,
		       const char **base, int report)
{
	const char *last = strrchr(rel, '/');
	*base = last ? last + 1 : rel;
	if (!last)
		return rootfd;
	/* start from the deepest cached ancestor of rel's parent */
	char *dir = xstrndup(rel, (size_t)(last - rel));
	int fd = -1;
	for (char *end = dir + strlen(dir); end;) {
		*end = 0;
		if ((fd = cache_get(dir)) >= 0)
			break;
		end = strrchr(dir, '/');
	}
	const char *p = fd >= 0 ? rel + strlen(dir) + 1 : rel;
	free(dir);
	if (fd < 0)
		fd = rootfd;
	for (const char *slash; (slash = strchr(p, '/')); p = slash + 1) {
		char *comp = xstrndup(p, (size_t)(slash - p));
		int was_made;
		int next = walk_one(fd, comp, create, &was_made);
		int e = errno;
		free(comp);
		if (next < 0) {
			if (report)
				kr_err("%.*s: %s", (int)(slash - rel), rel,
				       e == ELOOP || e == ENOTDIR
					       ? "is a symlink or not a directory, refusing to go "
						 "through it"
					       : strerror(e));
			errno = e;
			return -1;
		}
		char *sofar = xstrndup(rel, (size_t)(slash - rel));
		strmap_put(&dircache, sofar, (void *)(intptr_t)(next + 1));
		if (was_made && made)
			sl_push_own(made, sofar);
		else
			free(sofar);
		fd = next;
	}
	return fd;
}

int fsr_open_parent(int rootfd, const char *rel, int create, struct strlist *made,
		    const char **base)
{
	return open_parent(rootfd, rel, create, made, base, 1);
}

int fsr_lstat(int rootfd, const char *rel, struct stat *st)
{
	const char *base;
	int fd = open_parent(rootfd, rel, 0, NULL, &base, 0);
	return fd < 0 ? -1 : fstatat(fd, base, st, AT_SYMLINK_NOFOLLOW);
}

/* Before a regular file is unlinked or replaced: a hardlink someone made
 * to it elsewhere in the root would keep the old inode, and with it a
 * setuid/setgid bit on old, maybe vulnerable, code (CVE-2010-2059). As rpm
 * and dpkg do: clear those bits and truncate it; and when other links
 * exist, drop file capabilities too. Nothing to do for other types. */
static void defuse(int dfd, const char *base)
{
	struct stat st;
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
		return;
	int suid = (st.st_mode & (S_ISUID | S_ISGID)) != 0;
	if (!suid && st.st_nlink < 2)
		return;
	int fd = openat(dfd, base, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		/* a running binary (ETXTBSY): at least the bits go */
		if (suid)
			fchmodat(dfd, base, st.st_mode & 0777, 0);
		return;
	}
	if (suid) {
		if (fchmod(fd, st.st_mode & 0777) < 0 || ftruncate(fd, 0) < 0) {
			/* best effort: the unlink or rename still happens */
		}
	}
	if (st.st_nlink > 1)
		fremovexattr(fd, "security.capability");
	close(fd);
}

int fsr_rename(int rootfd, const char *from, const char *to)
{
	const char *b1, *b2;
	int d1 = fsr_open_parent(rootfd, from, 0, NULL, &b1);
	int d2 = d1 < 0 ? -1 : fsr_open_parent(rootfd, to, 0, NULL, &b2);
	if (d2 < 0)
		return -1;
	/* a new path (every one, into an empty root) needs no defusing: one
	 * call; one that exists, or a file system without NOREPLACE, the two */
	int r = renameat2(d1, b1, d2, b2, RENAME_NOREPLACE);
	if (r < 0 && (errno == EEXIST || errno == EINVAL || errno == ENOSYS)) {
		defuse(d2, b2);
		r = renameat(d1, b1, d2, b2);
	}
	if (r < 0)
		kr_err("%s: cannot rename into place: %s", to, strerror(errno));
	return r;
}

static int remove_at(int rootfd, const char *rel, int flags)
{
	const char *base;
	int d = fsr_open_parent(rootfd, rel, 0, NULL, &base);
	if (d < 0)
		return errno == ENOENT ? 0 : -1;
	if (!flags)
		defuse(d, base);
	int r = unlinkat(d, base, flags);
	int e = errno;
	if (r < 0 && (e == ENOENT || (flags && (e == ENOTEMPTY || e == EEXIST))))
		return 0;
	if (r < 0)
		kr_err("%s: cannot remove: %s", rel, strerror(e));
	return r;
}

int fsr_unlink(int rootfd, const char *rel)
{
	return remove_at(rootfd, rel, 0);
}
int fsr_rmdir(int rootfd, const char *rel)
{
	cache_clear(); /* the directory (and descriptors below it) may go */
	return remove_at(rootfd, rel, AT_REMOVEDIR);
}

int fsr_sha256(int rootfd, const char *rel, char out[SHA256_HEX_LEN + 1])
{
	out[0] = 0;
	const char *base;
	int d = fsr_open_parent(rootfd, rel, 0, NULL, &base);
	if (d < 0)
		return -1;
	int fd = openat(d, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	struct hasher *h = hasher_new();
	char buf[65536];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		hasher_add(h, buf, (size_t)n);
	close(fd);
	hasher_end(h, out);
	return n < 0 ? -1 : 0;
}
