/* outdated.c - see outdated.h. */
#include "outdated.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debsrc.h"
#include "dep.h"
#include "fetch.h"
#include "probe.h"
#include "recipeedit.h"
#include "sources.h"
#include "version.h"

const char *od_kind_name(enum od_kind k)
{
	static const char *const n[] = {"release", "pre-release", "snapshot", "invalid"};
	return n[k];
}

const char *od_status_name(enum od_status s)
{
	static const char *const n[] = {"no source", "unknown", "current",
					"ahead",     "newer",	"newer not served"};
	return n[s];
}

static void file_free(struct od_file *f)
{
	free(f->package);
	free(f->debver);
	free(f->upstream);
	free(f->name);
	sl_free(&f->urls);
	sl_free(&f->suites);
	free(f->why);
	free(f->from);
	memset(f, 0, sizeof *f);
}

void od_report_free(struct od_report *rep)
{
	for (size_t i = 0; i < rep->n; i++) {
		struct od_port *p = &rep->ports[i];
		free(p->pin_name);
		free(p->package);
		file_free(&p->pin);
		for (size_t j = 0; j < p->ncands; j++)
			file_free(&p->cands[j]);
		free(p->cands);
	}
	free(rep->ports);
	sl_free(&rep->indices);
	memset(rep, 0, sizeof *rep);
}

/* ---- versions ---- */

/* Remove each "<sep>MARK[digits]" (sep one of seps) from s in place. */
static void drop_mark(char *s, const char *mark, const char *seps)
{
	size_t ml = strlen(mark);
	for (size_t i = 0; s[i];) {
		char *e = s + i + 1 + ml;
		if (strchr(seps, s[i]) && !strncmp(s + i + 1, mark, ml)) {
			while (isdigit((unsigned char)*e))
				e++;
			if (!*e || strchr("+~.", *e)) { /* "+dsfoo" is not the mark */
				memmove(s + i, e, strlen(e) + 1);
				continue;
			}
		}
		i++;
	}
}

char *outdated_upstream(const char *debver)
{
	char *up = sources_upstream_version(debver);
	char *really = strstr(up, "really");
	if (really && really > up && strchr("+~", really[-1]) &&
	    isdigit((unsigned char)really[6])) {
		char *v = xstrdup(really + 6);
		free(up);
		up = v;
	}
	drop_mark(up, "dfsg", "+~.");
	drop_mark(up, "ds", "+~");
	drop_mark(up, "repack", "+~");
	return up;
}

static int has_date_run(const char *s)
{
	for (size_t run = 0; *s; s++) {
		run = isdigit((unsigned char)*s) ? run + 1 : 0;
		if (run >= 8)
			return 1;
	}
	return 0;
}

enum od_kind outdated_kind(const char *upstream, const char *pinned)
{
	if (!valid_version(upstream))
		return OD_INVALID;
	static const char *const words[] = {"git", "svn", "bzr", "hg", "cvs", "snapshot"};
	for (size_t i = 0; i < ARRAY_LEN(words); i++)
		if (strcasestr(upstream, words[i]) && !strcasestr(pinned, words[i]))
			return OD_SNAPSHOT;
	if (has_date_run(upstream) && !has_date_run(pinned))
		return OD_SNAPSHOT;
	if (strchr(upstream, '~'))
		return OD_PRE;
	return OD_RELEASE;
}

/* ---- which Debian package ---- */

/* PKG of "PKG_VERSION.orig.tar.EXT" / "PKG_VERSION.tar.EXT", or NULL. */
static char *package_of_file(const char *name)
{
	const char *us = strchr(name, '_');
	if (!us || !strstr(us, ".tar."))
		return NULL;
	char *p = xstrndup(name, (size_t)(us - name));
	if (!valid_pkgname(p)) {
		free(p);
		return NULL;
	}
	return p;
}

