/* tuf.c - see tuf.h */
#include "tuf.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "dep.h"
#include "index.h"
#include "repo.h"

/* ---- the timestamp ---- */

static const char *const ts_keys[] = {
	"format",	 "repository",	  "arch",	"version",	"expires",
	"index-version", "index-expires", "index-size", "index-sha256", "zst-size",
	"zst-sha256",	 "delta-from",	  "delta-size", "delta-sha256",
};
#define TS_KEYS	    (sizeof ts_keys / sizeof *ts_keys)
#define TS_REQUIRED 11 /* the delta's three are optional, all or none */

static const char sig_start[] = "\n\nformat: krill-signature-1\n";

static int whole_number(const char *s, uint64_t max, uint64_t *out)
{
	if (!isdigit((unsigned char)*s) || *s == '0')
		return -1;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end || errno || v > max)
		return -1;
	*out = v;
	return 0;
}

static int lower_hex(const char *s)
{
	if (strlen(s) != SHA256_HEX_LEN)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s) && !(*s >= 'a' && *s <= 'f'))
			return 0;
	return 1;
}

static int ts_value(struct timestamp *t, size_t k, const char *v, const char *src, int line)
{
	uint64_t n;
	const char *want = NULL;
	switch (k) {
	case 0:
		if (strcmp(v, "krill-timestamp-1"))
			want = "'krill-timestamp-1'";
		break;
	case 1:
		if (valid_pkgname(v))
			t->name = xstrdup(v);
		else
			want = "a repository name (lowercase letters, digits and + . _ -)";
		break;
	case 2:
		if (index_arch_valid(v))
			t->arch = xstrdup(v);
		else
			want = "an arch (lowercase letters, digits and _)";
		break;
	case 3:
	case 5:
		if (whole_number(v, UINT64_MAX, k == 3 ? &t->version : &t->index_version) < 0)
			want = "a whole number from 1";
		break;
	case 4:
	case 6:
		if (rfc3339_parse(v, k == 4 ? &t->expires : &t->index_expires) < 0)
			want = "UTC time as YYYY-MM-DDTHH:MM:SSZ";
		break;
	case 7:
	case 9:
	case 12:
		if (whole_number(v, INDEX_MAX_BYTES, &n) < 0)
			want = "a size from 1 to 268435456 bytes";
		else
			*(k == 7 ? &t->index_size : k == 9 ? &t->zst_size : &t->delta_size) = n;
		break;
	default: {
		char *dst = k == 8    ? t->index_sha256
			    : k == 10 ? t->zst_sha256
			    : k == 11 ? t->delta_from
				      : t->delta_sha256;
		if (lower_hex(v))
			memcpy(dst, v, SHA256_HEX_LEN + 1);
		else
			want = "64 lowercase hex digits (a sha256)";
	}
	}
	if (want) {
		kr_err("%s:%d: bad %s '%s', expected %s", src, line, ts_keys[k], v, want);
		return -1;
	}
	return 0;
}

