/* extract.c - see extract.h. The checks here do not trust libarchive's
 * ARCHIVE_EXTRACT_SECURE_* flags alone (they are also set): each entry is
 * checked against the tree already written, then libarchive writes it. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "extract.h"
#include "util.h"

struct ex {
	const char *name; /* the archive, for messages ("A" or "A!MEMBER") */
	int strip;
	struct archive *disk;
	long long newest; /* newest mtime of the entries written */
};

static struct archive *reader_new(void)
{
	struct archive *a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	return a;
}

/* Drop "./" and empty components, then strip n leading ones; NULL when
 * nothing remains. Refuses absolute paths and '..'. */
static char *clean_path(const struct ex *x, const char *entry, const char *path, int n,
			const char *what)
{
	if (path[0] == '/') {
		kr_err("%s: entry '%s': refused: absolute %s", x->name, entry, what);
		return NULL;
	}
	struct strlist parts = STRLIST_INIT, kept = STRLIST_INIT;
	sl_split(&parts, path, "/");
	char *out = NULL;
	int bad = 0;
	for (size_t i = 0; i < parts.n; i++) {
		if (!strcmp(parts.v[i], ".."))
			bad = 1;
		else if (strcmp(parts.v[i], "."))
			sl_push(&kept, parts.v[i]);
	}
	if (bad)
		kr_err("%s: entry '%s': refused: '..' in its %s", x->name, entry, what);
	else if (kept.n > (size_t)n) {
		struct strlist rest = {kept.v + n, kept.n - (size_t)n, 0};
		out = sl_join(&rest, "/");
	}
	sl_free(&parts);
	sl_free(&kept);
	return bad ? NULL : out ? out : xstrdup("");
}

/* Refuse when a folder on the way to path (relative to the staging folder,
 * the current directory) is a symlink: writing through it could escape. */
static int check_no_symlink(const struct ex *x, const char *entry, const char *path)
{
	char *p = xstrdup(path);
	int rc = 0;
	for (char *s = strchr(p, '/'); s && !rc; s = strchr(s + 1, '/')) {
		*s = 0;
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISLNK(st.st_mode)) {
			kr_err("%s: entry '%s': refused: it would be written through the symlink "
			       "'%s'",
			       x->name, entry, p);
			rc = -1;
		}
		*s = '/';
	}
	free(p);
	return rc;
}

static int check_type(const struct ex *x, struct archive_entry *e)
{
	mode_t t = archive_entry_filetype(e);
	/* a tar hardlink may carry no type bits: it is a link to a checked entry */
	if (archive_entry_hardlink(e) && (t == 0 || t == AE_IFREG))
		return 0;
	if (t == AE_IFREG || t == AE_IFDIR || t == AE_IFLNK)
		return 0;
	kr_err("%s: entry '%s': refused: %s", x->name, archive_entry_pathname(e),
	       t == AE_IFCHR || t == AE_IFBLK ? "a device node"
					      : "a special file (FIFO or socket)");
	return -1;
}

/* Check and rewrite one entry's names; 1: skip it (stripped to nothing). */
static int prepare(const struct ex *x, struct archive_entry *e)
{
	const char *orig = archive_entry_pathname(e);
	if (!orig) {
		kr_err("%s: an entry without a usable name", x->name);
		return -1;
	}
	char *entry = xstrdup(orig);
	char *path = clean_path(x, entry, entry, x->strip, "path");
	int rc = path ? 0 : -1;
	if (path && !*path)
		rc = 1;
	if (rc == 0)
		rc = check_type(x, e) < 0 || check_no_symlink(x, entry, path) < 0 ? -1 : 0;
	const char *hl = archive_entry_hardlink(e);
	if (rc == 0 && hl) {
		char *t = clean_path(x, entry, hl, x->strip, "hardlink target");
		rc = !t || !*t || check_no_symlink(x, entry, t) < 0 ? -1 : 0;
		if (t && !*t)
			kr_err("%s: entry '%s': hardlink target '%s' is stripped away", x->name,
			       entry, hl);
		if (rc == 0)
			archive_entry_set_hardlink(e, t);
		free(t);
	}
	if (rc == 0) {
		archive_entry_set_pathname(e, path);
		archive_entry_set_perm(e,
				       archive_entry_perm(e) & 0777); /* no setuid/setgid/sticky */
	}
	free(path);
	free(entry);
	return rc;
}