/* "gcc" of a versioned package "gcc-16" whose number begins version. */
static char *family_stem(const char *package, const char *version)
{
	const char *d = strrchr(package, '-');
	if (!d || d == package || !d[1] || strspn(d + 1, "0123456789") != strlen(d + 1))
		return NULL;
	size_t nl = strlen(d + 1);
	if (strncmp(version, d + 1, nl) || (version[nl] && version[nl] != '.'))
		return NULL;
	return xstrndup(package, (size_t)(d - package));
}

static int in_family(const char *package, const char *stem)
{
	size_t n = strlen(stem);
	return !strncmp(package, stem, n) && package[n] == '-' && package[n + 1] &&
	       strspn(package + n + 1, "0123456789") == strlen(package + n + 1);
}

struct want {
	struct strlist names, stems, pins; /* pins: sha256 of each port's pin */
};

static int wanted(const struct want *w, const char *package)
{
	if (sl_has(&w->names, package))
		return 1;
	for (size_t i = 0; i < w->stems.n; i++)
		if (in_family(package, w->stems.v[i]))
			return 1;
	return 0;
}

/* ---- the scan ---- */

struct scan {
	const struct want *w;
	const char *uri, *suite;
	struct od_file *files; /* upstream tarballs of wanted packages, and pins */
	size_t n, cap;
};

static struct od_file *find_file(struct scan *sc, const char *sha, const char *package)
{
	for (size_t i = 0; i < sc->n; i++)
		if (!strcmp(sc->files[i].sha256, sha) && !strcmp(sc->files[i].package, package))
			return &sc->files[i];
	return NULL;
}

static void add_place(struct scan *sc, const struct sources_para *p, const struct sources_file *f)
{
	struct od_file *o = find_file(sc, f->sha256, p->package);
	if (!o) {
		if (sc->n == sc->cap) {
			sc->cap = sc->cap ? 2 * sc->cap : 64;
			sc->files = xrealloc(sc->files, sc->cap * sizeof *sc->files);
		}
		o = &sc->files[sc->n++];
		memset(o, 0, sizeof *o);
		o->package = xstrdup(p->package);
		o->debver = xstrdup(p->version);
		o->upstream = outdated_upstream(p->version);
		o->name = xstrdup(f->name);
		memcpy(o->sha256, f->sha256, sizeof o->sha256);
		o->size = f->size;
		o->served = -2;
	}
	char *url = xasprintf("%s/%s/%s", sc->uri, p->directory, f->name);
	if (!sl_has(&o->urls, url))
		sl_push(&o->urls, url);
	free(url);
	if (!sl_has(&o->suites, sc->suite))
		sl_push(&o->suites, sc->suite);
}

static int scan_para(const struct sources_para *p, void *arg)
{
	struct scan *sc = arg;
	int want = wanted(sc->w, p->package);
	for (size_t i = 0; i < p->nfiles; i++) {
		const struct sources_file *f = &p->files[i];
		if ((want && sources_is_upstream_tarball(p->package, p->version, f->name)) ||
		    sl_has(&sc->w->pins, f->sha256))
			add_place(sc, p, f);
	}
	return 0;
}

static int cmp_newest(const void *a, const void *b)
{
	const struct od_file *x = a, *y = b;
	int c = version_cmp(y->upstream, x->upstream);
	return c ? c : strcmp(x->sha256, y->sha256);
}

static void copy_file_entry(struct od_file *dst, const struct od_file *src)
{
	*dst = *src;
	dst->package = xstrdup(src->package);
	dst->debver = xstrdup(src->debver);
	dst->upstream = xstrdup(src->upstream);
	dst->name = xstrdup(src->name);
	dst->urls = (struct strlist)STRLIST_INIT;
	dst->suites = (struct strlist)STRLIST_INIT;
	for (size_t i = 0; i < src->urls.n; i++)
		sl_push(&dst->urls, src->urls.v[i]);
	for (size_t i = 0; i < src->suites.n; i++)
		sl_push(&dst->suites, src->suites.v[i]);
	dst->why = dst->from = NULL;
}

