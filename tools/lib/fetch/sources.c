/* sources.c - see sources.h. Hand-written because the two maintained
 * deb822 readers do not fit: libapt-pkg is C++, and libdpkg's API is
 * declared unstable by its authors. The grammar used is small (fields,
 * continuation lines, blank-line separators) and the parser is fuzzed
 * (tools/tests/fuzz/fuzz_sources.c). */
#include <archive.h>
#include <stdarg.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sources.h"

/* No line of a real index comes near these; a mirror that sends more is
 * refused rather than buffered. */
#define LINE_MAX_BYTES (1u << 20)
#define FILES_MAX      4096

struct parser {
	const char *path;
	sources_fn fn;
	void *arg;
	long lineno;
	struct sb partial; /* a line not yet ended by '\n' */
	int in_para, in_sums, have_sums;
	struct strlist seen; /* field names of this paragraph, lower case */
	struct sources_para p;
	size_t cap;
	int failed;
};

static void para_reset(struct parser *ps)
{
	free(ps->p.package);
	free(ps->p.version);
	free(ps->p.directory);
	for (size_t i = 0; i < ps->p.nfiles; i++)
		free(ps->p.files[i].name);
	free(ps->p.files);
	memset(&ps->p, 0, sizeof ps->p);
	ps->p.path = ps->path;
	ps->cap = 0;
	sl_free(&ps->seen);
	ps->in_para = ps->in_sums = ps->have_sums = 0;
}

static int fail(struct parser *ps, const char *fmt, ...) KR_PRINTF(2, 3);
static int fail(struct parser *ps, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kr_verr(fmt, ap);
	va_end(ap);
	kr_err_prefix("%s:%ld", ps->path, ps->lineno);
	ps->failed = 1;
	return -1;
}

static int all_in(const char *s, size_t n, const char *extra)
{
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr(extra, s[i]))
			return 0;
	return 1;
}

/* Debian Policy 5.6.1: lower-case letters, digits, + - . ; at least two,
 * starting with an alphanumeric. */
static int valid_package(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || !(islower((unsigned char)s[0]) || isdigit((unsigned char)s[0])))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) &&
		    !strchr("+-.", s[i]))
			return 0;
	return 1;
}

/* [EPOCH:]UPSTREAM[-REVISION] (Policy 5.6.12), upstream starting with a digit. */
static int valid_debver(const char *s)
{
	size_t n = strlen(s);
	if (!n || !all_in(s, n, ".+~:-"))
		return 0;
	const char *colon = strchr(s, ':'), *up = s;
	if (colon) {
		if (colon == s || strchr(colon + 1, ':'))
			return 0;
		for (const char *c = s; c < colon; c++)
			if (!isdigit((unsigned char)*c))
				return 0;
		up = colon + 1;
	}
	const char *dash = strrchr(up, '-');
	if (dash && (dash == up || !dash[1]))
		return 0;
	return isdigit((unsigned char)*up);
}

/* pool/main/c/curl: relative, no empty, "." or ".." segment. */
static int valid_directory(const char *s)
{
	size_t n = strlen(s);
	if (!n || !all_in(s, n, "+-._~/") || s[0] == '/' || s[n - 1] == '/' || strstr(s, "//"))
		return 0;
	for (const char *seg = s; seg;) {
		const char *e = strchr(seg, '/');
		size_t len = e ? (size_t)(e - seg) : strlen(seg);
		if ((len == 1 && seg[0] == '.') || (len == 2 && seg[0] == '.' && seg[1] == '.'))
			return 0;
		seg = e ? e + 1 : NULL;
	}
	return 1;
}

static int valid_filename(const char *s, size_t n)
{
	return n && s[0] != '.' && all_in(s, n, "+-._~");
}

