/* index.c - see index.h */
#include "index.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dep.h"
#include "version.h"

/* ---- time ---- */

int rfc3339_parse(const char *s, time_t *out)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:ddZ";
	if (strlen(s) != sizeof pat - 1)
		return -1;
	for (size_t i = 0; pat[i]; i++)
		if (pat[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != pat[i])
			return -1;
	struct tm tm = {0};
	tm.tm_year = atoi(s) - 1900;
	tm.tm_mon = atoi(s + 5) - 1;
	tm.tm_mday = atoi(s + 8);
	tm.tm_hour = atoi(s + 11);
	tm.tm_min = atoi(s + 14);
	tm.tm_sec = atoi(s + 17);
	time_t t = timegm(&tm);
	char back[21];
	rfc3339_format(t, back);
	if (strcmp(back, s)) /* Feb 30, 25:00 and friends normalise differently */
		return -1;
	*out = t;
	return 0;
}

void rfc3339_format(time_t t, char out[21])
{
	struct tm tm;
	if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0) {
		strcpy(out, "invalid-time");
		return;
	}
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- header ---- */

static const char *const hdr_keys[] = {"format", "repository", "arch", "version", "expires"};

int index_arch_valid(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

static int parse_version_u64(const char *s, uint64_t *out)
{
	if (!isdigit((unsigned char)*s) || *s == '0')
		return -1;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end || errno)
		return -1;
	*out = v;
	return 0;
}

/* One header value: "key: value\n" with the expected key. */
static char *hdr_value(const char *data, size_t len, size_t *pos, int line, const char *src)
{
	const char *key = hdr_keys[line - 1];
	size_t klen = strlen(key);
	const char *ls = data + *pos;
	const char *nl = memchr(ls, '\n', len - *pos);
	size_t ll = nl ? (size_t)(nl - ls) : 0;
	if (!nl || ll < klen + 3 || memcmp(ls, key, klen) || ls[klen] != ':' ||
	    ls[klen + 1] != ' ') {
		kr_err("%s:%d: expected '%s: VALUE' (header keys in order: format, repository, "
		       "arch, version, expires)",
		       src, line, key);
		return NULL;
	}
	if (memchr(ls, 0, ll)) {
		kr_err("%s:%d: NUL byte, expected text", src, line);
		return NULL;
	}
	*pos += ll + 1;
	return xstrndup(ls + klen + 2, ll - klen - 2);
}

/* Check one header value; line is 1-based and names the key. */
static int check_hdr(int line, const char *v, const char *src, struct index *ix)
{
	switch (line) {
	case 1:
		if (strcmp(v, "krill-index-1")) {
			kr_err("%s:1: unknown format '%s', expected 'krill-index-1'", src, v);
			return -1;
		}
		return 0;
	case 2:
		if (!valid_pkgname(v)) {
			kr_err("%s:2: bad repository name '%s', expected lowercase letters, digits "
			       "and + . _ -",
			       src, v);
			return -1;
		}
		ix->name = xstrdup(v);
		return 0;
	case 3:
		if (!index_arch_valid(v)) {
			kr_err("%s:3: bad arch '%s', expected lowercase letters, digits and _", src,
			       v);
			return -1;
		}
		ix->arch = xstrdup(v);
		return 0;
	case 4:
		if (parse_version_u64(v, &ix->version) < 0) {
			kr_err("%s:4: bad version '%s', expected a whole number from 1", src, v);
			return -1;
		}
		return 0;
	default:
		if (rfc3339_parse(v, &ix->expires) < 0) {
			kr_err("%s:5: bad expiry '%s', expected UTC time as YYYY-MM-DDTHH:MM:SSZ",
			       src, v);
			return -1;
		}
		return 0;
	}
}

const char *const index_feed_files[FEED_N] = {INDEX_SECDB_FILE, INDEX_VEX_FILE};
const char *const index_feed_keys[FEED_N] = {"secdb", "openvex"};

