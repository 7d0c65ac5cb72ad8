/* remotecache.c - see remotecache.h. GETs of result files go through
 * transport_get_ex (caps, sha256, nothing partial kept); the marker's GET
 * and every PUT are libcurl calls here, because a miss (HTTP 404) must be
 * told apart from a failure and transport.c only downloads. */
#include "remotecache.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sign.h"
#include "transport.h"
#include "util.h"

/* A manifest larger than this, or listing more files, is refused before it
 * is parsed: a port's result is a handful of packages. */
#define MARKER_MAX (1u << 20)
#define FILES_MAX  4096
#define FILE_MAX   (4ull << 30)

static const char SIG_START[] = "\nformat: krill-signature-1\n";

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static int is_http(const char *url)
{
	return str_starts(url, "http://") || str_starts(url, "https://");
}

/* file:///PATH -> /PATH; NULL for anything else (plain paths too: the
 * setting is a URL, and a typo must not turn into a relative directory). */
static const char *file_path(const char *url)
{
	return str_starts(url, "file:///") ? url + 7 : NULL;
}

static int check_url(const char *url)
{
	if (is_http(url) || file_path(url))
		return 0;
	kr_err("remote cache %s: unsupported URL, expected http://, https:// or file:///PATH", url);
	return -1;
}

/* BASE/KEY/NAME (NAME may be NULL: BASE/KEY), BASE without a trailing '/'. */
static char *entry_url(const char *base, const char *key, const char *name)
{
	size_t n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	return name ? xasprintf("%.*s/%s/%s", (int)n, base, key, name)
		    : xasprintf("%.*s/%s", (int)n, base, key);
}

/* A file name of a result: plain, no dot first, no '/', nothing a shell or
 * a URL would read twice. */
static int good_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 200 || s[0] == '.' || s[0] == '-' || !strcmp(s, RCACHE_MARKER))
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-' || c == '+'))
			return 0;
	}
	return 1;
}

static int good_key(const char *key)
{
	return strlen(key) == SHA256_HEX_LEN && is_hex(key, SHA256_HEX_LEN);
}

/* ---- the manifest */

void rcache_manifest_free(struct rcache_manifest *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->name[i]);
	free(m->name);
	free(m->size);
	free(m->sha256);
	memset(m, 0, sizeof *m);
}

/* The value of line "FIELD: value" at *p (up to end), advancing *p past it. */
static char *take_line(const char **p, const char *end, const char *field, const char *src,
		       int line)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	size_t fl = strlen(field);
	if (!nl) {
		kr_err("%s:%d: expected '%s: ...' ending in a newline", src, line, field);
		return NULL;
	}
	if ((size_t)(nl - *p) < fl + 2 || strncmp(*p, field, fl) || (*p)[fl] != ':' ||
	    (*p)[fl + 1] != ' ') {
		kr_err("%s:%d: expected '%s: ...', got '%.*s'", src, line, field,
		       (int)((nl - *p) > 80 ? 80 : (nl - *p)), *p);
		return NULL;
	}
	char *v = xstrndup(*p + fl + 2, (size_t)(nl - *p) - fl - 2);
	*p = nl + 1;
	return v;
}

static int parse_size(const char *s, uint64_t *out)
{
	if (!*s || strlen(s) > 11 || (s[0] == '0' && s[1]))
		return -1;
	uint64_t v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v > FILE_MAX)
		return -1;
	*out = v;
	return 0;
}

