/* pkgread.c - see pkgread.h */
#include "pkgread.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <malloc.h>
#include <pthread.h>
#include <unistd.h>
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_d_forceIgnoreChecksum */
#include <zstd.h>
#include <stdlib.h>
#include <string.h>

/* zstd is decoded here, not by libarchive's filter: a decoder context is
 * ~100 KiB to set up, so contexts are kept in a small pool and reused
 * (indexing 10,000 small packages spent half its time creating them). */
struct zsrc {
	ZSTD_DCtx *dctx;
	ZSTD_inBuffer in;
	int fd; /* -1: reading from memory */
	int eof;
	size_t last;	/* last ZSTD_decompressStream result: 0 = frame complete */
	uint64_t total; /* decompressed bytes handed to libarchive */
	uint64_t limit; /* at most this many so far (pkgread moves it) */
	uint64_t data;	/* of which file data (and the two metadata members) */
	size_t members;
	char inbuf[1 << 15];
	char outbuf[1 << 15];
};

struct pkgread {
	struct archive *a;
	struct zsrc z;
	char *name;
	struct pkginfo info;
	char *pkginfo_text;
	size_t pkginfo_len;
	char *sbom;
	size_t sbom_len;
	json_t *sbom_json; /* parsed once, by the check */
	int flags;	   /* PKGREAD_* */
	char *sums;	   /* .SHA256SUMS as stored; sum[] points into it */
	size_t sums_len;
	struct sumline {
		const char *hex, *path;
		int plen;
	} *sum;
	size_t nsum, nsum_seen; /* lines; lines matched by members so far */
	int has_sums;
	struct archive_entry *pending; /* the first file member's header, read already */
	int at_end;  /* ... or the archive ended after the metadata */
	uint64_t file_bytes;	 /* regular-file bytes so far */
	uint64_t installed_size; /* the cap on them, from .PKGINFO */
	size_t count;
	int failed;
};

static int arc_fail(struct pkgread *r, const char *what)
{
	const char *msg = archive_error_string(r->a);
	kr_err("%s: %s: %s", r->name, what, msg ? msg : "unreadable archive");
	r->failed = 1;
	return -1;
}

static int read_data(struct pkgread *r, const char *want, size_t n, char **out, size_t *len);

/* Read the next header and require a regular member called want, at most
 * max bytes; its data goes to *out (NUL-terminated). */
static int read_member(struct pkgread *r, const char *want, const char *place, size_t max,
		       char **out, size_t *len)
{
	struct archive_entry *e;
	int rc = archive_read_next_header(r->a, &e);
	if (rc == ARCHIVE_EOF) {
		kr_err("%s: archive ends early, expected %s as its %s member", r->name, want,
		       place);
		return -1;
	}
	if (rc < ARCHIVE_WARN)
		return arc_fail(r, "corrupt package");
	const char *path = archive_entry_pathname(e);
	if (!path || strcmp(path, want) || archive_entry_filetype(e) != AE_IFREG ||
	    archive_entry_hardlink(e)) {
		kr_err("%s: %s member is '%s', expected the regular file %s", r->name, place,
		       path ? path : "(unnamed)", want);
		return -1;
	}
	if (!archive_entry_size_is_set(e) || archive_entry_size(e) < 0 ||
	    (uint64_t)archive_entry_size(e) > max) {
		kr_err("%s: %s is %lld bytes, expected at most %zu", r->name, want,
		       (long long)archive_entry_size(e), max);
		return -1;
	}
	return read_data(r, want, (size_t)archive_entry_size(e), out, len);
}

/* The current member's n bytes of data into *out (NUL-terminated). */
static int read_data(struct pkgread *r, const char *want, size_t n, char **out, size_t *len)
{
	/* grow with the data that really arrives, not with the claimed size */
	struct sb b = SB_INIT;
	char chunk[65536];
	while (b.len < n) {
		size_t step = n - b.len < sizeof chunk ? n - b.len : sizeof chunk;
		la_ssize_t k = archive_read_data(r->a, chunk, step);
		if (k <= 0) {
			sb_free(&b);
			if (k == 0)
				kr_err("%s: %s is cut short", r->name, want);
			return k == 0 ? -1 : arc_fail(r, want);
		}
		sb_add(&b, chunk, (size_t)k);
	}
	*len = b.len;
	*out = sb_steal(&b);
	return 0;
}

