/* transport.c - see transport.h. http(s) through libcurl; file:// and plain
 * paths by copying. Both stream into DEST.part while hashing and counting,
 * so a cap or hash failure is known before anything is renamed. */
#include "transport.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* Give up on a transfer slower than LOW_SPEED bytes/s for LOW_SPEED_TIME
 * seconds (a slow-drip server), and on one not complete after
 * DEADLINE_BASE seconds plus the time max_size takes at DEADLINE_RATE
 * (one that stays just above the low-speed limit for hours). */
#define LOW_SPEED	1024L
#define LOW_SPEED_TIME	30L
#define DEADLINE_BASE	60L
#define DEADLINE_RATE	65536L
#define CONNECT_SECONDS 20L

static long env_long(const char *name, long def)
{
	const char *v = getenv(name);
	char *end;
	if (!v || !*v)
		return def;
	long n = strtol(v, &end, 10);
	return *end || n <= 0 ? def : n;
}

void transport_limits(uint64_t max_size, struct transport_limits *l)
{
	l->low_speed_limit = env_long("KRILL_LOW_SPEED_LIMIT", LOW_SPEED);
	l->low_speed_time = env_long("KRILL_LOW_SPEED_TIME", LOW_SPEED_TIME);
	long base = env_long("KRILL_DEADLINE_BASE", DEADLINE_BASE);
	long rate = env_long("KRILL_DEADLINE_RATE", DEADLINE_RATE);
	l->deadline_ms = (long long)base * 1000 + (long long)(max_size / (uint64_t)rate) * 1000 +
			 (long long)(max_size % (uint64_t)rate) * 1000 / rate;
}

struct sink {
	const char *url;
	int fd;
	uint64_t have; /* bytes in the .part file */
	uint64_t max;  /* the cap; 0: an empty file */
	int too_big;
	int io_error;
	int checked_code; /* looked at the HTTP status once */
	int resumed;
	struct hasher *h;
	CURL *curl;
	struct transport_cond *cond; /* NULL: unconditional */
	long code;		     /* the final HTTP status */
	int asked;		     /* a conditional request was sent */
	int not_found;
};

static unsigned long long bytes_total;

unsigned long long transport_bytes_total(void)
{
	return __atomic_load_n(&bytes_total, __ATOMIC_RELAXED);
}