/* An optional "KEY: SIZE SHA256" feed line at *pos; 0 when the line is
 * another (nothing consumed), 1 when taken, -1 when malformed. */
static int feed_line(const char *data, size_t len, size_t *pos, int line, int which,
		     const char *src, struct index *ix)
{
	const char *key = index_feed_keys[which];
	size_t klen = strlen(key);
	const char *ls = data + *pos;
	if (len - *pos < klen + 2 || memcmp(ls, key, klen) || ls[klen] != ':')
		return 0;
	const char *nl = memchr(ls, '\n', len - *pos);
	size_t ll = nl ? (size_t)(nl - ls) : 0;
	char sha[65];
	unsigned long long size;
	char *v = nl ? xstrndup(ls + klen + 1, ll - klen - 1) : NULL;
	int ok = v && strlen(v) == ll - klen - 1 && v[0] == ' ' && v[1] >= '1' && v[1] <= '9';
	if (ok) {
		char *end;
		errno = 0;
		size = strtoull(v + 1, &end, 10);
		ok = !errno && *end == ' ' && strlen(end + 1) == 64 && is_hex(end + 1, 64) &&
		     size <= INDEX_FEED_MAX;
		if (ok)
			memcpy(sha, end + 1, 65);
	}
	free(v);
	if (!ok) {
		kr_err("%s:%d: bad %s line, expected '%s: SIZE SHA256' (1 byte to %u, 64 "
		       "lowercase hex digits)",
		       src, line, key, key, INDEX_FEED_MAX);
		return -1;
	}
	ix->feeds[which].size = size;
	memcpy(ix->feeds[which].sha256, sha, 65);
	*pos += ll + 1;
	return 1;
}

/* *lines: the header's lines, the blank one after it excluded. */
static int parse_header(const char *data, size_t len, size_t *pos, const char *src,
			struct index *ix, int *lines)
{
	int i;
	for (i = 1; i <= (int)ARRAY_LEN(hdr_keys); i++) {
		char *v = hdr_value(data, len, pos, i, src);
		int rc = v ? check_hdr(i, v, src, ix) : -1;
		free(v);
		if (rc < 0)
			return -1;
	}
	for (int f = 0; f < FEED_N; f++) {
		int r = feed_line(data, len, pos, i, f, src, ix);
		if (r < 0)
			return -1;
		i += r;
	}
	*lines = i - 1;
	if (*pos < len && data[*pos] != '\n') {
		kr_err("%s:%d: expected a blank line after the header (optional lines after "
		       "expires: secdb, then openvex)",
		       src, i);
		return -1;
	}
	return 0;
}

/* ---- entries ---- */

static int entry_cmp(const struct pkginfo *a, const struct pkginfo *b)
{
	int c = strcmp(a->name, b->name);
	return c ? c : version_cmp(a->version, b->version);
}

static int check_entry(const struct index *ix, const struct pkginfo *p, int line, const char *src)
{
	if (!valid_full_version(p->version)) {
		kr_err("%s:%d: bad version '%s', expected VERSION-rN", src, line, p->version);
		return -1;
	}
	if (strcmp(p->arch, ix->arch)) {
		kr_err("%s:%d: package %s has arch '%s', expected the index's '%s'", src, line,
		       p->name, p->arch, ix->arch);
		return -1;
	}
	if (p->size == 0 || p->size > INDEX_PKG_SIZE_MAX) {
		kr_err("%s:%d: package %s lists size %llu, expected 1 byte to 4 GiB (%llu): "
		       "refused "
		       "before anything is fetched",
		       src, line, p->name, (unsigned long long)p->size,
		       (unsigned long long)INDEX_PKG_SIZE_MAX);
		return -1;
	}
	if (p->installed_size > INDEX_INSTALLED_SIZE_MAX) {
		kr_err("%s:%d: package %s lists installed-size %llu, expected at most 64 GiB "
		       "(%llu)",
		       src, line, p->name, (unsigned long long)p->installed_size,
		       (unsigned long long)INDEX_INSTALLED_SIZE_MAX);
		return -1;
	}
	char *want = pkginfo_filename(p);
	int ok = !strcmp(want, p->file);
	if (!ok)
		kr_err("%s:%d: file '%s', expected '%s'", src, line, p->file, want);
	free(want);
	if (!ok)
		return -1;
	if (ix->n && entry_cmp(&ix->pkgs[ix->n - 1], p) >= 0) {
		kr_err("%s:%d: package %s %s is %s, expected entries sorted by name then version",
		       src, line, p->name, p->version,
		       entry_cmp(&ix->pkgs[ix->n - 1], p) ? "out of order" : "listed twice");
		return -1;
	}
	return 0;
}