static pthread_mutex_t dctx_lock = PTHREAD_MUTEX_INITIALIZER;
static ZSTD_DCtx *dctx_pool[16];
static size_t dctx_n;

static ZSTD_DCtx *dctx_get(void)
{
	ZSTD_DCtx *d = NULL;
	pthread_mutex_lock(&dctx_lock);
	if (dctx_n)
		d = dctx_pool[--dctx_n];
	pthread_mutex_unlock(&dctx_lock);
	if (!d)
		d = ZSTD_createDCtx();
	else
		ZSTD_DCtx_reset(d, ZSTD_reset_session_and_parameters); /* the checksum flag */
	return d;
}

static void dctx_put(ZSTD_DCtx *d)
{
	if (!d)
		return;
	pthread_mutex_lock(&dctx_lock);
	if (dctx_n < ARRAY_LEN(dctx_pool)) {
		dctx_pool[dctx_n++] = d;
		d = NULL;
	}
	pthread_mutex_unlock(&dctx_lock);
	ZSTD_freeDCtx(d);
}

static la_ssize_t zread(struct archive *a, void *arg, const void **buf)
{
	struct zsrc *z = arg;
	for (;;) {
		if (z->in.pos == z->in.size && !z->eof) {
			ssize_t n = z->fd < 0 ? 0 : read(z->fd, z->inbuf, sizeof z->inbuf);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				archive_set_error(a, errno, "read error");
				return -1;
			}
			z->eof = n == 0;
			z->in = (ZSTD_inBuffer){z->inbuf, (size_t)n, 0};
		}
		ZSTD_outBuffer out = {z->outbuf, sizeof z->outbuf, 0};
		if (z->in.pos < z->in.size) {
			z->last = ZSTD_decompressStream(z->dctx, &out, &z->in);
			if (ZSTD_isError(z->last)) {
				archive_set_error(a, EINVAL, "zstd: %s",
						  ZSTD_getErrorName(z->last));
				return -1;
			}
		}
		if (out.pos) {
			z->total += out.pos;
			if (z->total > z->limit) {
				archive_set_error(
					a, EFBIG,
					"more than %llu bytes of tar headers and metadata "
					"after %zu members: refused (a metadata bomb)",
					(unsigned long long)(z->limit - z->data), z->members);
				return -1;
			}
			*buf = z->outbuf;
			return (la_ssize_t)out.pos;
		}
		if (z->eof && z->in.pos == z->in.size) {
			if (z->last != 0) {
				archive_set_error(a, EINVAL, "zstd: compressed data cut short");
				return -1;
			}
			return 0;
		}
	}
}

/* A package starts with a zstd frame; anything else is refused up front. */
static int check_magic(struct pkgread *r, const void *head, size_t n)
{
	static const unsigned char magic[4] = {0x28, 0xb5, 0x2f, 0xfd};
	if (n < 4 || memcmp(head, magic, 4)) {
		kr_err("%s: not zstd-compressed, expected a .pkg.tar.zst package", r->name);
		return -1;
	}
	return 0;
}

/* The budget of what the tar stream may hold: data bytes seen so far, plus
 * the metadata allowance for the members so far and the next one. */
static void set_limit(struct pkgread *r, uint64_t data, size_t members)
{
	r->z.data = data;
	r->z.members = members;
	r->z.limit = data + PKG_META_SLACK + (uint64_t)(members + 1) * PKG_META_PER_MEMBER;
}

static int load_pkginfo(struct pkgread *r)
{
	char *buf, *src;
	size_t len, pos = 0;
	int line = 1;
	if (read_member(r, PKGINFO_NAME, "first", PKGINFO_MAX, &buf, &len) < 0)
		return -1;
	set_limit(r, len + SBOM_MAX, 1); /* the SBOM's size is not known yet */
	src = xasprintf("%s:%s", r->name, PKGINFO_NAME);
	int rc = pkginfo_parse(buf, len, &pos, &line, src, 0, &r->info);
	if (rc == 0)
		kr_err("%s: empty, expected package metadata", src);
	else if (rc == 1 && pos != len) {
		kr_err("%s:%d: a second stanza, expected exactly one", src, line);
		pkginfo_free(&r->info);
		rc = -1;
	}
	free(src);
	r->pkginfo_text = buf;
	r->pkginfo_len = len;
	r->installed_size = r->info.installed_size;
	return rc == 1 ? 0 : -1;
}

/* jansson's allocations counted against a per-thread budget while an SBOM
 * is parsed (malloc_usable_size: no header, so memory allocated before the
 * hooks were set is freed correctly too). */