/* The port's hints: the package of a debian: url, of a PKG_VER.tar file
 * name, and the port's own name. */
static void hints(const struct od_port *p, struct strlist *h, struct strlist *how)
{
	const struct source *s = &p->r->sources[p->source];
	if (str_starts(s->url.s, "debian:")) {
		const char *sl = strchr(s->url.s + 7, '/');
		if (sl) {
			sl_push_own(h, xstrndup(s->url.s + 7, (size_t)(sl - s->url.s - 7)));
			sl_push(how, "url");
		}
	}
	char *f = p->pin_name ? package_of_file(p->pin_name) : NULL;
	if (f) {
		sl_push_own(h, f);
		sl_push(how, "filename");
	}
	sl_push(h, p->r->name.s);
	sl_push(how, "name");
}

static int read_all(const struct strlist *paths, const struct strlist *uris,
		    const struct strlist *suites, struct scan *sc)
{
	for (size_t i = 0; i < paths->n; i++) {
		sc->uri = uris->v[i];
		sc->suite = suites->v[i];
		if (sources_read_file(paths->v[i], scan_para, sc) < 0)
			return -1;
	}
	return 0;
}

static void want_package(struct want *w, const char *pkg, const char *version)
{
	if (!sl_has(&w->names, pkg))
		sl_push(&w->names, pkg);
	char *stem = family_stem(pkg, version);
	if (stem && !sl_has(&w->stems, stem))
		sl_push(&w->stems, stem);
	free(stem);
}

/* The package: the one whose paragraph lists the pin, else the first hint
 * with tarballs in the indices. */
static void resolve(struct od_port *p, struct scan *sc)
{
	for (size_t i = 0; i < sc->n; i++)
		if (!strcmp(sc->files[i].sha256, p->r->sources[p->source].sha256)) {
			if (!p->pin_listed) {
				copy_file_entry(&p->pin, &sc->files[i]);
				p->pin_listed = 1;
				p->package = xstrdup(sc->files[i].package);
				p->how = "sha256";
			} else { /* listed by several packages: every place counts */
				for (size_t j = 0; j < sc->files[i].urls.n; j++)
					if (!sl_has(&p->pin.urls, sc->files[i].urls.v[j]))
						sl_push(&p->pin.urls, sc->files[i].urls.v[j]);
			}
		}
	if (p->package)
		return;
	struct strlist h = STRLIST_INIT, how = STRLIST_INIT;
	hints(p, &h, &how);
	static const char *const hows[] = {"url", "filename", "name"};
	for (size_t k = 0; !p->package && k < h.n; k++)
		for (size_t i = 0; i < sc->n; i++)
			if (!strcmp(sc->files[i].package, h.v[k])) {
				p->package = xstrdup(h.v[k]);
				for (size_t j = 0; j < ARRAY_LEN(hows); j++)
					if (!strcmp(how.v[k], hows[j]))
						p->how = hows[j];
				break;
			}
	sl_free(&h);
	sl_free(&how);
}

static void collect(struct od_port *p, struct scan *sc)
{
	if (!p->package)
		return;
	char *stem = family_stem(p->package, p->r->version.s);
	for (size_t i = 0; i < sc->n; i++) {
		const struct od_file *f = &sc->files[i];
		if (strcmp(f->package, p->package) && !(stem && in_family(f->package, stem)))
			continue;
		if (!sources_is_upstream_tarball(f->package, f->debver, f->name))
			continue;
		p->cands = xrealloc(p->cands, (p->ncands + 1) * sizeof *p->cands);
		copy_file_entry(&p->cands[p->ncands], f);
		p->cands[p->ncands].kind = outdated_kind(f->upstream, p->r->version.s);
		p->ncands++;
	}
	free(stem);
	if (p->ncands)
		qsort(p->cands, p->ncands, sizeof *p->cands, cmp_newest);
}