int index_parse(const char *data, size_t len, const char *src, struct index *out)
{
	memset(out, 0, sizeof *out);
	size_t pos = 0;
	int line;
	if (parse_header(data, len, &pos, src, out, &line) < 0) {
		index_free(out);
		return -1;
	}
	line++;
	for (;;) {
		struct pkginfo p;
		while (pos < len && data[pos] == '\n') {
			pos++;
			line++;
		}
		int start = line;
		int r = pkginfo_parse(data, len, &pos, &line, src, 1, &p);
		if (r == 0)
			return 0;
		if (r < 0)
			break;
		if (check_entry(out, &p, start, src) < 0) {
			pkginfo_free(&p);
			break;
		}
		index_add(out, &p);
	}
	index_free(out);
	return -1;
}

void index_add(struct index *ix, struct pkginfo *p)
{
	if (ix->n == ix->cap) {
		ix->cap = ix->cap ? ix->cap * 2 : 64;
		ix->pkgs = xrealloc(ix->pkgs, ix->cap * sizeof *ix->pkgs);
	}
	ix->pkgs[ix->n++] = *p;
	memset(p, 0, sizeof *p);
}

static int qcmp(const void *a, const void *b)
{
	return entry_cmp(a, b);
}

int index_sort(struct index *ix, const char *src)
{
	if (ix->n > 1)
		qsort(ix->pkgs, ix->n, sizeof *ix->pkgs, qcmp);
	for (size_t i = 1; i < ix->n; i++)
		if (!entry_cmp(&ix->pkgs[i - 1], &ix->pkgs[i])) {
			kr_err("%s: package %s %s is there twice (%s and %s), expected one file "
			       "per name and version",
			       src, ix->pkgs[i].name, ix->pkgs[i].version, ix->pkgs[i - 1].file,
			       ix->pkgs[i].file);
			return -1;
		}
	return 0;
}

void index_write(const struct index *ix, struct sb *out)
{
	char exp[21];
	rfc3339_format(ix->expires, exp);
	sb_printf(out,
		  "format: krill-index-1\nrepository: %s\narch: %s\nversion: %llu\nexpires: %s\n",
		  ix->name, ix->arch, (unsigned long long)ix->version, exp);
	for (int f = 0; f < FEED_N; f++)
		if (ix->feeds[f].size)
			sb_printf(out, "%s: %llu %s\n", index_feed_keys[f],
				  (unsigned long long)ix->feeds[f].size, ix->feeds[f].sha256);
	sb_addc(out, '\n');
	for (size_t i = 0; i < ix->n; i++)
		pkginfo_write(&ix->pkgs[i], out);
}

void index_free(struct index *ix)
{
	for (size_t i = 0; i < ix->n; i++)
		pkginfo_free(&ix->pkgs[i]);
	free(ix->pkgs);
	free(ix->name);
	free(ix->arch);
	memset(ix, 0, sizeof *ix);
}

const struct pkginfo *index_find_file(const struct index *ix, const char *file)
{
	for (size_t i = 0; i < ix->n; i++)
		if (!strcmp(ix->pkgs[i].file, file))
			return &ix->pkgs[i];
	return NULL;
}