static _Thread_local int64_t json_used, json_budget; /* budget 0: not counting */
static _Thread_local int json_refused;
static void *json_counted_malloc(size_t n)
{
	void *p = malloc(n);
	if (p && json_budget) {
		json_used += (int64_t)malloc_usable_size(p);
		if (json_used > json_budget) {
			json_used -= (int64_t)malloc_usable_size(p);
			json_refused = 1;
			free(p);
			return NULL;
		}
	}
	return p;
}
static void json_counted_free(void *p)
{
	if (p && json_budget)
		json_used -= (int64_t)malloc_usable_size(p);
	free(p);
}
static pthread_once_t json_once = PTHREAD_ONCE_INIT;
static void json_hooks(void)
{
	json_set_alloc_funcs(json_counted_malloc, json_counted_free);
}

/* Nesting depth of JSON text, looking only at brackets outside strings
 * (jansson parses; this only bounds what it is given): -1 if over max. */
static int json_depth_ok(const char *s, size_t n, int max, size_t *at)
{
	int depth = 0, in_str = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '{' || c == '[') {
			if (++depth > max) {
				*at = i;
				return 0;
			}
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	return 1;
}

/* The SBOM parsed within the caps (pkgread.h), or NULL with kr_err. */
static json_t *sbom_parse(const char *data, size_t len, const char *name)
{
	size_t at = 0;
	if (len > SBOM_MAX) {
		kr_err("%s:%s: %zu bytes, expected at most %u", name, SBOM_NAME, len, SBOM_MAX);
		return NULL;
	}
	if (!json_depth_ok(data, len, SBOM_DEPTH_MAX, &at)) {
		kr_err("%s:%s: byte %zu: nested more than %d deep, refused", name, SBOM_NAME, at,
		       SBOM_DEPTH_MAX);
		return NULL;
	}
	pthread_once(&json_once, json_hooks);
	json_used = 0;
	json_refused = 0;
	json_budget = (int64_t)SBOM_MEM_BASE + (int64_t)SBOM_MEM_FACTOR * (int64_t)len;
	json_error_t err;
	json_t *j = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
	int over = json_refused;
	int ok = j && json_is_object(j);
	json_budget = 0;
	if (!j && over)
		kr_err("%s:%s: parsing it needs more than %lld MiB, refused (an SBOM bomb)", name,
		       SBOM_NAME,
		       (long long)(SBOM_MEM_BASE + (uint64_t)SBOM_MEM_FACTOR * len) >> 20);
	else if (!j)
		kr_err("%s:%s:%d:%d: %s, expected an SPDX JSON document", name, SBOM_NAME, err.line,
		       err.column, err.text);
	else if (!ok)
		kr_err("%s:%s: not a JSON object, expected an SPDX JSON document", name, SBOM_NAME);
	if (!ok) {
		json_decref(j);
		return NULL;
	}
	return j;
}

int pkgread_check_sbom(const char *data, size_t len, const char *name)
{
	json_t *j = sbom_parse(data, len, name);
	json_decref(j);
	return j ? 0 : -1;
}

