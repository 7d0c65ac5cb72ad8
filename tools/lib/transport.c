/* transport.c - TEMPORARY stub of transport.h: file:// URLs and plain paths
 * only; http(s) returns an error. The real implementation (libcurl) comes
 * from another branch; drop this file's commit when merging it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "transport.h"
#include "util.h"

static int copy_fd(int in, int out, uint64_t max, const char *url, struct hasher *h)
{
	char buf[1 << 16];
	uint64_t total = 0;
	for (;;) {
		ssize_t r = read(in, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			kr_err("%s: read error: %s", url, strerror(errno));
			return -1;
		}
		if (r == 0)
			return 0;
		total += (uint64_t)r;
		if (max && total > max) {
			kr_err("%s: larger than the limit of %llu bytes", url, (unsigned long long)max);
			return -1;
		}
		hasher_add(h, buf, (size_t)r);
		if (write(out, buf, (size_t)r) != r) {
			kr_err("%s: write error: %s", url, strerror(errno));
			return -1;
		}
	}
}

int transport_get(const char *url, const char *dest, uint64_t max_size, const char *expect_sha256)
{
	const char *path = url;
	if (str_starts(url, "file://"))
		path = url + 7;
	else if (strstr(url, "://")) {
		kr_err("%s: this transport only supports file:// and plain paths", url);
		return -1;
	}
	int in = open(path, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		kr_err("%s: cannot open: %s", url, strerror(errno));
		return -1;
	}
	char *part = xasprintf("%s.part", dest);
	int out = open(part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		kr_err("%s: cannot create: %s", part, strerror(errno));
		close(in);
		free(part);
		return -1;
	}
	struct hasher *h = hasher_new();
	int rc = copy_fd(in, out, max_size, url, h);
	char got[SHA256_HEX_LEN + 1];
	hasher_end(h, got);
	close(in);
	if (close(out) < 0 && rc == 0) {
		kr_err("%s: write error: %s", part, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && expect_sha256 && strcmp(got, expect_sha256)) {
		kr_err("%s: sha256 mismatch: expected %s, got %s", url, expect_sha256, got);
		rc = -1;
	}
	if (rc == 0 && rename(part, dest) < 0) {
		kr_err("%s: cannot rename into place: %s", dest, strerror(errno));
		rc = -1;
	}
	if (rc < 0)
		unlink(part);
	free(part);
	return rc;
}