static int copy_data(const struct ex *x, struct archive *in, struct archive_entry *e)
{
	const void *buf;
	size_t len;
	la_int64_t off;
	int r;
	while ((r = archive_read_data_block(in, &buf, &len, &off)) == ARCHIVE_OK)
		if (archive_write_data_block(x->disk, buf, len, off) != ARCHIVE_OK) {
			kr_err("%s: entry '%s': %s", x->name, archive_entry_pathname(e),
			       archive_error_string(x->disk));
			return -1;
		}
	if (r != ARCHIVE_EOF) {
		kr_err("%s: entry '%s': %s", x->name, archive_entry_pathname(e),
		       archive_error_string(in));
		return -1;
	}
	return 0;
}

/* Unpack every entry of in into the current directory. */
static int unpack(struct ex *x, struct archive *in)
{
	struct archive_entry *e;
	int r;
	while ((r = archive_read_next_header(in, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		int p = prepare(x, e);
		if (p < 0)
			return -1;
		if (p > 0)
			continue;
		if (archive_entry_mtime_is_set(e) && archive_entry_mtime(e) > x->newest)
			x->newest = archive_entry_mtime(e);
		if (archive_write_header(x->disk, e) < ARCHIVE_WARN) {
			kr_err("%s: entry '%s': %s", x->name, archive_entry_pathname(e),
			       archive_error_string(x->disk));
			return -1;
		}
		if (archive_entry_size(e) > 0 && copy_data(x, in, e) < 0)
			return -1;
		if (archive_write_finish_entry(x->disk) < ARCHIVE_WARN) {
			kr_err("%s: entry '%s': %s", x->name, archive_entry_pathname(e),
			       archive_error_string(x->disk));
			return -1;
		}
	}
	if (r != ARCHIVE_EOF) {
		kr_err("%s: %s", x->name, archive_error_string(in));
		return -1;
	}
	return 0;
}

/* ---- wrapped archives: read a member of the outer archive as a stream ---- */

static la_ssize_t outer_read(struct archive *inner, void *outer, const void **buf)
{
	static _Thread_local char block[1 << 16];
	(void)inner;
	*buf = block;
	return archive_read_data(outer, block, sizeof block);
}

static int member_matches(const char *glob, const char *path)
{
	while (str_starts(path, "./"))
		path += 2;
	if (!strchr(glob, '/')) {
		const char *slash = strrchr(path, '/');
		path = slash ? slash + 1 : path;
	}
	return fnmatch(glob, path, 0) == 0;
}

/* Position outer at the member matching glob; its name goes to *member. */
static int find_member(const char *archive, struct archive *outer, const char *glob, char **member)
{
	struct archive_entry *e;
	int r;
	while ((r = archive_read_next_header(outer, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN)
		if (archive_entry_filetype(e) == AE_IFREG &&
		    member_matches(glob, archive_entry_pathname(e))) {
			*member = xstrdup(archive_entry_pathname(e));
			return 0;
		}
	if (r != ARCHIVE_EOF)
		kr_err("%s: %s", archive, archive_error_string(outer));
	else
		kr_err("%s: no member matches inner: '%s'", archive, glob);
	return -1;
}

/* Open the archive to unpack: the file itself, or its member (*outer set). */
static struct archive *open_input(const char *archive, const char *inner, struct archive **outer,
				  char **name)
{
	struct archive *a = reader_new();
	*outer = NULL;
	*name = xstrdup(archive);
	if (archive_read_open_filename(a, archive, 1 << 16) != ARCHIVE_OK) {
		kr_err("%s: %s", archive, archive_error_string(a));
		archive_read_free(a);
		return NULL;
	}
	if (!inner)
		return a;
	char *member = NULL;
	if (find_member(archive, a, inner, &member) < 0) {
		archive_read_free(a);
		return NULL;
	}
	free(*name);
	*name = xasprintf("%s!%s", archive, member);
	free(member);
	*outer = a;
	struct archive *in = reader_new();
	if (archive_read_open(in, a, NULL, outer_read, NULL) != ARCHIVE_OK) {
		kr_err("%s: %s", *name, archive_error_string(in));
		archive_read_free(in);
		archive_read_free(a);
		*outer = NULL;
		return NULL;
	}
	return in;
}

/* ---- staging and the final move ---- */

/* Move every entry of from into to; refuses to overwrite (checked for all
 * first, so a collision leaves to untouched). */
static int move_entries(const char *from, const char *to)
{
	struct strlist names = STRLIST_INIT;
	int rc = list_dir(from, &names);
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; rc == 0 && i < names.n; i++) {
			char *s = path_join(from, names.v[i]), *d = path_join(to, names.v[i]);
			struct stat st;
			if (pass == 0 && lstat(d, &st) == 0) {
				kr_err("%s: already exists; extract into an empty folder", d);
				rc = -1;
			} else if (pass == 1 && rename(s, d) < 0) {
				kr_err("%s: cannot move into place: %s", d, strerror(errno));
				rc = -1;
			}
			free(s);
			free(d);
		}
	sl_free(&names);
	return rc;
}

/* With strip auto: the single top folder, if that is all there is. */
static char *content_root(const char *stage, int strip)
{
	struct strlist names = STRLIST_INIT;
	char *root = NULL;
	if (strip < 0 && list_dir(stage, &names) == 0 && names.n == 1) {
		char *p = path_join(stage, names.v[0]);
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			root = p;
		else
			free(p);
	}
	sl_free(&names);
	return root ? root : xstrdup(stage);
}

static struct archive *disk_new(void)
{
	struct archive *d = archive_write_disk_new();
	archive_write_disk_set_options(d, ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
						  ARCHIVE_EXTRACT_SECURE_NODOTDOT |
						  ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS);
	return d;
}

/* Unpack in (named name) into stage, from inside it. */
static int unpack_in(const char *stage, struct archive *in, const char *name, int strip,
		     long long *newest)
{
	int cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cwd < 0 || chdir(stage) < 0) {
		kr_err("%s: cannot enter: %s", stage, strerror(errno));
		if (cwd >= 0)
			close(cwd);
		return -1;
	}
	struct ex x = {name, strip < 0 ? 0 : strip, disk_new(), 0};
	int rc = unpack(&x, in);
	if (newest && x.newest > *newest)
		*newest = x.newest;
	if (archive_write_close(x.disk) != ARCHIVE_OK && rc == 0) {
		kr_err("%s: %s", name, archive_error_string(x.disk));
		rc = -1;
	}
	archive_write_free(x.disk);
	if (fchdir(cwd) < 0 && rc == 0) {
		kr_err("cannot return to the working directory: %s", strerror(errno));
		rc = -1;
	}
	close(cwd);
	return rc;
}

int extract_archive(const char *archive, const char *destdir, const struct extract_opts *o)
{
	if (mkdir_p(destdir, 0755) < 0)
		return -1;
	char *stage = xasprintf("%s/.krill-extract-XXXXXX", destdir);
	if (!mkdtemp(stage)) {
		kr_err("%s: cannot create: %s", stage, strerror(errno));
		free(stage);
		return -1;
	}
	struct archive *outer, *in;
	char *name;
	int rc = -1;
	if ((in = open_input(archive, o->inner, &outer, &name))) {
		rc = unpack_in(stage, in, name, o->strip, o->newest);
		archive_read_free(in);
		if (outer)
			archive_read_free(outer);
	}
	if (rc == 0) {
		char *root = content_root(stage, o->strip);
		rc = move_entries(root, destdir);
		free(root);
	}
	rm_rf(stage);
	free(stage);
	free(name);
	return rc;
}