static int ts_body(const char *data, size_t len, const char *src, struct timestamp *t)
{
	size_t pos = 0, k = 0;
	int line = 1;
	for (; pos < len; line++, k++) {
		const char *ls = data + pos, *nl = memchr(ls, '\n', len - pos);
		if (!nl) {
			kr_err("%s:%d: line not ended by a newline", src, line);
			return -1;
		}
		size_t ll = (size_t)(nl - ls), kl = k < TS_KEYS ? strlen(ts_keys[k]) : 0;
		if (k >= TS_KEYS) {
			kr_err("%s:%d: unexpected line after delta-sha256", src, line);
			return -1;
		}
		if (ll < kl + 3 || memcmp(ls, ts_keys[k], kl) || ls[kl] != ':' ||
		    ls[kl + 1] != ' ') {
			kr_err("%s:%d: expected '%s: VALUE' (timestamp keys in order: format, "
			       "repository, arch, version, expires, index-version, index-expires, "
			       "index-size, index-sha256, zst-size, zst-sha256[, delta-from, "
			       "delta-size, delta-sha256])",
			       src, line, ts_keys[k]);
			return -1;
		}
		if (memchr(ls, 0, ll)) {
			kr_err("%s:%d: NUL byte, expected text", src, line);
			return -1;
		}
		char *v = xstrndup(ls + kl + 2, ll - kl - 2);
		int rc = ts_value(t, k, v, src, line);
		free(v);
		if (rc < 0)
			return -1;
		pos += ll + 1;
	}
	if (k != TS_REQUIRED && k != TS_KEYS) {
		kr_err("%s:%d: expected '%s: VALUE'%s", src, line, ts_keys[k],
		       k > TS_REQUIRED ? " (the delta's three keys come together)" : "");
		return -1;
	}
	if (t->expires > t->index_expires) {
		char a[21], b[21];
		rfc3339_format(t->expires, a);
		rfc3339_format(t->index_expires, b);
		kr_err("%s: expires %s, after the index it names (%s): refused", src, a, b);
		return -1;
	}
	return 0;
}

int timestamp_parse(const char *data, size_t len, const char *src, struct timestamp *out,
		    struct sig_envelope *env, size_t *body_len)
{
	memset(out, 0, sizeof *out);
	const char *p = NULL;
	if (len > TIMESTAMP_MAX_BYTES) {
		kr_err("%s: %zu bytes, expected at most %u", src, len, TIMESTAMP_MAX_BYTES);
		return -1;
	}
	for (size_t i = 0; i + sizeof sig_start - 1 <= len; i++)
		if (!memcmp(data + i, sig_start, sizeof sig_start - 1)) {
			if (p) {
				kr_err("%s: two signatures, expected one", src);
				return -1;
			}
			p = data + i;
		}
	if (!p) {
		kr_err("%s: no signature (expected a blank line, then 'format: "
		       "krill-signature-1')",
		       src);
		return -1;
	}
	*body_len = (size_t)(p - data) + 1;
	char *esrc = xasprintf("%s (signature)", src);
	int rc = sig_envelope_parse(p + 2, len - *body_len - 1, esrc, env);
	free(esrc);
	if (rc < 0 || ts_body(data, *body_len, src, out) < 0) {
		timestamp_free(out);
		return -1;
	}
	return 0;
}

int timestamp_verify(const struct keyring *kr, const char *data, size_t len, const char *src,
		     time_t now, struct timestamp *out)
{
	struct sig_envelope env;
	size_t body;
	/* the split alone first; the values are looked at only once signed */
	const char *p = NULL;
	for (size_t i = 0; i + sizeof sig_start - 1 <= len && !p; i++)
		if (!memcmp(data + i, sig_start, sizeof sig_start - 1))
			p = data + i;
	memset(out, 0, sizeof *out);
	if (!p || len > TIMESTAMP_MAX_BYTES) {
		kr_err("%s: not a signed timestamp (expected at most %u bytes: the body, a blank "
		       "line, a signature envelope)",
		       src, TIMESTAMP_MAX_BYTES);
		return -1;
	}
	size_t blen = (size_t)(p - data) + 1;
	if (sign_verify(kr, data, blen, p + 2, len - blen - 1, src, NULL) < 0 ||
	    timestamp_parse(data, len, src, out, &env, &body) < 0)
		return -1;
	if (now >= out->expires) {
		char e[21], n[21];
		rfc3339_format(out->expires, e);
		rfc3339_format(now, n);
		kr_err("%s: timestamp expired at %s (now %s): refusing a stale repository, it "
		       "must be re-signed",
		       src, e, n);
		timestamp_free(out);
		return -1;
	}
	return 0;
}