static int is_sha256_hex(const char *s)
{
	size_t i = 0;
	for (; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == 64;
}

size_t pkgread_sbom_sha256s(const struct pkgread *r, struct strmap *out)
{
	json_t *files = json_object_get(r->sbom_json, "files"), *f;
	size_t i, n = 0;
	json_array_foreach(files, i, f) {
		const char *name = json_string_value(json_object_get(f, "fileName"));
		json_t *sums = json_object_get(f, "checksums"), *c;
		size_t k;
		if (!name || strncmp(name, "./", 2) || !name[2])
			continue;
		json_array_foreach(sums, k, c) {
			const char *alg = json_string_value(json_object_get(c, "algorithm"));
			const char *v = json_string_value(json_object_get(c, "checksumValue"));
			if (alg && v && !strcmp(alg, "SHA256") && is_sha256_hex(v)) {
				free(strmap_put(out, name + 2, xstrdup(v)));
				n++;
				break;
			}
		}
	}
	return n;
}

/* .SHA256SUMS split into lines, each "HEX  PATH": 64 lowercase hex digits,
 * two spaces, a path of 1 to PKG_PATH_MAX bytes. */
static int parse_sums(struct pkgread *r)
{
	char *s = r->sums, *end = r->sums + r->sums_len;
	size_t cap = 0;
	for (size_t line = 1; s < end; line++) {
		char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t plen = nl ? (size_t)(nl - s) : 0;
		int ok = nl && plen > 66 && plen - 66 <= PKG_PATH_MAX && s[64] == ' ' &&
			 s[65] == ' ' && !memchr(s, 0, plen);
		for (int i = 0; ok && i < 64; i++)
			ok = (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f');
		if (!ok) {
			kr_err("%s:%s:%zu: expected 64 lowercase hex digits, two spaces and a "
			       "path, ending in a newline",
			       r->name, SUMS_NAME, line);
			return -1;
		}
		if (r->nsum == PKG_ENTRIES_MAX) {
			kr_err("%s:%s: more than %d lines, refused", r->name, SUMS_NAME,
			       PKG_ENTRIES_MAX);
			return -1;
		}
		if (r->nsum == cap) {
			cap = cap ? 2 * cap : 64;
			r->sum = xrealloc(r->sum, cap * sizeof *r->sum);
		}
		r->sum[r->nsum++] = (struct sumline){s, s + 66, (int)(plen - 66)};
		s = nl + 1;
	}
	return 0;
}

/* The member after the SBOM: .SHA256SUMS, or (a package written before
 * it existed) the first file, whose header is then kept for pkgread_next. */
static int load_sums(struct pkgread *r)
{
	struct archive_entry *e;
	int rc = archive_read_next_header(r->a, &e);
	if (rc == ARCHIVE_EOF) {
		r->at_end = 1;
		return 0;
	}
	if (rc < ARCHIVE_WARN)
		return arc_fail(r, "corrupt package");
	const char *path = archive_entry_pathname(e);
	if (!path || strcmp(path, SUMS_NAME)) {
		r->pending = e;
		return 0;
	}
	if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e) ||
	    !archive_entry_size_is_set(e) || archive_entry_size(e) < 0 ||
	    (uint64_t)archive_entry_size(e) > SUMS_MAX) {
		kr_err("%s: %s is not a regular file of at most %u bytes", r->name, SUMS_NAME,
		       SUMS_MAX);
		return -1;
	}
	if (read_data(r, SUMS_NAME, (size_t)archive_entry_size(e), &r->sums, &r->sums_len) < 0)
		return -1;
	r->has_sums = 1;
	return parse_sums(r);
}

static int load_sbom(struct pkgread *r)
{
	if (read_member(r, SBOM_NAME, "second", SBOM_MAX, &r->sbom, &r->sbom_len) < 0)
		return -1;
	set_limit(r, r->pkginfo_len + r->sbom_len + SUMS_MAX, 2); /* its size is not known yet */
	if (load_sums(r) < 0)
		return -1;
	set_limit(r, r->pkginfo_len + r->sbom_len + r->sums_len, r->pending != NULL);
	/* the installer reads file sha256s from .SHA256SUMS and nothing else
	 * from the SBOM: parsing it there would only cost time */
	if ((r->flags & PKGREAD_SBOM_CHECKED) || (r->has_sums && (r->flags & PKGREAD_SUMS_ENOUGH)))
		return 0;
	r->sbom_json = sbom_parse(r->sbom, r->sbom_len, r->name);
	return r->sbom_json ? 0 : -1;
}

static struct pkgread *finish_open(struct pkgread *r, int rc)
{
	if (rc != ARCHIVE_OK) {
		arc_fail(r, "cannot open package");
		pkgread_close(r);
		return NULL;
	}
	if (load_pkginfo(r) < 0 || load_sbom(r) < 0) {
		pkgread_close(r);
		return NULL;
	}
	return r;
}

static struct pkgread *new_reader(const char *name, int flags)
{
	struct pkgread *r = xcalloc(1, sizeof *r);
	r->name = xstrdup(name);
	r->a = archive_read_new();
	if (!r->a) {
		free(r->name);
		free(r);
		return NULL;
	}
	archive_read_support_format_tar(r->a);
	r->z.fd = -1;
	r->z.limit = PKGINFO_MAX + PKG_META_SLACK + PKG_META_PER_MEMBER;
	r->z.dctx = dctx_get();
	if (!r->z.dctx) {
		pkgread_close(r);
		return NULL;
	}
	r->flags = flags;
	if (flags & PKGREAD_VERIFIED)
		ZSTD_DCtx_setParameter(r->z.dctx, ZSTD_d_forceIgnoreChecksum, ZSTD_d_ignoreChecksum);
	return r;
}