/* " SHA256 SIZE NAME" */
static int file_line(struct parser *ps, const char *l, size_t n)
{
	char *f = xstrndup(l, n);
	struct strlist w = STRLIST_INIT;
	sl_split(&w, f, " \t");
	int rc = -1;
	if (w.n == 3 && strlen(w.v[0]) == SHA256_HEX_LEN && is_hex(w.v[0], SHA256_HEX_LEN) &&
	    strlen(w.v[1]) <= 19 && all_in(w.v[1], strlen(w.v[1]), "") &&
	    strspn(w.v[1], "0123456789") == strlen(w.v[1])) {
		if (!valid_filename(w.v[2], strlen(w.v[2]))) {
			fail(ps,
			     "bad file name '%s' in Checksums-Sha256, expected a plain name of "
			     "letters, digits and + - . _ ~",
			     w.v[2]);
			goto out;
		}
		if (ps->p.nfiles == FILES_MAX) {
			fail(ps, "more than %d files in one paragraph", FILES_MAX);
			goto out;
		}
		if (ps->p.nfiles == ps->cap) {
			ps->cap = ps->cap ? 2 * ps->cap : 4;
			ps->p.files = xrealloc(ps->p.files, ps->cap * sizeof *ps->p.files);
		}
		struct sources_file *sf = &ps->p.files[ps->p.nfiles++];
		memcpy(sf->sha256, w.v[0], SHA256_HEX_LEN + 1);
		sf->size = strtoull(w.v[1], NULL, 10);
		sf->name = xstrdup(w.v[2]);
		rc = 0;
	} else {
		fail(ps, "expected ' SHA256 SIZE NAME' in Checksums-Sha256, got '%s'",
		     f + strspn(f, " \t"));
	}
out:
	sl_free(&w);
	free(f);
	return rc;
}

static int para_end(struct parser *ps)
{
	static const char *const need[] = {"package", "version", "directory", "checksums-sha256"};
	static const char *const shown[] = {"Package", "Version", "Directory", "Checksums-Sha256"};
	for (size_t i = 0; i < ARRAY_LEN(need); i++)
		if (!sl_has(&ps->seen, need[i]))
			return fail(ps, "the paragraph that starts at line %ld has no %s field",
				    ps->p.line, shown[i]);
	if (!ps->p.nfiles)
		return fail(ps,
			    "the paragraph that starts at line %ld lists no file in "
			    "Checksums-Sha256",
			    ps->p.line);
	int rc = ps->fn(&ps->p, ps->arg);
	if (rc < 0)
		ps->failed = 1;
	para_reset(ps);
	return rc < 0 ? -1 : 0;
}

static int field_line(struct parser *ps, const char *l, size_t n)
{
	const char *colon = memchr(l, ':', n);
	size_t nl = colon ? (size_t)(colon - l) : 0;
	int ok = nl && l[0] != '#' && l[0] != '-';
	for (size_t i = 0; ok && i < nl; i++)
		ok = l[i] > ' ' && l[i] < 127;
	if (!ok) {
		return fail(ps,
			    "expected 'Field: value', a continuation line or a blank line, got "
			    "'%.*s'",
			    (int)(n > 80 ? 80 : n), l);
	}
	if (!ps->in_para) {
		ps->in_para = 1;
		ps->p.line = ps->lineno;
	}
	char *name = xstrndup(l, nl);
	for (char *c = name; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	if (sl_has(&ps->seen, name)) {
		free(name);
		return fail(ps, "duplicate field '%.*s' in one paragraph", (int)nl, l);
	}
	sl_push(&ps->seen, name);
	const char *v = colon + 1, *e = l + n;
	while (v < e && (*v == ' ' || *v == '\t'))
		v++;
	while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	char *val = xstrndup(v, (size_t)(e - v));
	int rc = 0;
	ps->in_sums = 0;
	if (!strcmp(name, "package")) {
		if (valid_package(val))
			ps->p.package = xstrdup(val);
		else
			rc = fail(ps,
				  "bad Package '%s', expected lower-case letters, digits and + - "
				  ". (at least two, starting with a letter or digit)",
				  val);
	} else if (!strcmp(name, "version")) {
		if (valid_debver(val))
			ps->p.version = xstrdup(val);
		else
			rc = fail(ps,
				  "bad Version '%s', expected [EPOCH:]UPSTREAM[-REVISION] of "
				  "letters, digits and . + ~ (upstream starting with a digit)",
				  val);
	} else if (!strcmp(name, "directory")) {
		if (valid_directory(val))
			ps->p.directory = xstrdup(val);
		else
			rc = fail(ps,
				  "bad Directory '%s', expected a relative path without '.' or "
				  "'..' segments",
				  val);
	} else if (!strcmp(name, "checksums-sha256")) {
		if (*val)
			rc = fail(ps,
				  "Checksums-Sha256 has '%s' on its first line, expected the files "
				  "on the lines below",
				  val);
		ps->in_sums = ps->have_sums = 1;
	}
	free(val);
	free(name);
	return rc;
}

static int line(struct parser *ps, const char *l, size_t n)
{
	ps->lineno++;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)l[i] < ' ' && l[i] != '\t') {
			return fail(ps, "control character 0x%02x in a line, expected text",
				    (unsigned char)l[i]);
		}
	if (strspn(l, " \t") >= n) /* a blank line ends a paragraph */
		return ps->in_para ? para_end(ps) : 0;
	if (l[0] == ' ' || l[0] == '\t') {
		if (!ps->in_para)
			return fail(ps, "a continuation line outside a paragraph, expected "
					"'Field: value'");
		if (ps->in_sums)
			return file_line(ps, l, n);
		const char *last = ps->seen.v[ps->seen.n - 1];
		if (!strcmp(last, "package") || !strcmp(last, "version") ||
		    !strcmp(last, "directory"))
			return fail(ps, "a continuation line after the one-line field %s", last);
		return 0;
	}
	return field_line(ps, l, n);
}