void timestamp_write(const struct timestamp *t, struct sb *out)
{
	char e[21], ie[21];
	rfc3339_format(t->expires, e);
	rfc3339_format(t->index_expires, ie);
	sb_printf(out,
		  "format: krill-timestamp-1\nrepository: %s\narch: %s\nversion: %llu\n"
		  "expires: %s\nindex-version: %llu\nindex-expires: %s\nindex-size: %llu\n"
		  "index-sha256: %s\nzst-size: %llu\nzst-sha256: %s\n",
		  t->name, t->arch, (unsigned long long)t->version, e,
		  (unsigned long long)t->index_version, ie, (unsigned long long)t->index_size,
		  t->index_sha256, (unsigned long long)t->zst_size, t->zst_sha256);
	if (t->delta_size)
		sb_printf(out, "delta-from: %s\ndelta-size: %llu\ndelta-sha256: %s\n",
			  t->delta_from, (unsigned long long)t->delta_size, t->delta_sha256);
}

void timestamp_free(struct timestamp *t)
{
	free(t->name);
	free(t->arch);
	memset(t, 0, sizeof *t);
}

/* One file the timestamp lists: size and sha256; its bytes in *data. */
static char *check_listed(const char *dir, const char *name, uint64_t size, const char *sha,
			  char **data, size_t *len)
{
	char *path = path_join(dir, name), *msg = NULL;
	char hex[SHA256_HEX_LEN + 1];
	*data = NULL;
	if (read_file(path, data, len) < 0) {
		msg = xstrdup(kr_errmsg());
	} else if (*len != size) {
		msg = xasprintf("%s: %zu bytes, the timestamp lists %llu", path, *len,
				(unsigned long long)size);
	} else {
		sha256_hex(*data, *len, hex);
		if (strcmp(hex, sha))
			msg = xasprintf("%s: sha256 %s, the timestamp lists %s", path, hex, sha);
	}
	free(path);
	return msg;
}

size_t timestamp_check_dir(const char *dir, const struct keyring *kr, const struct index *ix,
			   const char *raw, size_t rawlen, time_t now, int *has_ts,
			   void (*report)(const char *msg, void *arg), void *arg)
{
	char *path = path_join(dir, TIMESTAMP_FILE), *data = NULL, *msg = NULL;
	size_t len, bad = 0;
	struct timestamp t;
	*has_ts = 0;
	if (!path_exists(path)) {
		free(path);
		return 0;
	}
	*has_ts = 1;
	char hex[SHA256_HEX_LEN + 1];
	sha256_hex(raw, rawlen, hex);
	if (read_file(path, &data, &len) < 0 ||
	    timestamp_verify(kr, data, len, path, now, &t) < 0) {
		report(kr_errmsg(), arg);
		free(data);
		free(path);
		return 1;
	}
	if (strcmp(t.name, ix->name) || strcmp(t.arch, ix->arch) ||
	    t.index_version != ix->version || t.index_expires != ix->expires ||
	    t.index_size != rawlen || strcmp(t.index_sha256, hex))
		msg = xasprintf("%s: names index %s/%s version %llu (sha256 %s), but INDEX is "
				"%s/%s version %llu (sha256 %s)",
				path, t.name, t.arch, (unsigned long long)t.index_version,
				t.index_sha256, ix->name, ix->arch, (unsigned long long)ix->version,
				hex);
	if (msg) {
		report(msg, arg);
		bad++;
		free(msg);
	}
	for (int d = 0; d < 2; d++) {
		if (d && !t.delta_size)
			break;
		char *name = d ? index_delta_name(t.delta_from) : xstrdup(INDEX_ZST_FILE), *z,
		     *out = NULL;
		size_t zlen;
		msg = check_listed(dir, name, d ? t.delta_size : t.zst_size,
				   d ? t.delta_sha256 : t.zst_sha256, &z, &zlen);
		/* the delta's base is gone by now; INDEX.zst must give INDEX */
		if (!msg && !d) {
			char *src = path_join(dir, name);
			if (zst_decompress(z, zlen, NULL, 0, rawlen, src, &out) < 0)
				msg = xstrdup(kr_errmsg());
			else if (memcmp(out, raw, rawlen))
				msg = xasprintf("%s: does not decompress to INDEX", src);
			free(src);
		}
		if (msg) {
			report(msg, arg);
			bad++;
			free(msg);
		}
		free(out);
		free(z);
		free(name);
	}
	timestamp_free(&t);
	free(data);
	free(path);
	return bad;
}

