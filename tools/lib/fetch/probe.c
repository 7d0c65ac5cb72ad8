/* probe.c - see probe.h. */
#include "probe.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static void init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* The ranged GET keeps at most this much of a body (a server that ignores
 * Range sends the whole file: it is cut off here). */
static size_t sink(char *data, size_t size, size_t nmemb, void *arg)
{
	(void)data;
	size_t *got = arg;
	*got += size * nmemb;
	return *got > 1 ? 0 : size * nmemb;
}

static int http_probe(const char *url, int ranged, long *code, uint64_t *size)
{
	pthread_once(&once, init);
	CURL *c = curl_easy_init();
	if (!c) {
		kr_err("%s: cannot start libcurl", url);
		return -1;
	}
	char errbuf[CURL_ERROR_SIZE] = "";
	size_t got = 0;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "krill/" KRILL_VERSION);
	if (ranged) {
		curl_easy_setopt(c, CURLOPT_RANGE, "0-0");
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &got);
	} else {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	}
	CURLcode rc = curl_easy_perform(c);
	curl_off_t len = -1;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, code);
	curl_easy_getinfo(c, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &len);
	curl_easy_cleanup(c);
	*size = !ranged && len >= 0 ? (uint64_t)len : UINT64_MAX;
	/* our own cut-off of a ranged body is not an error */
	if (rc != CURLE_OK && !(ranged && rc == CURLE_WRITE_ERROR && *code)) {
		kr_err("%s: %s", url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}

int probe_url(const char *url, uint64_t *size, char **why)
{
	*size = UINT64_MAX;
	*why = NULL;
	if (str_starts(url, "http://") || str_starts(url, "https://")) {
		long code = 0;
		if (http_probe(url, 0, &code, size) < 0)
			return -1;
		if (code == 405 || code == 501) /* no HEAD here: ask for one byte */
			if (http_probe(url, 1, &code, size) < 0)
				return -1;
		if (code == 200 || code == 206)
			return 1;
		if (code == 404 || code == 410) {
			*why = xasprintf("HTTP %ld", code);
			return 0;
		}
		kr_err("%s: HTTP %ld", url, code);
		return -1;
	}
	const char *path = str_starts(url, "file://") ? url + 7 : url;
	if (strstr(url, "://") && !str_starts(url, "file://")) {
		kr_err("%s: cannot ask this URL scheme, expected http://, https:// or file://",
		       url);
		return -1;
	}
	struct stat st;
	if (stat(path, &st) == 0) {
		if (S_ISREG(st.st_mode)) {
			*size = (uint64_t)st.st_size;
			return 1;
		}
		*why = xstrdup("not a regular file");
		return 0;
	}
	if (errno == ENOENT || errno == ENOTDIR) {
		*why = xstrdup("no such file");
		return 0;
	}
	kr_err("%s: %s", url, strerror(errno));
	return -1;
}