static struct pkgread *open_file(const char *path, int flags)
{
	struct pkgread *r = new_reader(path, flags);
	if (!r) {
		kr_err("%s: cannot start libarchive", path);
		return NULL;
	}
	r->z.fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = r->z.fd < 0 ? -1 : read(r->z.fd, r->z.inbuf, sizeof r->z.inbuf);
	if (n < 0) {
		kr_err("%s: cannot read: %s", path, strerror(errno));
		pkgread_close(r);
		return NULL;
	}
	r->z.in = (ZSTD_inBuffer){r->z.inbuf, (size_t)n, 0};
	r->z.eof = n == 0;
	if (check_magic(r, r->z.inbuf, (size_t)n) < 0) {
		pkgread_close(r);
		return NULL;
	}
	return finish_open(r, archive_read_open(r->a, &r->z, NULL, zread, NULL));
}

struct pkgread *pkgread_open(const char *path)
{
	return open_file(path, 0);
}

struct pkgread *pkgread_open_flags(const char *path, int flags)
{
	return open_file(path, flags);
}

static struct pkgread *open_memory(const void *data, size_t len, const char *name, int flags)
{
	struct pkgread *r = new_reader(name, flags);
	if (!r) {
		kr_err("%s: cannot start libarchive", name);
		return NULL;
	}
	r->z.in = (ZSTD_inBuffer){data, len, 0};
	r->z.eof = 1;
	if (check_magic(r, data, len) < 0) {
		pkgread_close(r);
		return NULL;
	}
	return finish_open(r, archive_read_open(r->a, &r->z, NULL, zread, NULL));
}

struct pkgread *pkgread_open_memory(const void *data, size_t len, const char *name)
{
	return open_memory(data, len, name, 0);
}

struct pkgread *pkgread_open_memory_flags(const void *data, size_t len, const char *name,
					  int flags)
{
	return open_memory(data, len, name, flags);
}

const struct pkginfo *pkgread_info(const struct pkgread *r)
{
	return &r->info;
}

void pkgread_take_info(struct pkgread *r, struct pkginfo *out)
{
	*out = r->info;
	memset(&r->info, 0, sizeof r->info);
}

const char *pkgread_sbom(const struct pkgread *r, size_t *len)
{
	*len = r->sbom_len;
	return r->sbom;
}

const char *pkgread_sums_text(const struct pkgread *r, size_t *len)
{
	*len = r->sums_len;
	return r->has_sums ? r->sums : NULL;
}

const char *pkgread_pkginfo_text(const struct pkgread *r, size_t *len)
{
	*len = r->pkginfo_len;
	return r->pkginfo_text;
}

static int entry_type(struct archive_entry *e, enum pkg_type *t)
{
	if (archive_entry_hardlink(e)) {
		*t = PKG_HARDLINK;
		return 0;
	}
	switch (archive_entry_filetype(e)) {
	case AE_IFREG: *t = PKG_FILE; return 0;
	case AE_IFDIR: *t = PKG_DIR; return 0;
	case AE_IFLNK: *t = PKG_SYMLINK; return 0;
	case AE_IFCHR: *t = PKG_CHAR; return 0;
	case AE_IFBLK: *t = PKG_BLOCK; return 0;
	case AE_IFIFO: *t = PKG_FIFO; return 0;
	case AE_IFSOCK: *t = PKG_SOCKET; return 0;
	}
	return -1;
}