int rcache_manifest_parse(const char *data, size_t len, const char *src, const char *key,
			  struct rcache_manifest *m)
{
	memset(m, 0, sizeof *m);
	if (memchr(data, 0, len)) {
		kr_err("%s: NUL byte in the manifest", src);
		return -1;
	}
	const char *p = data, *end = data + len;
	int line = 1;
	char *v = take_line(&p, end, "format", src, line++);
	if (!v)
		return -1;
	if (strcmp(v, "krill-result-1")) {
		kr_err("%s:1: format '%s', expected krill-result-1", src, v);
		free(v);
		return -1;
	}
	free(v);
	if (!(v = take_line(&p, end, "key", src, line++)))
		return -1;
	if (strcmp(v, key)) {
		kr_err("%s:2: the manifest is for key %.16s, not %.16s", src, v, key);
		free(v);
		return -1;
	}
	free(v);
	size_t cap = 0;
	int has_done = 0;
	while (p < end) {
		if (m->n == FILES_MAX) {
			kr_err("%s:%d: more than %d files", src, line, FILES_MAX);
			goto bad;
		}
		if (m->n == cap) {
			cap = cap ? 2 * cap : 8;
			m->name = xrealloc(m->name, cap * sizeof *m->name);
			m->size = xrealloc(m->size, cap * sizeof *m->size);
			m->sha256 = xrealloc(m->sha256, cap * sizeof *m->sha256);
		}
		char *name = take_line(&p, end, "file", src, line);
		if (!name)
			goto bad;
		if (!good_name(name) || (m->n && strcmp(m->name[m->n - 1], name) >= 0)) {
			kr_err("%s:%d: file '%s': expected a plain name (letters, digits, . _ - +; "
			       "not %s), in sorted order, once",
			       src, line, name, RCACHE_MARKER);
			free(name);
			goto bad;
		}
		m->name[m->n] = name;
		m->n++;
		line++;
		if (!(v = take_line(&p, end, "size", src, line)))
			goto bad;
		int bad_size = parse_size(v, &m->size[m->n - 1]) < 0;
		if (bad_size)
			kr_err("%s:%d: size '%s': expected bytes, 0 to %llu", src, line, v,
			       (unsigned long long)FILE_MAX);
		free(v);
		if (bad_size)
			goto bad;
		line++;
		if (!(v = take_line(&p, end, "sha256", src, line)))
			goto bad;
		int bad_hash = strlen(v) != SHA256_HEX_LEN || !is_hex(v, SHA256_HEX_LEN);
		for (const char *h = v; !bad_hash && *h; h++)
			bad_hash = *h >= 'A' && *h <= 'F';
		if (bad_hash)
			kr_err("%s:%d: sha256 '%s': expected 64 lowercase hex digits", src, line,
			       v);
		else
			memcpy(m->sha256[m->n - 1], v, SHA256_HEX_LEN + 1);
		free(v);
		if (bad_hash)
			goto bad;
		line++;
		if (!strcmp(name, "done"))
			has_done = 1;
	}
	if (!has_done) {
		kr_err("%s: the manifest lists no 'done' file", src);
		goto bad;
	}
	return 0;
bad:
	rcache_manifest_free(m);
	return -1;
}

/* ---- transfers */

struct membuf {
	struct sb b;
	size_t max;
	int too_big;
};

static size_t mem_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct membuf *m = arg;
	size_t n = size * nmemb;
	if (m->b.len + n > m->max) {
		m->too_big = 1;
		return 0;
	}
	sb_add(&m->b, data, n);
	return n;
}

static CURL *curl_new(const char *url, char *errbuf)
{
	pthread_once(&curl_once, curl_init);
	CURL *c = curl_easy_init();
	if (!c) {
		kr_err("%s: cannot start libcurl", url);
		return NULL;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 30L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "krill/" KRILL_VERSION);
	return c;
}

/* GET a small file into memory: 1 found, 0 not there (HTTP 404/410, or no
 * such file), -1 failure (kr_err). */
static int get_small(const char *url, size_t max, char **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	const char *path = file_path(url);
	if (path) {
		struct stat st;
		if (stat(path, &st) < 0) {
			if (errno == ENOENT || errno == ENOTDIR)
				return 0;
			kr_err("%s: %s", path, strerror(errno));
			return -1;
		}
		if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > max) {
			kr_err("%s: not a regular file of at most %zu bytes", path, max);
			return -1;
		}
		return read_file(path, data, len) < 0 ? -1 : 1;
	}
	char errbuf[CURL_ERROR_SIZE] = "";
	CURL *c = curl_new(url, errbuf);
	if (!c)
		return -1;
	struct membuf m = {SB_INIT, max, 0};
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, mem_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &m);
	CURLcode rc = curl_easy_perform(c);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(c);
	if (rc == CURLE_OK && code == 200) {
		*len = m.b.len;
		*data = sb_steal(&m.b);
		return 1;
	}
	sb_free(&m.b);
	if (rc == CURLE_OK && (code == 404 || code == 410))
		return 0;
	if (m.too_big)
		kr_err("%s: larger than the %zu bytes allowed, refused", url, max);
	else if (rc == CURLE_OK)
		kr_err("%s: HTTP %ld", url, code);
	else
		kr_err("%s: %s", url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
	return -1;
}

