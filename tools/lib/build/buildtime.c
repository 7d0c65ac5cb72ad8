/* buildtime.c - see buildtime.h */
#include "buildtime.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "util.h"

char *buildtime_path(const char *cache_dir, const char *arch)
{
	return xasprintf("%s/durations/%s", cache_dir, arch);
}

/* A port name as recipes allow it: no space, no newline, not empty. */
static int plain_name(const char *s, size_t n)
{
	if (!n || n > 128)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '/')
			return 0;
	return 1;
}

/* The seconds on a line "NAME SECONDS" if it names name; -1 otherwise. */
static long line_secs(const char *l, size_t n, const char *name)
{
	size_t nl = strlen(name);
	if (n <= nl + 1 || memcmp(l, name, nl) || l[nl] != ' ')
		return -1;
	char buf[24];
	size_t dn = n - nl - 1;
	if (dn >= sizeof buf)
		return -1;
	memcpy(buf, l + nl + 1, dn);
	buf[dn] = 0;
	char *end;
	errno = 0;
	long v = strtol(buf, &end, 10);
	return *end || errno || v < 0 ? -1 : v;
}

long buildtime_lookup(const char *cache_dir, const char *arch, const char *name)
{
	char *p = buildtime_path(cache_dir, arch), *data = NULL;
	size_t len = 0;
	long v = -1;
	if (read_file(p, &data, &len) == 0)
		for (const char *l = data, *e = data + len; l < e && v < 0;) {
			const char *nl = memchr(l, '\n', (size_t)(e - l));
			size_t n = nl ? (size_t)(nl - l) : (size_t)(e - l);
			v = line_secs(l, n, name);
			l += n + 1;
		}
	free(data);
	free(p);
	return v;
}

int buildtime_record(const char *cache_dir, const char *arch, const char *name, double secs)
{
	if (!plain_name(name, strlen(name)) || !plain_name(arch, strlen(arch))) {
		kr_err("build time of '%s' (%s): not a plain port name", name, arch);
		return -1;
	}
	char *dir = xasprintf("%s/durations", cache_dir);
	char *p = buildtime_path(cache_dir, arch);
	char *lock = xasprintf("%s.lock", p);
	int rc = mkdir_p(dir, 0755), fd = -1;
	if (!rc &&
	    ((fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0 || flock(fd, LOCK_EX) < 0)) {
		kr_err("%s: cannot lock: %s", lock, strerror(errno));
		rc = -1;
	}
	char *data = NULL;
	size_t len = 0;
	struct strlist lines = STRLIST_INIT;
	if (!rc && read_file(p, &data, &len) == 0)
		for (const char *l = data, *e = data + len; l < e;) {
			const char *nl = memchr(l, '\n', (size_t)(e - l));
			size_t n = nl ? (size_t)(nl - l) : (size_t)(e - l);
			const char *sp = memchr(l, ' ', n);
			/* keep other ports' well-formed lines; drop ours and junk */
			if (sp && plain_name(l, (size_t)(sp - l)) && line_secs(l, n, name) < 0) {
				char *who = xstrndup(l, (size_t)(sp - l));
				if (line_secs(l, n, who) >= 0)
					sl_push_own(&lines, xstrndup(l, n));
				free(who);
			}
			l += n + 1;
		}
	if (!rc) {
		long s = secs < 1 ? 1 : (long)(secs + 0.5);
		sl_push_own(&lines, xasprintf("%s %ld", name, s));
		sl_sort(&lines);
		struct sb b = SB_INIT;
		for (size_t i = 0; i < lines.n; i++)
			sb_printf(&b, "%s\n", lines.v[i]);
		rc = write_file_atomic(p, sb_str(&b), b.len, 0644);
		sb_free(&b);
	}
	if (fd >= 0)
		close(fd);
	sl_free(&lines);
	free(data);
	free(lock);
	free(p);
	free(dir);
	return rc;
}
