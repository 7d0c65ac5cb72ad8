/* pkgtar.c - see pkgtar.h */
#include "pkgtar.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "util.h"

struct pkgtar {
	char *path;
	int fd;
	int64_t sde;
	enum pkgtar_comp comp;
	struct archive *a;
	ZSTD_CCtx *z;
	/* gzip: libdeflate compresses one whole buffer (no streaming API),
	 * so the tar is kept in memory until the close */
	struct libdeflate_compressor *gz;
	unsigned char *gzin;
	size_t gzlen, gzcap;
	EVP_MD_CTX *md, *tmd; /* compressed file, uncompressed tar */
	void *zbuf;
	size_t zbuf_size;
	uint64_t size, tar_size;
	int failed;
};

static int out_write(struct pkgtar *t, const void *p, size_t n)
{
	EVP_DigestUpdate(t->md, p, n);
	t->size += n;
	const char *c = p;
	while (n) {
		ssize_t w = write(t->fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			kr_err("%s: write error: %s", t->path, strerror(errno));
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int gz_append(struct pkgtar *t, const void *src, size_t n)
{
	if (n > t->gzcap - t->gzlen) {
		size_t cap = t->gzcap ? t->gzcap : (size_t)1 << 20;
		while (n > cap - t->gzlen)
			cap *= 2;
		t->gzin = xrealloc(t->gzin, cap);
		t->gzcap = cap;
	}
	memcpy(t->gzin + t->gzlen, src, n);
	t->gzlen += n;
	return 0;
}

static void le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* One gzip member as the OCI layer needs it: no name, mtime 0, XFL 2
 * (best compression), OS byte 255 ("unknown", what Go's compress/gzip
 * writes); then the raw deflate stream, CRC-32 and length mod 2^32. */
static int gz_finish(struct pkgtar *t)
{
	static const unsigned char head[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255};
	size_t bound = libdeflate_deflate_compress_bound(t->gz, t->gzlen);
	unsigned char *out = xmalloc(bound);
	size_t n = libdeflate_deflate_compress(t->gz, t->gzin ? t->gzin : out, t->gzlen, out, bound);
	unsigned char tail[8];
	le32(tail, libdeflate_crc32(0, t->gzin ? t->gzin : out, t->gzlen));
	le32(tail + 4, (uint32_t)t->gzlen);
	int rc = 0;
	if (n == 0) {
		kr_err("%s: libdeflate: deflate failed", t->path);
		rc = -1;
	} else if (out_write(t, head, sizeof head) < 0 || out_write(t, out, n) < 0 ||
		   out_write(t, tail, sizeof tail) < 0) {
		rc = -1;
	}
	free(out);
	return rc;
}

/* Push src through the compressor; mode ZSTD_e_end flushes the frame. */
static int squeeze(struct pkgtar *t, const void *src, size_t n, ZSTD_EndDirective mode)
{
	if (mode != ZSTD_e_end) {
		EVP_DigestUpdate(t->tmd, src, n);
		t->tar_size += n;
	}
	if (t->comp == PKGTAR_GZIP)
		return mode == ZSTD_e_end ? gz_finish(t) : gz_append(t, src, n);
	if (t->comp == PKGTAR_NONE)
		return n ? out_write(t, src, n) : 0;
	ZSTD_inBuffer in = {src, n, 0};
	for (;;) {
		ZSTD_outBuffer out = {t->zbuf, t->zbuf_size, 0};
		size_t left = ZSTD_compressStream2(t->z, &out, &in, mode);
		if (ZSTD_isError(left)) {
			kr_err("%s: zstd: %s", t->path, ZSTD_getErrorName(left));
			return -1;
		}
		if (out.pos && out_write(t, t->zbuf, out.pos) < 0)
			return -1;
		if (mode == ZSTD_e_end ? left == 0 : in.pos == in.size)
			return 0;
	}
}

static la_ssize_t tar_write_cb(struct archive *a, void *ctx, const void *buf, size_t n)
{
	struct pkgtar *t = ctx;
	if (squeeze(t, buf, n, ZSTD_e_continue) < 0) {
		t->failed = 1;
		archive_set_error(a, EIO, "%s", kr_errmsg());
		return -1;
	}
	return (la_ssize_t)n;
}

struct pkgtar *pkgtar_open(const char *path, int zstd_level, int64_t source_date_epoch)
{
	return pkgtar_open_comp(path, PKGTAR_ZSTD, zstd_level, source_date_epoch);
}

struct pkgtar *pkgtar_open_comp(const char *path, enum pkgtar_comp comp, int level,
				int64_t source_date_epoch)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		kr_err("%s: cannot create: %s", path, strerror(errno));
		return NULL;
	}
	struct pkgtar *t = xcalloc(1, sizeof *t);
	t->path = xstrdup(path);
	t->fd = fd;
	t->sde = source_date_epoch;
	t->comp = comp;
	t->md = EVP_MD_CTX_new();
	t->tmd = EVP_MD_CTX_new();
	if (!t->md || !t->tmd)
		abort();
	EVP_DigestInit_ex(t->md, EVP_sha256(), NULL);
	EVP_DigestInit_ex(t->tmd, EVP_sha256(), NULL);
	if (comp == PKGTAR_ZSTD) {
		t->zbuf_size = ZSTD_CStreamOutSize();
		t->zbuf = xmalloc(t->zbuf_size);
	}
	int bad = 0;
	if (comp == PKGTAR_ZSTD) {
		t->z = ZSTD_createCCtx();
		bad = !t->z ||
		      ZSTD_isError(ZSTD_CCtx_setParameter(t->z, ZSTD_c_compressionLevel, level)) ||
		      ZSTD_isError(ZSTD_CCtx_setParameter(t->z, ZSTD_c_checksumFlag, 1));
	} else if (comp == PKGTAR_GZIP) {
		t->gz = libdeflate_alloc_compressor(level); /* NULL: level not in 0..12 */
		bad = !t->gz;
	}
	if (bad) {
		kr_err("%s: cannot set up %s level %d", path, comp == PKGTAR_GZIP ? "gzip" : "zstd",
		       level);
		pkgtar_abort(t);
		return NULL;
	}
	t->a = archive_write_new();
	if (archive_write_set_format_pax_restricted(t->a) != ARCHIVE_OK ||
	    archive_write_open(t->a, t, NULL, tar_write_cb, NULL) != ARCHIVE_OK) {
		kr_err("%s: libarchive: %s", path, archive_error_string(t->a));
		pkgtar_abort(t);
		return NULL;
	}
	return t;
}

/* The fixed part of every header. */
static struct archive_entry *new_entry(struct pkgtar *t, const char *name, mode_t type, mode_t perm,
				       int64_t mtime, const struct pkgtar_owner *own)
{
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, perm & 07777);
	unsigned uid = own ? own->uid : 0, gid = own ? own->gid : 0;
	archive_entry_set_uid(e, uid);
	archive_entry_set_gid(e, gid);
	/* a name only for root: other ids stay numeric, never mapped by name */
	archive_entry_set_uname(e, uid ? "" : "root");
	archive_entry_set_gname(e, gid ? "" : "root");
	archive_entry_set_mtime(e, mtime < t->sde ? mtime : t->sde, 0);
	return e;
}