/* PUT one local file (or, with path NULL, data/len) to url. */
static int http_put(const char *url, const char *path, const char *data, size_t len)
{
	FILE *f = path ? fopen(path, "rbe") : fmemopen((void *)data, len ? len : 1, "rb");
	if (!f) {
		kr_err("%s: cannot open: %s", path ? path : "manifest", strerror(errno));
		return -1;
	}
	uint64_t size = len;
	if (path) {
		struct stat st;
		if (fstat(fileno(f), &st) < 0) {
			fclose(f);
			kr_err("%s: %s", path, strerror(errno));
			return -1;
		}
		size = (uint64_t)st.st_size;
	}
	char errbuf[CURL_ERROR_SIZE] = "";
	CURL *c = curl_new(url, errbuf);
	if (!c) {
		fclose(f);
		return -1;
	}
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READDATA, f);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)size);
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)(120 + size / 65536));
	CURLcode rc = curl_easy_perform(c);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(c);
	fclose(f);
	if (rc == CURLE_OK && code >= 200 && code < 300)
		return 0;
	if (rc == CURLE_HTTP_RETURNED_ERROR || rc == CURLE_OK)
		kr_err("PUT %s: HTTP %ld (does the server accept PUT? nginx: dav_methods PUT; "
		       "create_full_put_path on)",
		       url, code);
	else
		kr_err("PUT %s: %s", url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
	return -1;
}

/* Write a file of a file:// cache: a temp name in the same dir, then
 * rename, so a reader sees the old file or the whole new one. */
