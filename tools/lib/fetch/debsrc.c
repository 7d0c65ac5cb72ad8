/* debsrc.c - see debsrc.h. Why this way (tools/doc/fetch.md): the machines
 * reach Debian's archives only, through whatever the host's apt is set up
 * with; so the archive URIs, keys and proxies all come from the host's apt
 * configuration, and apt itself fetches and verifies the signed indices. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "debsrc.h"
#include "proc.h"
#include "sources.h"

/* experimental and forky (testing) first: `krill outdated` looks for
 * newer versions there, and a file pinned from testing stays findable
 * after unstable moved on. */
static const char *const src_suites = "experimental sid forky trixie bookworm";
static const char *const sec_suites = "trixie-security bookworm-security";

void debsrc_hosts_free(struct debsrc_hosts *h)
{
	sl_free(&h->main);
	sl_free(&h->security);
	free(h->signed_by);
	memset(h, 0, sizeof *h);
}

/* ---- the host's apt configuration ---- */

/* Debian's codenames and aliases; a suite is Debian's when its part before
 * '-' or '/' is one of them (bookworm-updates, bookworm/updates, ...). */
static int debian_suite(const char *suite, int *security)
{
	static const char *const names[] = {"sid",	 "unstable",	 "testing",	 "stable",
					    "oldstable", "oldoldstable", "experimental", "buster",
					    "bullseye",	 "bookworm",	 "trixie",	 "forky",
					    "duke",	 "stretch",	 "jessie"};
	size_t n = strcspn(suite, "-/");
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (strlen(names[i]) == n && !strncmp(suite, names[i], n)) {
			*security = str_ends(suite, "-security") || str_ends(suite, "/updates");
			return 1;
		}
	return 0;
}

/* One entry of either format: types, URIs, suites, signed-by. */
struct entry {
	struct strlist types, uris, suites;
	char *signed_by;
};

static void entry_free(struct entry *e)
{
	sl_free(&e->types);
	sl_free(&e->uris);
	sl_free(&e->suites);
	free(e->signed_by);
	memset(e, 0, sizeof *e);
}

static void entry_add(struct debsrc_hosts *h, const struct entry *e)
{
	if (!sl_has(&e->types, "deb") && !sl_has(&e->types, "deb-src"))
		return;
	int is_debian = 0, is_sec = 0;
	for (size_t i = 0; i < e->suites.n; i++) {
		int sec = 0;
		if (debian_suite(e->suites.v[i], &sec)) {
			is_debian = 1;
			is_sec |= sec;
		}
	}
	if (!is_debian)
		return;
	for (size_t i = 0; i < e->uris.n; i++) {
		char *u = xstrdup(e->uris.v[i]);
		size_t n = strlen(u);
		while (n > 1 && u[n - 1] == '/')
			u[--n] = 0;
		struct strlist *l = is_sec ? &h->security : &h->main;
		if (!sl_has(l, u))
			sl_push(l, u);
		free(u);
	}
	if (!h->signed_by && e->signed_by)
		h->signed_by = xstrdup(e->signed_by);
}

/* "deb [opt=v ...] URI SUITE COMPONENT..." */
static void parse_line(struct debsrc_hosts *h, char *line)
{
	char *hash = strchr(line, '#');
	if (hash)
		*hash = 0;
	struct entry e = {0};
	char *opts = strchr(line, '['), *end = opts ? strchr(opts, ']') : NULL;
	if (opts && end) {
		char *o = xstrndup(opts + 1, (size_t)(end - opts - 1));
		struct strlist ol = STRLIST_INIT;
		sl_split(&ol, o, " \t");
		for (size_t i = 0; i < ol.n; i++)
			if (str_starts(ol.v[i], "signed-by="))
				e.signed_by = xstrdup(ol.v[i] + 10);
		sl_free(&ol);
		free(o);
		memmove(opts, end + 1, strlen(end + 1) + 1);
	}
	struct strlist w = STRLIST_INIT;
	sl_split(&w, line, " \t");
	if (w.n >= 3) {
		sl_push(&e.types, w.v[0]);
		sl_push(&e.uris, w.v[1]);
		sl_push(&e.suites, w.v[2]);
		entry_add(h, &e);
	}
	sl_free(&w);
	entry_free(&e);
}

static void parse_oneline(struct debsrc_hosts *h, char *text)
{
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save))
		parse_line(h, l);
}

