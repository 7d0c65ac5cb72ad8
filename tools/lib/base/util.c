/* util.c - see util.h */
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#ifdef KRILL_CRYPTO_MBEDTLS
#include <sodium/crypto_hash_sha256.h>
#else
#include <openssl/evp.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- errors ---- */
static _Thread_local char errbuf[4096];

void kr_verr(const char *fmt, va_list ap)
{
	vsnprintf(errbuf, sizeof errbuf, fmt, ap);
}

void kr_err(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kr_verr(fmt, ap);
	va_end(ap);
}

void kr_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("krill: warning: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void kr_err_prefix(const char *fmt, ...)
{
	char old[sizeof errbuf], pre[1024];
	va_list ap;
	memcpy(old, errbuf, sizeof old);
	va_start(ap, fmt);
	vsnprintf(pre, sizeof pre, fmt, ap);
	va_end(ap);
	snprintf(errbuf, sizeof errbuf, "%s: %s", pre, old);
}

const char *kr_errmsg(void)
{
	return errbuf[0] ? errbuf : "unknown error";
}

/* ---- memory ---- */
static void oom(void)
{
	fputs("krill: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		oom();
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);
	if (!p)
		oom();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct sb b = SB_INIT;
	va_list ap;
	va_start(ap, fmt);
	char tmp[256];
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	if ((size_t)n < sizeof tmp) {
		va_end(ap2);
		return xstrdup(tmp);
	}
	b.s = xmalloc((size_t)n + 1);
	vsnprintf(b.s, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return b.s;
}

/* ---- growable string ---- */
static void sb_grow(struct sb *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1)
		cap *= 2;
	b->s = xrealloc(b->s, cap);
	b->cap = cap;
}

void sb_add(struct sb *b, const void *data, size_t n)
{
	sb_grow(b, n);
	memcpy(b->s + b->len, data, n);
	b->len += n;
	b->s[b->len] = 0;
}

void sb_adds(struct sb *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

void sb_addc(struct sb *b, char c)
{
	sb_add(b, &c, 1);
}

void sb_printf(struct sb *b, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	sb_grow(b, 64);
	int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	if (b->len + (size_t)n + 1 > b->cap) {
		sb_grow(b, (size_t)n);
		vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap2);
	}
	va_end(ap2);
	b->len += (size_t)n;
}

void sb_reset(struct sb *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = 0;
}

char *sb_steal(struct sb *b)
{
	char *s = b->s ? b->s : xstrdup("");
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void sb_free(struct sb *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

/* ---- string list ---- */
void sl_push_own(struct strlist *l, char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = s;
}

void sl_push(struct strlist *l, const char *s)
{
	sl_push_own(l, xstrdup(s));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void sl_sort(struct strlist *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof *l->v, cmp_str);
}

void sl_uniq(struct strlist *l)
{
	size_t o = 0;
	for (size_t i = 0; i < l->n; i++) {
		if (o && !strcmp(l->v[o - 1], l->v[i])) {
			free(l->v[i]);
			continue;
		}
		l->v[o++] = l->v[i];
	}
	l->n = o;
}

int sl_has(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return 1;
	return 0;
}

void sl_free(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

void sl_split(struct strlist *l, const char *s, const char *seps)
{
	while (*s) {
		size_t n = strcspn(s, seps);
		if (n)
			sl_push_own(l, xstrndup(s, n));
		s += n;
		if (*s)
			s++;
	}
}

char *sl_join(const struct strlist *l, const char *sep)
{
	struct sb b = SB_INIT;
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			sb_adds(&b, sep);
		sb_adds(&b, l->v[i]);
	}
	return sb_steal(&b);
}

/* ---- misc strings ---- */
int str_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int str_ends(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

int is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[n] == 0;
}

/* ---- files ---- */
int read_file(const char *path, char **data, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		kr_err("%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	struct sb b = SB_INIT;
	sb_grow(&b, 4096);
	for (;;) {
		sb_grow(&b, 65536);
		ssize_t r = read(fd, b.s + b.len, b.cap - b.len - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			kr_err("%s: read error: %s", path, strerror(errno));
			close(fd);
			sb_free(&b);
			return -1;
		}
		if (r == 0)
			break;
		b.len += (size_t)r;
	}
	close(fd);
	b.s[b.len] = 0;
	if (len)
		*len = b.len;
	*data = b.s;
	return 0;
}

int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int r = fsync(fd);
	close(fd);
	return r;
}

static int write_replace(const char *path, const void *data, size_t len, mode_t mode, int sync)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0) {
		kr_err("%s: cannot create: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	const char *p = data;
	size_t left = len;
	while (left) {
		ssize_t w = write(fd, p, left);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			kr_err("%s: write error: %s", tmp, strerror(errno));
			goto fail;
		}
		p += w;
		left -= (size_t)w;
	}
	if (fchmod(fd, mode) < 0 || (sync && fsync(fd) < 0)) {
		kr_err("%s: %s", tmp, strerror(errno));
		goto fail;
	}
	close(fd);
	fd = -1;
	if (rename(tmp, path) < 0) {
		kr_err("%s: cannot rename into place: %s", path, strerror(errno));
		goto fail;
	}
	if (sync) {
		char *dir = path_dirname(path);
		fsync_dir(dir);
		free(dir);
	}
	free(tmp);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return -1;
}

int write_file_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
	return write_replace(path, data, len, mode, 1);
}

int write_file_replace(const char *path, const void *data, size_t len, mode_t mode)
{
	return write_replace(path, data, len, mode, 0);
}

int mkdir_p(const char *path, mode_t mode)
{
	/* the common case first: the parent exists (one syscall, not one per
	 * component of the path) */
	if (mkdir(path, mode) == 0 || errno == EEXIST)
		return 0;
	char *p = xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, mode) < 0 && errno != EEXIST) {
			kr_err("%s: cannot create directory: %s", p, strerror(errno));
			free(p);
			return -1;
		}
		*s = '/';
	}
	if (mkdir(p, mode) < 0 && errno != EEXIST) {
		kr_err("%s: cannot create directory: %s", p, strerror(errno));
		free(p);
		return -1;
	}
	free(p);
	return 0;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(p) < 0 && errno != ENOENT ? -1 : 0;
	if (flag == FTW_D || flag == FTW_DNR) {
		/* unreadable dir: make it readable and let the walk retry */
		return 0;
	}
	return unlink(p) < 0 && errno != ENOENT ? -1 : 0;
}