/* An entity tag goes back into a request header: printable, one line. */
static int etag_ok(const char *e, size_t n)
{
	if (!n || n > TRANSPORT_ETAG_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (e[i] < 0x21 || e[i] > 0x7e)
			return 0;
	return 1;
}

static size_t curl_header(char *data, size_t size, size_t nmemb, void *arg)
{
	struct sink *s = arg;
	size_t n = size * nmemb;
	if (s->cond && n > 5 && !strncasecmp(data, "etag:", 5)) {
		const char *v = data + 5;
		size_t l = n - 5;
		while (l && (*v == ' ' || *v == '\t'))
			v++, l--;
		while (l && (v[l - 1] == '\r' || v[l - 1] == '\n' || v[l - 1] == ' '))
			l--;
		s->cond->etag_out[0] = 0;
		if (etag_ok(v, l)) {
			memcpy(s->cond->etag_out, v, l);
			s->cond->etag_out[l] = 0;
		}
	}
	return n;
}

static int sink_restart(struct sink *s)
{
	hasher_end(s->h, (char[SHA256_HEX_LEN + 1]){0});
	s->h = hasher_new();
	s->have = 0;
	return ftruncate(s->fd, 0) == 0 && lseek(s->fd, 0, SEEK_SET) == 0 ? 0 : -1;
}

static int sink_write(struct sink *s, const void *data, size_t n)
{
	if (s->have + n > s->max || s->have + n < s->have) {
		s->too_big = 1;
		return -1;
	}
	const char *p = data;
	size_t left = n;
	while (left) {
		ssize_t w = write(s->fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			s->io_error = errno;
			return -1;
		}
		p += w;
		left -= (size_t)w;
	}
	hasher_add(s->h, data, n);
	s->have += n;
	return 0;
}

/* Hash what an earlier attempt left in the .part file. */
static int sink_rehash(struct sink *s)
{
	char buf[65536];
	ssize_t r;
	if (lseek(s->fd, 0, SEEK_SET) < 0)
		return -1;
	while ((r = read(s->fd, buf, sizeof buf)) > 0) {
		hasher_add(s->h, buf, (size_t)r);
		s->have += (uint64_t)r;
	}
	return r < 0 ? -1 : 0;
}

static size_t curl_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct sink *s = arg;
	size_t n = size * nmemb;
	if (!s->checked_code) {
		long code = 0;
		s->checked_code = 1;
		curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &code);
		/* asked for a range, got the whole body: start over */
		if (s->resumed && code != 206 && sink_restart(s) < 0) {
			s->io_error = errno;
			return 0;
		}
	}
	return sink_write(s, data, n) < 0 ? 0 : n;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static int http_get(struct sink *s)
{
	pthread_once(&curl_once, curl_init);
	char errbuf[CURL_ERROR_SIZE] = "";
	CURL *c = curl_easy_init();
	if (!c) {
		kr_err("%s: cannot start libcurl", s->url);
		return -1;
	}
	s->curl = c;
	curl_easy_setopt(c, CURLOPT_URL, s->url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	/* never let a redirect turn into file:// or another scheme */
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	struct transport_limits lim;
	transport_limits(s->max, &lim);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, CONNECT_SECONDS);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, lim.low_speed_limit);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, lim.low_speed_time);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)lim.deadline_ms);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "krill/" KRILL_VERSION);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, curl_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
	if (s->max && s->max <= (uint64_t)INT64_MAX)
		curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)s->max);
	if (s->have) {
		s->resumed = 1;
		curl_easy_setopt(c, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)s->have);
	}
	struct curl_slist *hdrs = NULL;
	if (s->cond) {
		char *h = NULL;
		curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, curl_header);
		curl_easy_setopt(c, CURLOPT_HEADERDATA, s);
		curl_easy_setopt(c, CURLOPT_FILETIME, 1L);
		/* what a hostile cache holds never becomes a malformed header */
		if (s->cond->etag && etag_ok(s->cond->etag, strlen(s->cond->etag)))
			h = xasprintf("If-None-Match: %s", s->cond->etag);
		else if (s->cond->mtime > 0) {
			s->asked = 1;
			curl_easy_setopt(c, CURLOPT_TIMECONDITION, (long)CURL_TIMECOND_IFMODSINCE);
			curl_easy_setopt(c, CURLOPT_TIMEVALUE_LARGE, (curl_off_t)s->cond->mtime);
		}
		if (h) {
			s->asked = 1;
			hdrs = curl_slist_append(NULL, h);
			curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
			free(h);
		}
	}
	CURLcode rc = curl_easy_perform(c);
	long code = 0;
	curl_off_t took_us = 0, body = 0, filetime = -1;
	long header_bytes = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(c, CURLINFO_TOTAL_TIME_T, &took_us);
	curl_easy_getinfo(c, CURLINFO_SIZE_DOWNLOAD_T, &body);
	curl_easy_getinfo(c, CURLINFO_HEADER_SIZE, &header_bytes);
	curl_easy_getinfo(c, CURLINFO_FILETIME_T, &filetime);
	curl_easy_cleanup(c);
	curl_slist_free_all(hdrs);
	s->code = code;
	unsigned long long got = (unsigned long long)body + (unsigned long long)header_bytes;
	__atomic_fetch_add(&bytes_total, got, __ATOMIC_RELAXED);
	if (s->cond) {
		s->cond->bytes += got;
		s->cond->mtime_out = filetime > 0 ? (long long)filetime : 0;
	}
	if (rc == CURLE_OK)
		return 0;
	if (rc == CURLE_HTTP_RETURNED_ERROR && (code == 404 || code == 410))
		s->not_found = 1;
	if (s->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
		s->too_big = 1;
		kr_err("%s: body is larger than the %llu bytes allowed, refused", s->url,
		       (unsigned long long)s->max);
	} else if (s->io_error) {
		kr_err("%s: cannot write the download: %s", s->url, strerror(s->io_error));
	} else if (rc == CURLE_OPERATION_TIMEDOUT && took_us / 1000 + 50 >= lim.deadline_ms) {
		kr_err("%s: deadline: not complete after %lld.%03lld s, the time allowed for at "
		       "most "
		       "%llu bytes; %llu received, refused",
		       s->url, lim.deadline_ms / 1000, lim.deadline_ms % 1000,
		       (unsigned long long)s->max, (unsigned long long)s->have);
	} else if (rc == CURLE_OPERATION_TIMEDOUT) {
		kr_err("%s: too slow: less than %ld bytes/s for %ld s (%llu bytes received), "
		       "refused",
		       s->url, lim.low_speed_limit, lim.low_speed_time,
		       (unsigned long long)s->have);
	} else if (rc == CURLE_HTTP_RETURNED_ERROR) {
		kr_err("%s: HTTP %ld", s->url, code);
	} else {
		kr_err("%s: transfer failed after %llu bytes: %s", s->url,
		       (unsigned long long)s->have, errbuf[0] ? errbuf : curl_easy_strerror(rc));
	}
	return -1;
}