static int file_put(const char *dst, const char *src, const char *data, size_t len)
{
	char *dir = path_dirname(dst);
	int rc = mkdir_p(dir, 0755);
	free(dir);
	if (rc < 0)
		return -1;
	if (!src)
		return write_file_atomic(dst, data, len, 0644);
	char *tmp = xasprintf("%s.tmp.%ld", dst, (long)getpid());
	rc = copy_file(src, tmp);
	if (!rc && rename(tmp, dst) < 0) {
		kr_err("%s: cannot move into place: %s", dst, strerror(errno));
		rc = -1;
	}
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

static int put(const char *url, const char *src, const char *data, size_t len)
{
	const char *path = file_path(url);
	return path ? file_put(path, src, data, len) : http_put(url, src, data, len);
}

/* ---- fetch */

/* Drop what an interrupted fetch (or build) of this key left beside it. */
static void remove_stale(const char *outdir)
{
	char *parent = path_dirname(outdir);
	char *prefix = xasprintf("%s.tmp.", path_basename(outdir));
	struct strlist l = STRLIST_INIT;
	if (list_dir(parent, &l) == 0)
		for (size_t i = 0; i < l.n; i++)
			if (str_starts(l.v[i], prefix)) {
				char *p = path_join(parent, l.v[i]);
				rm_rf(p);
				free(p);
			}
	sl_free(&l);
	free(prefix);
	free(parent);
}

/* The fetched `done` must name the key it was fetched for. */
static int check_done(const char *tmp, const char *key, const char *src)
{
	char *p = path_join(tmp, "done"), *data = NULL;
	size_t n = 0;
	int rc = read_file(p, &data, &n);
	free(p);
	if (rc < 0)
		return -1;
	char *want = xasprintf("key: %s\n", key);
	rc = n >= strlen(want) && !strncmp(data, want, strlen(want)) ? 0 : -1;
	if (rc)
		kr_err("%s: its 'done' does not name key %.16s", src, key);
	free(want);
	free(data);
	return rc;
}

static int download(const struct rcache *c, const char *key, const struct rcache_manifest *m,
		    const char *tmp, uint64_t *bytes)
{
	if (mkdir_p(tmp, 0755) < 0)
		return -1;
	for (size_t i = 0; i < m->n; i++) {
		char *url = entry_url(c->url, key, m->name[i]);
		char *dst = path_join(tmp, m->name[i]);
		int rc = transport_get_ex(url, dst, m->size[i], m->sha256[i], TRANSPORT_FRESH);
		free(dst);
		free(url);
		if (rc < 0)
			return -1;
		*bytes += m->size[i];
	}
	return 0;
}

int rcache_fetch(const struct rcache *c, const char *key, const char *outdir, uint64_t *bytes)
{
	*bytes = 0;
	if (check_url(c->url) < 0)
		return -1;
	if (!good_key(key)) {
		kr_err("remote cache: '%s' is not a content key", key);
		return -1;
	}
	char *murl = entry_url(c->url, key, RCACHE_MARKER);
	char *data = NULL;
	size_t len = 0;
	int got = get_small(murl, MARKER_MAX, &data, &len);
	if (got <= 0) {
		free(murl);
		return got;
	}
	*bytes = len;
	struct keyring kr = {0};
	struct rcache_manifest m = {0};
	char *tmp = NULL;
	int rc = -1;
	const char *sig = len && !memchr(data, 0, len) ? strstr(data, SIG_START) : NULL;
	if (!sig) {
		kr_err("%s: no krill-signature-1 envelope after the manifest, refused", murl);
		goto out;
	}
	size_t body = (size_t)(sig - data) + 1;
	if (keyring_load(&kr, c->trust_dir) < 0) {
		kr_err_prefix("remote cache: trusted builder keys");
		goto out;
	}
	if (sign_verify(&kr, data, body, data + body, len - body, murl, NULL) < 0) {
		kr_err_prefix("refused");
		goto out;
	}
	if (rcache_manifest_parse(data, body, murl, key, &m) < 0) {
		kr_err_prefix("refused");
		goto out;
	}
	remove_stale(outdir);
	tmp = xasprintf("%s.tmp.%ld", outdir, (long)getpid());
	if (rm_rf(tmp) < 0 || download(c, key, &m, tmp, bytes) < 0 ||
	    check_done(tmp, key, murl) < 0) {
		kr_err_prefix("refused %s", murl);
		goto out;
	}
	/* a result that appeared meanwhile (another make) is as good */
	char *done = path_join(outdir, "done");
	int have = path_exists(done);
	free(done);
	if (!have && (rm_rf(outdir) < 0 || rename(tmp, outdir) < 0)) {
		kr_err("%s: cannot move the fetched result into place: %s", outdir,
		       strerror(errno));
		goto out;
	}
	char *parent = path_dirname(outdir);
	fsync_dir(parent);
	free(parent);
	rc = 1;
out:
	if (tmp)
		rm_rf(tmp);
	free(tmp);
	rcache_manifest_free(&m);
	keyring_free(&kr);
	free(data);
	free(murl);
	return rc;
}

/* ---- push */

int rcache_push(const struct rcache *c, const char *key, const char *outdir, int replace,
		uint64_t *bytes)
{
	*bytes = 0;
	if (check_url(c->url) < 0)
		return -1;
	if (!c->signing_key) {
		kr_err("remote cache: no builder key to sign with (KRILL_BUILDER_KEY)");
		return -1;
	}
	char *murl = entry_url(c->url, key, RCACHE_MARKER);
	char *old = NULL;
	size_t oldlen;
	int have = replace ? 0 : get_small(murl, MARKER_MAX, &old, &oldlen);
	free(old);
	if (have != 0) { /* first writer wins; an unreadable marker: leave it */
		free(murl);
		return have > 0 ? 1 : -1;
	}
	struct strlist names = STRLIST_INIT;
	struct sb man = SB_INIT;
	int rc = list_dir(outdir, &names);
	sb_printf(&man, "format: krill-result-1\nkey: %s\n", key);
	for (size_t i = 0; !rc && i < names.n; i++) {
		char *p = path_join(outdir, names.v[i]);
		struct stat st;
		char hex[SHA256_HEX_LEN + 1];
		uint64_t size = 0;
		if (lstat(p, &st) < 0 || !S_ISREG(st.st_mode) || !good_name(names.v[i])) {
			kr_err("%s: not a plain regular file, cannot be shared", p);
			rc = -1;
		} else if ((rc = sha256_file(p, hex, &size)) == 0) {
			sb_printf(&man, "file: %s\nsize: %llu\nsha256: %s\n", names.v[i],
				  (unsigned long long)size, hex);
			char *url = entry_url(c->url, key, names.v[i]);
			rc = put(url, p, NULL, 0);
			free(url);
			*bytes += size;
		}
		free(p);
	}
	struct sb env = SB_INIT;
	if (!rc)
		rc = sign_data(c->signing_key, man.s, man.len, &env);
	if (!rc)
		sb_add(&man, env.s, env.len);
	sb_free(&env);
	if (!rc) /* the marker, last */
		rc = put(murl, NULL, man.s, man.len);
	if (!rc)
		*bytes += man.len;
	else
		kr_err_prefix("remote cache: uploading %.16s", key);
	sb_free(&man);
	sl_free(&names);
	free(murl);
	return rc;
}