char *index_delta_name(const char *from_sha256)
{
	return xasprintf("INDEX.from-%.16s.zst", from_sha256);
}

/* ---- zstd ---- */

/* A patch must see the whole previous index: the window covers both. */
static int window_log(size_t n)
{
	int w = 10; /* ZSTD_WINDOWLOG_MIN */
	while (w < 27 && ((size_t)1 << w) < n)
		w++;
	return w;
}

int zst_compress(const void *data, size_t len, const void *prefix, size_t plen, int level,
		 struct sb *out)
{
	ZSTD_CCtx *c = ZSTD_createCCtx();
	size_t cap = ZSTD_compressBound(len), r;
	char *buf = xmalloc(cap);
	if (!c) {
		free(buf);
		kr_err("cannot start zstd");
		return -1;
	}
	ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, level);
	ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 1);
	if (prefix) {
		ZSTD_CCtx_setParameter(c, ZSTD_c_windowLog, window_log(plen + len));
		ZSTD_CCtx_setParameter(c, ZSTD_c_enableLongDistanceMatching, 1);
		ZSTD_CCtx_refPrefix(c, prefix, plen);
	}
	r = ZSTD_compress2(c, buf, cap, data, len);
	ZSTD_freeCCtx(c);
	if (ZSTD_isError(r)) {
		kr_err("zstd: %s", ZSTD_getErrorName(r));
		free(buf);
		return -1;
	}
	sb_add(out, buf, r);
	free(buf);
	return 0;
}

int zst_decompress(const void *data, size_t len, const void *prefix, size_t plen, uint64_t expect,
		   const char *src, char **out)
{
	*out = NULL;
	size_t fl = ZSTD_findFrameCompressedSize(data, len);
	if (ZSTD_isError(fl)) {
		kr_err("%s: truncated or not a zstd frame (%s): refused", src,
		       ZSTD_getErrorName(fl));
		return -1;
	}
	if (fl != len) {
		kr_err("%s: %zu bytes after the zstd frame, expected one frame: refused", src,
		       len - fl);
		return -1;
	}
	unsigned long long cs = ZSTD_getFrameContentSize(data, len);
	if (cs == ZSTD_CONTENTSIZE_UNKNOWN || cs == ZSTD_CONTENTSIZE_ERROR) {
		kr_err("%s: the zstd frame does not declare its size: refused (decompression is "
		       "bounded)",
		       src);
		return -1;
	}
	if (cs > INDEX_MAX_BYTES) {
		kr_err("%s: zstd bomb: the frame declares %llu bytes, more than the %u an index "
		       "may have: refused",
		       src, cs, INDEX_MAX_BYTES);
		return -1;
	}
	if (cs != expect) {
		kr_err("%s: the zstd frame declares %llu bytes, the signed timestamp %llu: "
		       "refused",
		       src, cs, (unsigned long long)expect);
		return -1;
	}
	ZSTD_DCtx *d = ZSTD_createDCtx();
	if (!d) {
		kr_err("cannot start zstd");
		return -1;
	}
	/* the window a frame may ask for: what a patch of a capped index needs */
	ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, 28);
	if (prefix)
		ZSTD_DCtx_refPrefix(d, prefix, plen);
	char *buf = xmalloc(cs ? cs : 1);
	size_t r = ZSTD_decompressDCtx(d, buf, cs, data, len);
	ZSTD_freeDCtx(d);
	if (ZSTD_isError(r) || r != cs) {
		kr_err("%s: cannot decompress: %s", src,
		       ZSTD_isError(r) ? ZSTD_getErrorName(r) : "short frame");
		free(buf);
		return -1;
	}
	*out = buf;
	return 0;
}