static int file_get(struct sink *s, const char *path)
{
	int in = open(path, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		s->not_found = errno == ENOENT;
		kr_err("%s: cannot open: %s", s->url, strerror(errno));
		return -1;
	}
	/* local copies are cheap: always start from zero */
	if (sink_restart(s) < 0) {
		kr_err("%s: cannot write the copy: %s", s->url, strerror(errno));
		close(in);
		return -1;
	}
	char buf[65536];
	ssize_t r;
	while ((r = read(in, buf, sizeof buf)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			kr_err("%s: read error: %s", s->url, strerror(errno));
			break;
		}
		if (sink_write(s, buf, (size_t)r) < 0) {
			if (s->too_big)
				kr_err("%s: file is larger than the %llu bytes allowed, refused",
				       s->url, (unsigned long long)s->max);
			else
				kr_err("%s: cannot write the copy: %s", s->url,
				       strerror(s->io_error));
			break;
		}
	}
	close(in);
	return r == 0 ? 0 : -1;
}

static const char *local_path(const char *url)
{
	if (str_starts(url, "file://")) {
		const char *p = url + 7;
		return *p == '/' ? p : NULL; /* only file:///abs/path */
	}
	return strstr(url, "://") ? NULL : url;
}

int transport_read_local(const char *url, uint64_t max_size, const char *expect_sha256,
			 char **data, size_t *len)
{
	if (str_starts(url, "http://") || str_starts(url, "https://"))
		return 1;
	const char *path = local_path(url);
	if (!path) {
		kr_err("%s: unsupported URL, expected http://, https://, file:///PATH or a path",
		       url);
		return -1;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int missing = errno == ENOENT;
		kr_err("%s: cannot open: %s", url, strerror(errno));
		return missing ? -2 : -1;
	}
	size_t cap = 65536, n = 0;
	char *buf = xmalloc(cap + 1);
	int rc = 0;
	for (;;) {
		if (n == cap) {
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			kr_err("%s: read error: %s", url, strerror(errno));
			rc = -1;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (max_size && n > max_size) {
			kr_err("%s: file is larger than the %llu bytes allowed, refused", url,
			       (unsigned long long)max_size);
			rc = -1;
			break;
		}
	}
	close(fd);
	char got[SHA256_HEX_LEN + 1];
	if (rc == 0 && expect_sha256) {
		sha256_hex(buf, n, got);
		if (strcmp(got, expect_sha256)) {
			kr_err("%s: sha256 mismatch: expected %s, got %s (%llu bytes)", url,
			       expect_sha256, got, (unsigned long long)n);
			rc = -1;
		}
	}
	if (rc < 0) {
		free(buf);
		return -1;
	}
	buf[n] = 0;
	*data = buf;
	*len = n;
	return 0;
}

int transport_get(const char *url, const char *dest, uint64_t max_size, const char *expect_sha256)
{
	return transport_get_ex(url, dest, max_size, expect_sha256, 0);
}

int transport_get_ex(const char *url, const char *dest, uint64_t max_size,
		     const char *expect_sha256, unsigned flags)
{
	return transport_get_cond(url, dest, max_size, expect_sha256, flags, NULL);
}

int transport_get_cond(const char *url, const char *dest, uint64_t max_size,
		       const char *expect_sha256, unsigned flags, struct transport_cond *cond)
{
	int is_http = str_starts(url, "http://") || str_starts(url, "https://");
	const char *path = is_http ? NULL : local_path(url);
	if (!is_http && !path) {
		kr_err("%s: unsupported URL, expected http://, https://, file:///PATH or a path",
		       url);
		return -1;
	}
	char *part = xasprintf("%s.part", dest);
	struct sink s = {.url = url, .max = max_size, .h = hasher_new(), .cond = cond};
	if (cond) {
		cond->etag_out[0] = 0;
		cond->mtime_out = 0;
	}
	int rc = -1;
	s.fd = open(part, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (s.fd < 0) {
		kr_err("%s: cannot create: %s", part, strerror(errno));
		hasher_end(s.h, (char[SHA256_HEX_LEN + 1]){0});
		free(part);
		return -1;
	}
	if ((flags & TRANSPORT_FRESH) && sink_restart(&s) < 0) {
		kr_err("%s: cannot truncate: %s", part, strerror(errno));
		goto out;
	}
	if (sink_rehash(&s) < 0 || (s.have && s.have >= max_size && sink_restart(&s) < 0)) {
		kr_err("%s: cannot read: %s", part, strerror(errno));
		goto out;
	}
	if (is_http) {
		rc = http_get(&s);
		/* a stale .part the server will not continue: one fresh try */
		if (rc < 0 && s.resumed && !s.too_big && sink_restart(&s) == 0) {
			s.resumed = s.checked_code = 0;
			rc = http_get(&s);
		}
	} else {
		rc = file_get(&s, path);
	}
	if (rc < 0) {
		if (s.not_found)
			rc = -2;
		goto out;
	}
	if (is_http && s.code == 304) {
		s.too_big = 1; /* drop the empty .part */
		/* not modified: the caller's copy stands (and is checked again);
		 * a 304 nobody asked for is no file at all */
		if (s.asked) {
			rc = 1;
		} else {
			kr_err("%s: HTTP 304 (not modified) to an unconditional request, refused",
			       url);
			rc = -1;
		}
		goto out;
	}
	char got[SHA256_HEX_LEN + 1];
	hasher_end(s.h, got);
	s.h = NULL;
	if (expect_sha256 && strcmp(got, expect_sha256)) {
		kr_err("%s: sha256 mismatch: expected %s, got %s (%llu bytes)", url, expect_sha256,
		       got, (unsigned long long)s.have);
		rc = -1;
		s.too_big = 1; /* complete but wrong: drop it */
		goto out;
	}
	/* no fsync per file: callers that publish sync once before their
	 * switch (repo_publish); an interrupted process loses nothing */
	if (rename(part, dest) < 0) {
		kr_err("%s: cannot move into place: %s", dest, strerror(errno));
		rc = -1;
	}
out:
	if (s.h)
		hasher_end(s.h, (char[SHA256_HEX_LEN + 1]){0});
	close(s.fd);
	/* keep a partial http download for resuming; drop refused, empty or
	 * local ones */
	if (rc != 0 && (s.too_big || !is_http || s.have == 0 || (flags & TRANSPORT_FRESH)))
		unlink(part);
	free(part);
	return rc;
}