/* Ask each place until one serves the file. The answer kept for a file
 * served nowhere is the last place's; "could not tell" (-1) wins over
 * "not served" (0), since one unanswered place may still have it. why
 * names no host: the table is meant to be pasted into notes. */
static void ask(struct od_file *f)
{
	for (size_t i = 0; i < f->urls.n && f->served != 1; i++) {
		uint64_t size;
		char *why = NULL;
		int r = probe_url(f->urls.v[i], &size, &why);
		if (r == 1 && size != UINT64_MAX && size != f->size) {
			why = xasprintf("%llu bytes served, the index lists %llu",
					(unsigned long long)size, (unsigned long long)f->size);
			r = 0;
		} else if (r < 0) {
			why = xstrdup(kr_errmsg());
		}
		if (r == 1) {
			f->served = 1;
			free(f->why);
			f->why = NULL;
			f->from = xstrdup(f->urls.v[i]);
		} else if (f->served != -1) {
			f->served = r;
			free(f->why);
			f->why = f->urls.n > 1 ? xasprintf("%s (%zu places)", why, f->urls.n)
					       : xstrdup(why);
		}
		free(why);
	}
}

static int allowed(const struct od_opts *o, const struct od_file *f)
{
	return f->kind == OD_RELEASE || (o->pre && (f->kind == OD_PRE || f->kind == OD_SNAPSHOT));
}

static void judge(const struct od_opts *o, struct od_port *p)
{
	p->newest = p->served = -1;
	if (p->source < 0) {
		p->status = OD_NO_SOURCE;
		return;
	}
	if (o->probe && p->pin_listed)
		ask(&p->pin);
	for (size_t i = 0; i < p->ncands; i++)
		if (allowed(o, &p->cands[i])) {
			p->newest = (int)i;
			break;
		}
	if (!p->package || p->newest < 0) {
		p->status = OD_UNKNOWN;
		return;
	}
	const char *have = p->r->version.s;
	int c = version_cmp(p->cands[p->newest].upstream, have);
	if (c <= 0) {
		p->status = c ? OD_AHEAD : OD_CURRENT;
		return;
	}
	p->status = OD_NOT_SERVED;
	for (size_t i = (size_t)p->newest; o->probe && i < p->ncands; i++) {
		struct od_file *f = &p->cands[i];
		if (!allowed(o, f))
			continue;
		if (version_cmp(f->upstream, have) <= 0)
			break;
		ask(f);
		if (f->served == 1) {
			p->served = (int)i;
			p->status = OD_NEWER;
			break;
		}
	}
	if (!o->probe)
		p->status = OD_NEWER; /* listed; not asked */
}