/* deb822 field "Name: value" with continuation lines kept (Signed-By may
 * hold a whole key block). */
static void deb822_field(struct entry *e, int *enabled, const char *name, const char *val)
{
	if (!strcasecmp(name, "Types"))
		sl_split(&e->types, val, " \t\n");
	else if (!strcasecmp(name, "URIs"))
		sl_split(&e->uris, val, " \t\n");
	else if (!strcasecmp(name, "Suites"))
		sl_split(&e->suites, val, " \t\n");
	else if (!strcasecmp(name, "Signed-By"))
		e->signed_by = xstrdup(val);
	else if (!strcasecmp(name, "Enabled"))
		*enabled = strcasecmp(val, "no") != 0;
}

static void parse_deb822(struct debsrc_hosts *h, const char *text)
{
	struct entry e = {0};
	int enabled = 1;
	struct sb name = SB_INIT, val = SB_INIT;
	for (const char *p = text;;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		int blank = strspn(p, " \t") >= n;
		int cont = n && (p[0] == ' ' || p[0] == '\t') && !blank;
		if (!cont && name.len) { /* the previous field ends here */
			deb822_field(&e, &enabled, sb_str(&name), sb_str(&val));
			sb_reset(&name);
			sb_reset(&val);
		}
		if (blank) { /* a paragraph ends */
			if (enabled)
				entry_add(h, &e);
			entry_free(&e);
			enabled = 1;
		} else if (cont) {
			sb_addc(&val, '\n');
			sb_add(&val, p, n);
		} else if (p[0] != '#') {
			const char *colon = memchr(p, ':', n);
			if (colon) {
				sb_add(&name, p, (size_t)(colon - p));
				const char *v = colon + 1 + strspn(colon + 1, " \t");
				sb_add(&val, v, n - (size_t)(v - p));
			}
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	if (enabled)
		entry_add(h, &e);
	entry_free(&e);
	sb_free(&name);
	sb_free(&val);
}

static void read_one(struct debsrc_hosts *h, const char *path)
{
	char *text;
	if (read_file(path, &text, NULL) < 0)
		return; /* a missing sources.list is normal */
	if (str_ends(path, ".sources"))
		parse_deb822(h, text);
	else
		parse_oneline(h, text);
	free(text);
}

int debsrc_read_host(const char *etc, struct debsrc_hosts *out)
{
	memset(out, 0, sizeof *out);
	if (!etc)
		etc = "/etc/apt";
	char *p = path_join(etc, "sources.list");
	read_one(out, p);
	free(p);
	char *d = path_join(etc, "sources.list.d");
	struct strlist names = STRLIST_INIT;
	if (is_dir(d) && list_dir(d, &names) == 0)
		for (size_t i = 0; i < names.n; i++)
			if (str_ends(names.v[i], ".list") || str_ends(names.v[i], ".sources")) {
				p = path_join(d, names.v[i]);
				read_one(out, p);
				free(p);
			}
	sl_free(&names);
	free(d);
	/* No security entry: Debian's layout puts it beside the main archive. */
	for (size_t i = 0; !out->security.n && i < out->main.n; i++)
		if (str_ends(out->main.v[i], "/debian"))
			sl_push_own(&out->security, xasprintf("%s-security", out->main.v[i]));
	if (!out->main.n) {
		kr_err("%s: no Debian archive (a deb or deb-src entry with a Debian suite) in "
		       "sources.list or sources.list.d/",
		       etc);
		debsrc_hosts_free(out);
		return -1;
	}
	return 0;
}

static void stanza(struct sb *b, const struct strlist *uris, const char *suites,
		   const char *signed_by)
{
	char *u = sl_join(uris, " ");
	sb_printf(b, "Types: deb-src\nURIs: %s\nSuites: %s\nComponents: main\n", u, suites);
	if (signed_by)
		sb_printf(b, "Signed-By: %s\n", signed_by);
	sb_addc(b, '\n');
	free(u);
}

char *debsrc_sources_list(const struct debsrc_hosts *h)
{
	struct sb b = SB_INIT;
	sb_adds(&b,
		"# Written by krill from the host's apt configuration; see tools/doc/fetch.md\n\n");
	stanza(&b, &h->main, src_suites, h->signed_by);
	if (h->security.n)
		stanza(&b, &h->security, sec_suites, h->signed_by);
	return sb_steal(&b);
}

/* ---- the index: sorted "SHA256 SIZE URL" lines, one per file and place ---- */

/* Each file of a paragraph, at its place in the archive (sources.c reads
 * and checks the paragraphs). */
struct index_add {
	const char *base;
	struct strlist *out;
};

static int index_para(const struct sources_para *p, void *arg)
{
	struct index_add *ia = arg;
	for (size_t i = 0; i < p->nfiles; i++)
		sl_push_own(ia->out, xasprintf("%s %llu %s/%s/%s", p->files[i].sha256,
					       (unsigned long long)p->files[i].size, ia->base,
					       p->directory, p->files[i].name));
	return 0;
}

static int read_sources(const char *path, const char *base, struct strlist *out)
{
	struct index_add ia = {base, out};
	return sources_read_file(path, index_para, &ia);
}

/* apt's list file name prefix for an archive URI (URItoFileName). */
static char *list_prefix(const char *uri)
{
	const char *p = strstr(uri, "://");
	p = p ? p + 3 : uri;
	const char *at = strchr(p, '@'), *slash = strchr(p, '/');
	if (at && (!slash || at < slash))
		p = at + 1;
	char *s = xasprintf("%s_dists_", p);
	for (char *c = s; *c; c++)
		if (*c == '/')
			*c = '_';
	return s;
}

static int is_sources_list(const char *name)
{
	const char *s = strstr(name, "_source_Sources");
	return s && (!s[15] || s[15] == '.') && !str_ends(name, ".diff") &&
	       !strstr(name, "IndexDiff");
}

/* Sort, drop repeated lines, write atomically. A file can have several
 * URLs: a security upload's .dsc names the orig tarball of the version in
 * the main archive, which the security archive does not carry (seen: 404
 * for libzstd_1.5.7+dfsg.orig.tar.xz there), so every place is kept and
 * the fetcher tries each. The same place named by several Sources
 * paragraphs (versions -1, -3, -4 of one orig) is one line. */
static int write_index(struct strlist *lines, const char *index_path)
{
	sl_sort(lines);
	struct sb b = SB_INIT;
	const char *prev = NULL;
	for (size_t i = 0; i < lines->n; i++) {
		if (prev && !strcmp(prev, lines->v[i]))
			continue;
		prev = lines->v[i];
		sb_adds(&b, prev);
		sb_addc(&b, '\n');
	}
	int rc = write_file_atomic(index_path, sb_str(&b), b.len, 0644);
	sb_free(&b);
	return rc;
}

int debsrc_build_index(const struct strlist *uris, const char *lists_dir, const char *index_path)
{
	struct strlist names = STRLIST_INIT, lines = STRLIST_INIT;
	int rc = list_dir(lists_dir, &names), used = 0;
	for (size_t u = 0; rc == 0 && u < uris->n; u++) {
		char *prefix = list_prefix(uris->v[u]);
		for (size_t i = 0; rc == 0 && i < names.n; i++) {
			if (!str_starts(names.v[i], prefix) || !is_sources_list(names.v[i]))
				continue;
			char *p = path_join(lists_dir, names.v[i]);
			rc = read_sources(p, uris->v[u], &lines);
			used++;
			free(p);
		}
		free(prefix);
	}
	if (rc == 0 && !used) {
		kr_err("%s: no Sources index of the Debian archive (apt-get update fetched none)",
		       lists_dir);
		rc = -1;
	}
	if (rc == 0)
		rc = write_index(&lines, index_path);
	sl_free(&names);
	sl_free(&lines);
	return rc;
}

void debsrc_lists_free(struct debsrc_list *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(l[i].path);
		free(l[i].uri);
		free(l[i].suite);
	}
	free(l);
}

/* The Sources files of uris in lists_dir, in the order of uris and of
 * names; the suite is the part of the name before _main_source_Sources. */
static void lists_of(const struct strlist *uris, const char *lists_dir, const struct strlist *names,
		     struct debsrc_list **out, size_t *n)
{
	for (size_t u = 0; u < uris->n; u++) {
		char *prefix = list_prefix(uris->v[u]);
		for (size_t i = 0; i < names->n; i++) {
			const char *nm = names->v[i], *end;
			if (!str_starts(nm, prefix) || !is_sources_list(nm) ||
			    !(end = strstr(nm, "_main_source_Sources")))
				continue;
			*out = xrealloc(*out, (*n + 1) * sizeof **out);
			struct debsrc_list *l = &(*out)[(*n)++];
			l->path = path_join(lists_dir, nm);
			l->uri = xstrdup(uris->v[u]);
			size_t plen = strlen(prefix);
			l->suite = xstrndup(nm + plen,
					    end > nm + plen ? (size_t)(end - nm - plen) : 0);
		}
		free(prefix);
	}
}

int debsrc_lists(const char *cache_dir, const char *etc, struct debsrc_list **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct debsrc_hosts h;
	if (debsrc_read_host(etc, &h) < 0)
		return -1;
	char *lists = xasprintf("%s/apt/state/lists", cache_dir);
	struct strlist names = STRLIST_INIT;
	int rc = list_dir(lists, &names);
	if (rc == 0) {
		lists_of(&h.main, lists, &names, out, n);
		lists_of(&h.security, lists, &names, out, n);
		if (!*n) {
			kr_err("%s: no Sources index of the Debian archive (apt-get update fetched "
			       "none)",
			       lists);
			rc = -1;
		}
	}
	sl_free(&names);
	free(lists);
	debsrc_hosts_free(&h);
	return rc;
}

/* Binary search over the sorted lines of a mapped index. */
static const char *bsearch_line(const char *d, size_t len, const char *key)
{
	size_t lo = 0, hi = len;
	while (lo < hi) {
		size_t p = lo + (hi - lo) / 2;
		while (p > lo && d[p - 1] != '\n')
			p--;
		const char *nl = memchr(d + p, '\n', len - p);
		size_t end = nl ? (size_t)(nl - d) : len;
		if (end - p < SHA256_HEX_LEN)
			return NULL; /* not an index line: damaged file */
		int c = memcmp(d + p, key, SHA256_HEX_LEN);
		if (!c)
			return d + p;
		if (c < 0)
			lo = end + 1;
		else
			hi = p;
	}
	return NULL;
}

int debsrc_index_lookup(const char *index_path, const char *sha256, struct strlist *urls,
			uint64_t *size)
{
	int fd = open(index_path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		kr_err("%s: cannot open: %s", index_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!st.st_size) {
		close(fd);
		return 0;
	}
	size_t len = (size_t)st.st_size;
	const char *d = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (d == MAP_FAILED) {
		kr_err("%s: cannot map: %s", index_path, strerror(errno));
		return -1;
	}
	const char *l = bsearch_line(d, len, sha256), *end = d + len;
	int found = 0;
	/* the search lands on any line of the hash: back to its first one */
	while (l && l > d) {
		const char *p = l - 1;
		while (p > d && p[-1] != '\n')
			p--;
		if (l - p <= SHA256_HEX_LEN || memcmp(p, sha256, SHA256_HEX_LEN))
			break;
		l = p;
	}
	while (l && end - l > SHA256_HEX_LEN && !memcmp(l, sha256, SHA256_HEX_LEN)) {
		const char *nl = memchr(l, '\n', (size_t)(end - l));
		char *line = xstrndup(l, nl ? (size_t)(nl - l) : (size_t)(end - l));
		char *sp = strchr(line + SHA256_HEX_LEN + 1, ' ');
		if (sp) {
			*size = strtoull(line + SHA256_HEX_LEN + 1, NULL, 10);
			sl_push(urls, sp + 1);
			found++;
		}
		free(line);
		l = nl ? nl + 1 : end;
	}
	munmap((void *)d, len);
	return found;
}

/* ---- the private apt state ---- */

static void apt_dir_opts(struct strlist *argv, const char *apt)
{
	sl_push_own(argv, xasprintf("-oDir::State=%s/state", apt));
	sl_push_own(argv, xasprintf("-oDir::Cache=%s/cache", apt));
	sl_push_own(argv, xasprintf("-oDir::Etc::SourceList=%s/etc/sources.list", apt));
	sl_push_own(argv, xasprintf("-oDir::Etc::SourceParts=%s/etc/sources.list.d", apt));
	sl_push(argv, "-oDir::Cache::pkgcache=");
	sl_push(argv, "-oDir::Cache::srcpkgcache=");
	sl_push(argv, "-oAcquire::Languages=none");
	/* as root apt hands downloads to user _apt, who cannot enter a cache
	 * below /root; the files are verified by hash anyway */
	if (geteuid() == 0)
		sl_push(argv, "-oAPT::Sandbox::User=root");
}

/* Run argv; on failure kr_err with the last lines of its output. The
 * output is appended to *keep when keep is not NULL. */
static int run_tool_out(struct strlist *argv, const char *what, struct sb *keep)
{
	sl_push_own(argv, NULL);
	struct sb out = SB_INIT;
	int st = proc_run(argv->v, NULL, &out);
	if (keep)
		sb_add(keep, sb_str(&out), out.len);
	argv->n--;
	if (st > 0) {
		const char *s = sb_str(&out);
		size_t n = out.len;
		while (n && s[n - 1] == '\n')
			n--;
		size_t start = n > 600 ? n - 600 : 0;
		kr_err("%s failed (exit %d): %.*s", what, st, (int)(n - start), s + start);
	}
	sb_free(&out);
	return st == 0 ? 0 : -1;
}

static int run_tool(struct strlist *argv, const char *what)
{
	return run_tool_out(argv, what, NULL);
}

static int write_private_sources(const char *apt, const struct debsrc_hosts *h)
{
	char *d = xasprintf("%s/etc/sources.list.d", apt);
	char *f = xasprintf("%s/krill.sources", d);
	char *empty = xasprintf("%s/etc/sources.list", apt);
	char *text = debsrc_sources_list(h);
	int rc = mkdir_p(d, 0755) < 0 || write_file_atomic(f, text, strlen(text), 0644) < 0 ||
				 write_file_atomic(empty, "", 0, 0644) < 0
			 ? -1
			 : 0;
	free(text);
	free(empty);
	free(f);
	free(d);
	return rc;
}

static int apt_update(const char *apt, const struct debsrc_hosts *h, struct sb *out)
{
	char *lists = xasprintf("%s/state/lists/partial", apt);
	char *arch = xasprintf("%s/cache/archives/partial", apt);
	int rc = mkdir_p(lists, 0755) < 0 || mkdir_p(arch, 0755) < 0 ? -1 : 0;
	free(lists);
	free(arch);
	if (rc < 0 || write_private_sources(apt, h) < 0)
		return -1;
	struct strlist argv = STRLIST_INIT;
	sl_push(&argv, "apt-get");
	apt_dir_opts(&argv, apt);
	sl_push(&argv, "-q");
	sl_push(&argv, "update");
	rc = run_tool_out(&argv, "apt-get update (private state in CACHE_DIR/apt)", out);
	sl_free(&argv);
	return rc;
}

/* ---- suites apt refused ---- */

/* Does an apt output line speak of SUITE of archive URI? apt names a suite
 * "URI SUITE InRelease" or "URI/dists/SUITE/InRelease". */
static int line_names(const char *l, size_t n, const char *uri, const char *suite)
{
	char *a = xasprintf("%s/dists/%s/", uri, suite), *b = xasprintf("%s %s ", uri, suite);
	char *line = xstrndup(l, n);
	int hit = strstr(line, a) || strstr(line, b);
	free(line);
	free(a);
	free(b);
	return hit;
}

/* Is this apt line a refusal? E: and Err: lines are; of the W: lines only
 * those about signatures and failed downloads (not e.g. the notice about
 * a key in the legacy keyring, after which the index is still used). */
static int refusal(const char *l, size_t n)
{
	if ((n > 3 && !strncmp(l, "E: ", 3)) || (n > 4 && !strncmp(l, "Err:", 4)))
		return 1;
	if (n < 3 || strncmp(l, "W: ", 3))
		return 0;
	static const char *const words[] = {"GPG error", "not signed", "Failed to fetch", "expired",
					    "NO_PUBKEY"};
	char *line = xstrndup(l, n);
	int hit = 0;
	for (size_t i = 0; !hit && i < ARRAY_LEN(words); i++)
		hit = strstr(line, words[i]) != NULL;
	free(line);
	return hit;
}

/* apt's reasons for refusing suite of uri, "; "-joined (NULL if none). */
static char *refusal_reason(const char *out, const char *uri, const char *suite)
{
	struct sb r = SB_INIT;
	for (const char *l = out; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		if (refusal(l, n) && line_names(l, n, uri, suite)) {
			const char *text = l;
			size_t tn = n;
			if (!strncmp(l, "Err:", 4) && nl && (nl[1] == ' ' || nl[1] == '\t')) {
				/* "Err:3 URI SUITE InRelease" then "  404  Not Found [IP...]" */
				text = nl + 1 + strspn(nl + 1, " \t");
				const char *e = strchr(text, '\n');
				tn = e ? (size_t)(e - text) : strlen(text);
			} else if (!strncmp(l, "E: ", 3) || !strncmp(l, "W: ", 3)) {
				text += 3;
				tn -= 3;
			}
			if (tn > 300)
				tn = 300;
			if (r.len)
				sb_adds(&r, "; ");
			sb_add(&r, text, tn);
		}
		l = nl ? nl + 1 : NULL;
	}
	return r.len ? sb_steal(&r) : (sb_free(&r), NULL);
}

/* Is there a Sources index of suite of uri in lists_dir? */
static int have_sources(const struct strlist *names, const char *uri, const char *suite)
{
	char *prefix = list_prefix(uri);
	char *s = xasprintf("%s%s_", prefix, suite);
	for (char *c = s + strlen(prefix); *c; c++)
		if (*c == '/')
			*c = '_';
	int found = 0;
	for (size_t i = 0; !found && i < names->n; i++)
		found = str_starts(names->v[i], s) && is_sources_list(names->v[i]);
	free(s);
	free(prefix);
	return found;
}

static void check_archive(const struct strlist *uris, const char *suites, const char *apt_out,
			  const struct strlist *names, struct strlist *refused)
{
	struct strlist sl = STRLIST_INIT;
	sl_split(&sl, suites, " ");
	for (size_t u = 0; u < uris->n; u++)
		for (size_t i = 0; i < sl.n; i++) {
			char *why = refusal_reason(apt_out, uris->v[u], sl.v[i]);
			int have = have_sources(names, uris->v[u], sl.v[i]);
			if (why || !have)
				sl_push_own(refused,
					    xasprintf("%s (%s): %s%s", sl.v[i], uris->v[u],
						      why ? why
							  : "apt-get update fetched no Sources "
							    "index for it",
						      !have ? ""
							    : " [using its index from an earlier "
							      "update]"));
			free(why);
		}
	sl_free(&sl);
}

int debsrc_check_suites(const struct debsrc_hosts *h, const char *apt_out, const char *lists_dir,
			struct strlist *refused)
{
	struct strlist names = STRLIST_INIT;
	if (is_dir(lists_dir) && list_dir(lists_dir, &names) < 0)
		return -1;
	check_archive(&h->main, src_suites, apt_out ? apt_out : "", &names, refused);
	check_archive(&h->security, sec_suites, apt_out ? apt_out : "", &names, refused);
	sl_free(&names);
	return 0;
}

/* CACHE_DIR/apt/refused: the refused suites of the last update, one a
 * line, so that a later "not found" (the index is reused for a day) still
 * names them. Absent when every suite arrived. */
static int save_refused(const char *apt, const struct strlist *refused)
{
	char *p = xasprintf("%s/refused", apt);
	int rc = 0;
	if (!refused->n) {
		if (unlink(p) < 0 && errno != ENOENT)
			rc = -1;
	} else {
		char *text = sl_join(refused, "\n");
		char *t = xasprintf("%s\n", text);
		rc = write_file_atomic(p, t, strlen(t), 0644);
		free(t);
		free(text);
	}
	free(p);
	return rc;
}

char *debsrc_refused_note(const char *cache_dir)
{
	char *p = xasprintf("%s/apt/refused", cache_dir), *data = NULL;
	size_t len = 0;
	int rc = read_file(p, &data, &len);
	free(p);
	if (rc < 0 || !len) {
		free(data);
		return NULL;
	}
	struct strlist l = STRLIST_INIT;
	sl_split(&l, data, "\n");
	free(data);
	struct sb b = SB_INIT;
	sb_adds(&b, "not searched: Debian suites apt refused at the last index update:");
	for (size_t i = 0; i < l.n && i < 16; i++)
		sb_printf(&b, "\n    %.400s", l.v[i]);
	sl_free(&l);
	return sb_steal(&b);
}

/* Say it loudly: a refused suite's files will be reported "not found". */
static void warn_refused(const struct strlist *refused)
{
	for (size_t i = 0; i < refused->n; i++)
		fprintf(stderr, "krill: WARNING: Debian suite refused by apt: %s\n", refused->v[i]);
	if (refused->n)
		fprintf(stderr,
			"krill: WARNING: sources found only in %s will be reported as not found. "
			"Fix the host's apt setup (an expired Release: check the clock with `date` "
			"or wait for the archive to be refreshed; a bad signature: the archive "
			"keys), then `krill fetch --update-debian-index`.\n",
			refused->n == 1 ? "that suite" : "those suites");
}

static int index_fresh(const char *index)
{
	struct stat st;
	return stat(index, &st) == 0 && time(NULL) - st.st_mtime < 24 * 3600;
}

static int update_locked(const char *apt, const char *etc, const char *index, int force)
{
	if (!force && index_fresh(index))
		return 0; /* another process refreshed it while we waited */
	struct debsrc_hosts h;
	if (debsrc_read_host(etc, &h) < 0)
		return -1;
	struct sb out = SB_INIT;
	int rc = apt_update(apt, &h, &out);
	char *lists = xasprintf("%s/state/lists", apt);
	/* apt fails as a whole if one suite fails; use what did arrive, and
	 * name every suite that did not, and why */
	const char *why = rc < 0 ? xstrdup(kr_errmsg()) : NULL;
	struct strlist refused = STRLIST_INIT;
	if (debsrc_check_suites(&h, sb_str(&out), lists, &refused) == 0) {
		warn_refused(&refused);
		save_refused(apt, &refused);
	}
	sl_free(&refused);
	sb_free(&out);
	struct strlist all = STRLIST_INIT;
	for (size_t i = 0; i < h.main.n; i++)
		sl_push(&all, h.main.v[i]);
	for (size_t i = 0; i < h.security.n; i++)
		sl_push(&all, h.security.v[i]);
	rc = debsrc_build_index(&all, lists, index);
	if (rc < 0 && why)
		kr_err("%s", why);
	free((char *)why);
	sl_free(&all);
	free(lists);
	debsrc_hosts_free(&h);
	return rc;
}

int debsrc_update(const char *cache_dir, const char *etc, int force)
{
	char *apt = xasprintf("%s/apt", cache_dir);
	char *index = xasprintf("%s/sha256.index", apt);
	char *lock = xasprintf("%s/lock", apt);
	int rc = 0;
	if (force || !index_fresh(index)) {
		int fd = mkdir_p(apt, 0755) < 0 ? -1
						: open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		/* one updater at a time; apt would refuse a second one anyway */
		if (fd < 0 || flock(fd, LOCK_EX) < 0) {
			kr_err("%s: cannot lock: %s", lock, strerror(errno));
			rc = -1;
		} else {
			rc = update_locked(apt, etc, index, force);
		}
		if (fd >= 0)
			close(fd);
	}
	free(lock);
	free(index);
	free(apt);
	return rc;
}

int debsrc_find(const char *cache_dir, const char *etc, const char *sha256, struct strlist *urls,
		uint64_t *size)
{
	static int checked;
	char *index = xasprintf("%s/apt/sha256.index", cache_dir);
	/* a failed refresh still leaves a stale index usable */
	int first = !checked;
	checked = 1;
	if (first && debsrc_update(cache_dir, etc, 0) < 0 && !path_exists(index)) {
		free(index);
		return -1;
	}
	if (!path_exists(index)) {
		kr_err("%s: missing (the Debian index update failed earlier)", index);
		free(index);
		return -1;
	}
	int rc = debsrc_index_lookup(index, sha256, urls, size);
	free(index);
	return rc;
}

int debsrc_download(const char *url, const char *sha256, const char *dest)
{
	struct strlist argv = STRLIST_INIT;
	sl_push(&argv, "/usr/lib/apt/apt-helper");
	if (geteuid() == 0)
		sl_push(&argv, "-oAPT::Sandbox::User=root");
	sl_push(&argv, "download-file");
	sl_push(&argv, url);
	sl_push(&argv, dest);
	sl_push_own(&argv, xasprintf("SHA256:%s", sha256));
	char *what = xasprintf("%s: apt-helper download-file", url);
	int rc = run_tool(&argv, what);
	free(what);
	sl_free(&argv);
	char *failed = xasprintf("%s.FAILED", dest);
	unlink(failed);
	free(failed);
	return rc;
}