static int header(struct pkgtar *t, struct archive_entry *e)
{
	int rc = archive_write_header(t->a, e);
	if (rc != ARCHIVE_OK) {
		if (!t->failed)
			kr_err("%s: cannot add %s: %s", t->path, archive_entry_pathname(e),
			       archive_error_string(t->a));
		archive_entry_free(e);
		return -1;
	}
	archive_entry_free(e);
	return 0;
}

static int data(struct pkgtar *t, const char *name, const void *p, size_t n)
{
	if (n && archive_write_data(t->a, p, n) != (la_ssize_t)n) {
		if (!t->failed)
			kr_err("%s: cannot write %s: %s", t->path, name,
			       archive_error_string(t->a));
		return -1;
	}
	return 0;
}

int pkgtar_add_data(struct pkgtar *t, const char *name, const void *p, size_t len)
{
	struct archive_entry *e = new_entry(t, name, AE_IFREG, 0644, t->sde, NULL);
	archive_entry_set_size(e, (la_int64_t)len);
	if (header(t, e) < 0)
		return -1;
	return data(t, name, p, len);
}

/* Copy a regular file's bytes; its size must not change under us. */
static int copy_contents(struct pkgtar *t, const char *full, const char *rel, off_t size)
{
	int fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		kr_err("%s: cannot open: %s", full, strerror(errno));
		return -1;
	}
	static _Thread_local char buf[1 << 18];
	off_t done = 0;
	int rc = 0;
	while (rc == 0) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			kr_err("%s: read error: %s", full, strerror(errno));
			rc = -1;
		} else if (n == 0) {
			break;
		} else {
			done += n;
			rc = done > size ? -1 : data(t, rel, buf, (size_t)n);
		}
	}
	close(fd);
	if (rc == 0 && done != size)
		rc = -1;
	if (rc < 0 && done != size)
		kr_err("%s: file changed size while being packaged", full);
	return rc;
}