int rm_rf(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(path) < 0) {
			kr_err("%s: cannot remove: %s", path, strerror(errno));
			return -1;
		}
		return 0;
	}
	if (nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS) < 0) {
		kr_err("%s: cannot remove: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int path_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *path_join(const char *a, const char *b)
{
	if (!a || !*a || *b == '/')
		return xstrdup(b);
	size_t n = strlen(a);
	return xasprintf("%s%s%s", a, a[n - 1] == '/' ? "" : "/", b);
}

char *path_dirname(const char *path)
{
	const char *s = strrchr(path, '/');
	if (!s)
		return xstrdup(".");
	if (s == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(s - path));
}

const char *path_basename(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

int list_dir(const char *dir, struct strlist *out)
{
	DIR *d = opendir(dir);
	if (!d) {
		kr_err("%s: cannot read directory: %s", dir, strerror(errno));
		return -1;
	}
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			sl_push(out, e->d_name);
	closedir(d);
	sl_sort(out);
	return 0;
}

static int walk_below(const char *root, const char *rel, walk_fn visit, void *arg)
{
	char *dir = rel ? path_join(root, rel) : xstrdup(root);
	struct strlist names = STRLIST_INIT;
	int rc = list_dir(dir, &names);
	for (size_t i = 0; rc == 0 && i < names.n; i++) {
		char *r = rel ? path_join(rel, names.v[i]) : xstrdup(names.v[i]);
		char *full = path_join(root, r);
		struct stat st;
		if (lstat(full, &st) < 0) {
			kr_err("%s: cannot stat: %s", full, strerror(errno));
			rc = -1;
		} else if ((rc = visit(r, full, &st, arg)) == 0 && S_ISDIR(st.st_mode)) {
			rc = walk_below(root, r, visit, arg);
		}
		rc = rc < 0 ? -1 : 0;
		free(full);
		free(r);
	}
	sl_free(&names);
	free(dir);
	return rc;
}

int walk_tree(const char *root, walk_fn visit, void *arg)
{
	return walk_below(root, NULL, visit, arg);
}

int copy_file(const char *src, const char *dst)
{
	char *data;
	size_t len;
	struct stat st;
	if (stat(src, &st) < 0) {
		kr_err("%s: %s", src, strerror(errno));
		return -1;
	}
	if (read_file(src, &data, &len) < 0)
		return -1;
	int r = write_file_atomic(dst, data, len, st.st_mode & 07777);
	free(data);
	return r;
}

/* ---- hashing ---- */
static void hex(const unsigned char *d, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = 0;
}

/* SHA-256 by OpenSSL, or (KRILL_CRYPTO_MBEDTLS: the lean in-image build,
 * tools/doc/lean.md) by libsodium, which the lean build links for Ed25519:
 * its SHA-256 hashes 15-20 % faster than mbedTLS's (both built -Os; the
 * client hashes every file it installs: tools/doc/benchmarks.md). Both
 * builds run the same known-answer tests (test_util; test_lean for the
 * lean backend). */
#ifdef KRILL_CRYPTO_MBEDTLS
struct hasher {
	crypto_hash_sha256_state st;
};

struct hasher *hasher_new(void)
{
	struct hasher *h = xmalloc(sizeof *h);
	crypto_hash_sha256_init(&h->st);
	return h;
}

void hasher_add(struct hasher *h, const void *data, size_t n)
{
	crypto_hash_sha256_update(&h->st, data, n);
}

void hasher_end(struct hasher *h, char out[SHA256_HEX_LEN + 1])
{
	unsigned char md[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(&h->st, md);
	free(h);
	hex(md, sizeof md, out);
}

void sha256_hex(const void *data, size_t n, char out[SHA256_HEX_LEN + 1])
{
	unsigned char md[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(md, data, n);
	hex(md, sizeof md, out);
}
#else
void sha256_hex(const void *data, size_t n, char out[SHA256_HEX_LEN + 1])
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	EVP_Digest(data, n, md, &mdlen, EVP_sha256(), NULL);
	hex(md, 32, out);
}

struct hasher {
	EVP_MD_CTX *ctx;
};

struct hasher *hasher_new(void)
{
	struct hasher *h = xmalloc(sizeof *h);
	h->ctx = EVP_MD_CTX_new();
	if (!h->ctx)
		oom();
	EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL);
	return h;
}

void hasher_add(struct hasher *h, const void *data, size_t n)
{
	EVP_DigestUpdate(h->ctx, data, n);
}

void hasher_end(struct hasher *h, char out[SHA256_HEX_LEN + 1])
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	EVP_DigestFinal_ex(h->ctx, md, &mdlen);
	EVP_MD_CTX_free(h->ctx);
	free(h);
	hex(md, 32, out);
}
#endif

void hasher_adds(struct hasher *h, const char *s)
{
	hasher_add(h, s, strlen(s));
	hasher_add(h, "\n", 1);
}

int sha256_file(const char *path, char out[SHA256_HEX_LEN + 1], uint64_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		kr_err("%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	struct hasher *h = hasher_new();
	static _Thread_local char buf[1 << 16];
	uint64_t total = 0;
	for (;;) {
		ssize_t r = read(fd, buf, sizeof buf);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			kr_err("%s: read error: %s", path, strerror(errno));
			close(fd);
			hasher_end(h, out);
			return -1;
		}
		if (r == 0)
			break;
		hasher_add(h, buf, (size_t)r);
		total += (uint64_t)r;
	}
	close(fd);
	hasher_end(h, out);
	if (size)
		*size = total;
	return 0;
}

char *run_first_line(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	char line[512] = "";
	if (p) {
		if (!fgets(line, sizeof line, p))
			line[0] = 0;
		pclose(p);
	}
	line[strcspn(line, "\n")] = 0;
	return line[0] ? xstrdup(line) : NULL;
}

double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