/* The checks on one member beyond what libarchive parses. */
static int check_entry(struct pkgread *r, struct archive_entry *ae, struct pkg_entry *e)
{
	const char *p = archive_entry_pathname(ae);
	if (!p || !*p || strlen(p) > PKG_PATH_MAX) {
		kr_err("%s: member %zu has %s path, expected 1 to %d bytes", r->name, r->count,
		       p && *p ? "an overlong" : "an empty or unreadable", PKG_PATH_MAX);
		return -1;
	}
	if (!strcmp(p, PKGINFO_NAME) || !strcmp(p, SBOM_NAME) || !strcmp(p, SUMS_NAME)) {
		kr_err("%s: %s appears again, expected it only at the start", r->name, p);
		return -1;
	}
	if (++r->count > PKG_ENTRIES_MAX) {
		kr_err("%s: more than %d members, refused", r->name, PKG_ENTRIES_MAX);
		return -1;
	}
	memset(e, 0, sizeof *e);
	e->path = p;
	if (entry_type(ae, &e->type) < 0) {
		kr_err("%s: %s: unknown member type, expected a file, directory, link or device",
		       r->name, p);
		return -1;
	}
	e->mode = archive_entry_perm(ae) & 07777;
	e->uid = (uid_t)archive_entry_uid(ae);
	e->gid = (gid_t)archive_entry_gid(ae);
	e->rdev = archive_entry_rdev(ae);
	e->mtime = archive_entry_mtime(ae);
	if (e->type == PKG_HARDLINK)
		e->link = archive_entry_hardlink(ae);
	else if (e->type == PKG_SYMLINK)
		e->link = archive_entry_symlink(ae);
	if ((e->type == PKG_HARDLINK || e->type == PKG_SYMLINK) && (!e->link || !*e->link)) {
		kr_err("%s: %s: link without a target", r->name, p);
		return -1;
	}
	if (e->type != PKG_FILE) {
		/* data behind a non-file would be skipped unseen: refuse it */
		if (archive_entry_size_is_set(ae) && archive_entry_size(ae) > 0) {
			kr_err("%s: %s: %lld bytes of data on a member that is not a regular file",
			       r->name, p, (long long)archive_entry_size(ae));
			return -1;
		}
		return 0;
	}
	if (r->has_sums) {
		/* one line per regular file, in member order */
		const struct sumline *l = r->nsum_seen < r->nsum ? &r->sum[r->nsum_seen] : NULL;
		if (!l || strlen(p) != (size_t)l->plen || memcmp(l->path, p, (size_t)l->plen)) {
			kr_err("%s: %s: %s line %zu %s%.*s%s, expected this regular file's line",
			       r->name, p, SUMS_NAME, r->nsum_seen + 1, l ? "names '" : "is missing",
			       l ? l->plen : 0, l ? l->path : "", l ? "'" : "");
			return -1;
		}
		e->sha256 = l->hex;
		r->nsum_seen++;
	}
	int64_t sz = archive_entry_size(ae);
	if (!archive_entry_size_is_set(ae) || sz < 0) {
		kr_err("%s: %s: no size, expected a regular file with a size", r->name, p);
		return -1;
	}
	e->size = (uint64_t)sz;
	r->file_bytes += e->size;
	if (r->file_bytes < e->size || r->file_bytes > r->installed_size) {
		kr_err("%s: %s: files add up to more than installed-size %llu, refused", r->name, p,
		       (unsigned long long)r->installed_size);
		return -1;
	}
	return 0;
}

int pkgread_next(struct pkgread *r, struct pkg_entry *e)
{
	struct archive_entry *ae;
	if (r->failed) {
		kr_err("%s: reading after an error", r->name);
		return -1;
	}
	int rc = r->at_end ? ARCHIVE_EOF : ARCHIVE_OK;
	if (r->pending) {
		ae = r->pending;
		r->pending = NULL;
	} else if (!r->at_end) {
		rc = archive_read_next_header(r->a, &ae);
	}
	if (rc == ARCHIVE_EOF) {
		r->at_end = 1;
		if (r->nsum_seen < r->nsum) {
			const struct sumline *l = &r->sum[r->nsum_seen];
			kr_err("%s: %s line %zu names '%.*s', which is not a regular file of the "
			       "package",
			       r->name, SUMS_NAME, r->nsum_seen + 1, l->plen, l->path);
			r->failed = 1;
			return -1;
		}
		return 0;
	}
	if (rc < ARCHIVE_WARN)
		return arc_fail(r, "corrupt package");
	if (check_entry(r, ae, e) < 0) {
		r->failed = 1;
		return -1;
	}
	set_limit(r, r->pkginfo_len + r->sbom_len + r->sums_len + r->file_bytes, r->count);
	return 1;
}

ssize_t pkgread_data(struct pkgread *r, void *buf, size_t n)
{
	la_ssize_t k = archive_read_data(r->a, buf, n);
	if (k < 0)
		return arc_fail(r, "corrupt file data");
	return (ssize_t)k;
}

void pkgread_close(struct pkgread *r)
{
	if (!r)
		return;
	archive_read_free(r->a);
	dctx_put(r->z.dctx);
	if (r->z.fd >= 0)
		close(r->z.fd);
	pkginfo_free(&r->info);
	free(r->pkginfo_text);
	free(r->sbom);
	free(r->sums);
	free(r->sum);
	json_decref(r->sbom_json);
	free(r->name);
	free(r);
}