int pkgtar_add_path(struct pkgtar *t, const char *root, const char *rel, const char *hardlink)
{
	/* No group- or world-writable entry but a sticky dir (/tmp): the
	 * owner is root:root anyway, and so a build's umask (002 against 022)
	 * cannot reach a package (dh_fixperms does the same for Debian) */
	char *full = path_join(root, rel);
	struct stat st;
	int w = lstat(full, &st) == 0 && !S_ISLNK(st.st_mode) && (st.st_mode & 022) &&
		!(st.st_mode & S_ISVTX);
	free(full);
	struct pkgtar_owner own = {0, 0, w ? (int)(st.st_mode & 07755) : -1};
	return pkgtar_add_path_owned(t, root, rel, hardlink, w ? &own : NULL);
}

int pkgtar_add_path_owned(struct pkgtar *t, const char *root, const char *rel, const char *hardlink,
			  const struct pkgtar_owner *own)
{
	char *full = path_join(root, rel);
	struct stat st;
	int rc = -1;
	if (lstat(full, &st) < 0) {
		kr_err("%s: cannot stat: %s", full, strerror(errno));
		goto out;
	}
	mode_t type = S_ISDIR(st.st_mode) ? AE_IFDIR : S_ISLNK(st.st_mode) ? AE_IFLNK : AE_IFREG;
	if (!S_ISDIR(st.st_mode) && !S_ISLNK(st.st_mode) && !S_ISREG(st.st_mode)) {
		kr_err("%s: not a regular file, symlink or directory", full);
		goto out;
	}
	mode_t perm = own && own->mode >= 0 ? (mode_t)own->mode : st.st_mode;
	struct archive_entry *e = new_entry(t, rel, type, perm, (int64_t)st.st_mtime, own);
	if (hardlink) {
		archive_entry_set_hardlink(e, hardlink);
		archive_entry_set_size(e, 0);
	} else if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t n = readlink(full, target, sizeof target - 1);
		if (n < 0) {
			kr_err("%s: cannot read link: %s", full, strerror(errno));
			archive_entry_free(e);
			goto out;
		}
		target[n] = 0;
		archive_entry_set_symlink(e, target);
	} else if (S_ISREG(st.st_mode)) {
		archive_entry_set_size(e, (la_int64_t)st.st_size);
	}
	if (header(t, e) < 0)
		goto out;
	rc = (S_ISREG(st.st_mode) && !hardlink) ? copy_contents(t, full, rel, st.st_size) : 0;
out:
	free(full);
	return rc;
}

static void release(struct pkgtar *t)
{
	if (t->a)
		archive_write_free(t->a);
	if (t->fd >= 0)
		close(t->fd);
	ZSTD_freeCCtx(t->z);
	if (t->gz)
		libdeflate_free_compressor(t->gz);
	free(t->gzin);
	EVP_MD_CTX_free(t->md);
	EVP_MD_CTX_free(t->tmd);
	free(t->zbuf);
	free(t->path);
	free(t);
}

static void hex32(EVP_MD_CTX *md, char out[65])
{
	unsigned char d[32];
	unsigned int len = 0;
	EVP_DigestFinal_ex(md, d, &len);
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

int pkgtar_close_result(struct pkgtar *t, struct pkgtar_result *res)
{
	int rc = 0;
	if (archive_write_close(t->a) != ARCHIVE_OK) {
		if (!t->failed)
			kr_err("%s: cannot finish the tar: %s", t->path,
			       archive_error_string(t->a));
		rc = -1;
	}
	if (rc == 0)
		rc = squeeze(t, NULL, 0, ZSTD_e_end);
	if (rc == 0 && fsync(t->fd) < 0) {
		kr_err("%s: fsync: %s", t->path, strerror(errno));
		rc = -1;
	}
	hex32(t->md, res->sha256);
	hex32(t->tmd, res->tar_sha256);
	res->size = t->size;
	res->tar_size = t->tar_size;
	if (rc < 0)
		unlink(t->path);
	release(t);
	return rc;
}

int pkgtar_close(struct pkgtar *t, char sha256[65], uint64_t *size)
{
	struct pkgtar_result res;
	int rc = pkgtar_close_result(t, &res);
	memcpy(sha256, res.sha256, 65);
	*size = res.size;
	return rc;
}

void pkgtar_abort(struct pkgtar *t)
{
	unlink(t->path);
	release(t);
}