static int feed(struct parser *ps, const char *data, size_t len)
{
	for (const char *s = data, *e = data + len; s < e && !ps->failed;) {
		const char *nl = memchr(s, '\n', (size_t)(e - s));
		size_t n = (size_t)((nl ? nl : e) - s);
		if (ps->partial.len + n > LINE_MAX_BYTES) {
			ps->lineno++;
			return fail(ps, "a line longer than %u bytes", LINE_MAX_BYTES);
		}
		if (!nl) {
			sb_add(&ps->partial, s, n);
			break;
		}
		if (ps->partial.len) {
			sb_add(&ps->partial, s, n);
			line(ps, sb_str(&ps->partial), ps->partial.len);
			sb_reset(&ps->partial);
		} else {
			line(ps, s, n);
		}
		s = nl + 1;
	}
	return ps->failed ? -1 : 0;
}

static int finish(struct parser *ps)
{
	if (!ps->failed && ps->partial.len)
		line(ps, sb_str(&ps->partial), ps->partial.len);
	if (!ps->failed && ps->in_para)
		para_end(ps);
	sb_free(&ps->partial);
	para_reset(ps);
	return ps->failed ? -1 : 0;
}

static void init(struct parser *ps, const char *path, sources_fn fn, void *arg)
{
	memset(ps, 0, sizeof *ps);
	ps->path = path;
	ps->fn = fn;
	ps->arg = arg;
	sb_reset(&ps->partial);
	ps->p.path = path;
}

int sources_parse(const char *data, size_t len, const char *path, sources_fn fn, void *arg)
{
	struct parser ps;
	init(&ps, path, fn, arg);
	feed(&ps, data, len);
	return finish(&ps);
}

/* libarchive's raw format undoes gzip, xz, lz4, bzip2 and zstd alike. */
int sources_read_file(const char *path, sources_fn fn, void *arg)
{
	struct archive *a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	struct archive_entry *ent;
	struct parser ps;
	init(&ps, path, fn, arg);
	int rc = -1;
	if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK ||
	    archive_read_next_header(a, &ent) != ARCHIVE_OK) {
		kr_err("%s: cannot read: %s", path, archive_error_string(a));
		finish(&ps);
		goto out;
	}
	char buf[1 << 16];
	la_ssize_t r;
	while ((r = archive_read_data(a, buf, sizeof buf)) > 0 && feed(&ps, buf, (size_t)r) == 0)
		;
	if (r < 0 && !ps.failed) {
		kr_err("%s: cannot decompress: %s", path, archive_error_string(a));
		finish(&ps);
		goto out;
	}
	rc = finish(&ps);
out:
	archive_read_free(a);
	return rc;
}

char *sources_upstream_version(const char *debver)
{
	const char *colon = strchr(debver, ':');
	const char *up = colon ? colon + 1 : debver;
	const char *dash = strrchr(up, '-');
	return dash ? xstrndup(up, (size_t)(dash - up)) : xstrdup(up);
}

int sources_is_upstream_tarball(const char *package, const char *debver, const char *name)
{
	const char *colon = strchr(debver, ':');
	const char *v = colon ? colon + 1 : debver;
	int native = strrchr(v, '-') == NULL;
	char *up = sources_upstream_version(debver);
	char *prefix = xasprintf("%s_%s.%s", package, up, native ? "tar." : "orig.tar.");
	/* exactly one compression extension after .tar. (gz, xz, bz2, zst):
	 * so not the .asc signature */
	int hit = str_starts(name, prefix) && name[strlen(prefix)] &&
		  !strchr(name + strlen(prefix), '.');
	free(prefix);
	free(up);
	return hit;
}