/* The scan over Sources files paths (of archive uris, suites), in order. */
static int scan_lists(const struct od_opts *o, const struct strlist *paths,
		      const struct strlist *uris, const struct strlist *suites,
		      struct recipe *const *rs, size_t n, struct od_report *rep)
{
	memset(rep, 0, sizeof *rep);
	rep->ports = xcalloc(n ? n : 1, sizeof *rep->ports);
	rep->n = n;
	for (size_t i = 0; i < paths->n; i++)
		sl_push_own(&rep->indices, xasprintf("%s %s", suites->v[i], uris->v[i]));
	struct want w = {STRLIST_INIT, STRLIST_INIT, STRLIST_INIT};
	for (size_t i = 0; i < n; i++) {
		struct od_port *p = &rep->ports[i];
		p->r = rs[i];
		p->source = -1;
		for (size_t j = 0; p->source < 0 && j < rs[i]->nsources; j++)
			if (!source_tree(&rs[i]->sources[j]))
				p->source = (int)j;
		if (p->source < 0)
			continue;
		p->pin_name = source_filename(rs[i], &rs[i]->sources[p->source], o->arch);
		if (!sl_has(&w.pins, rs[i]->sources[p->source].sha256))
			sl_push(&w.pins, rs[i]->sources[p->source].sha256);
		struct strlist h = STRLIST_INIT, how = STRLIST_INIT;
		hints(p, &h, &how);
		for (size_t k = 0; k < h.n; k++)
			want_package(&w, h.v[k], rs[i]->version.s);
		sl_free(&h);
		sl_free(&how);
	}
	struct scan sc = {&w, NULL, NULL, NULL, 0, 0};
	int rc = read_all(paths, uris, suites, &sc);
	/* a pin found under a package no hint named: read again for that one */
	int again = 0;
	for (size_t i = 0; rc == 0 && i < sc.n; i++)
		if (sl_has(&w.pins, sc.files[i].sha256) && !wanted(&w, sc.files[i].package)) {
			for (size_t j = 0; j < n; j++)
				if (rep->ports[j].source >= 0 &&
				    !strcmp(rs[j]->sources[rep->ports[j].source].sha256,
					    sc.files[i].sha256))
					want_package(&w, sc.files[i].package, rs[j]->version.s);
			again = 1;
		}
	if (rc == 0 && again)
		rc = read_all(paths, uris, suites, &sc);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct od_port *p = &rep->ports[i];
		if (p->source >= 0) {
			resolve(p, &sc);
			collect(p, &sc);
		}
		judge(o, p);
	}
	for (size_t i = 0; i < sc.n; i++)
		file_free(&sc.files[i]);
	free(sc.files);
	sl_free(&w.names);
	sl_free(&w.stems);
	sl_free(&w.pins);
	return rc;
}

int outdated_scan(const struct od_opts *o, struct recipe *const *rs, size_t n,
		  struct od_report *rep)
{
	memset(rep, 0, sizeof *rep);
	/* a failed refresh keeps the lists of the last good one */
	if (debsrc_update(o->cache_dir, o->apt_etc, 0) < 0)
		fprintf(stderr, "krill: warning: %s (using the indices of the last update)\n",
			kr_errmsg());
	struct debsrc_list *l;
	size_t nl;
	if (debsrc_lists(o->cache_dir, o->apt_etc, &l, &nl) < 0)
		return -1;
	struct strlist paths = STRLIST_INIT, uris = STRLIST_INIT, suites = STRLIST_INIT;
	for (size_t i = 0; i < nl; i++) {
		sl_push(&paths, l[i].path);
		sl_push(&uris, l[i].uri);
		sl_push(&suites, l[i].suite);
	}
	debsrc_lists_free(l, nl);
	int rc = scan_lists(o, &paths, &uris, &suites, rs, n, rep);
	sl_free(&paths);
	sl_free(&uris);
	sl_free(&suites);
	return rc;
}

int outdated_write(const struct od_port *p, const struct fetch_opts *fo)
{
	const struct recipe *r = p->r;
	if (p->status != OD_NEWER || p->served < 0) {
		kr_err("%s: no newer served version to write", r->path);
		return -1;
	}
	const struct od_file *f = &p->cands[p->served];
	struct fetch_result res;
	if (fetch_file(fo, f->name, f->sha256, NULL, &res) < 0) {
		kr_err_prefix("%s: %s %s", r->path, f->package, f->upstream);
		return -1;
	}
	fetch_result_free(&res);
	const struct source *s = &r->sources[p->source];
	struct recipe_update u = {f->upstream, 1, (size_t)p->source, f->sha256, NULL, NULL};
	char *url = NULL;
	if (str_starts(s->url.s, "debian:"))
		u.url = url = xasprintf("debian:%s/%s", f->package, f->name);
	/* a filename that names the old Debian file now names the new one */
	if (s->filename && p->pin_listed && !strcmp(s->filename, p->pin.name))
		u.filename = f->name;
	int rc = recipe_update_file(r->path, &u);
	free(url);
	return rc;
}
