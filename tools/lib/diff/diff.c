/* diff.c - see diff.h */
#include "diff.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "pkgread.h"
#include "proc.h"

#define PKG_SUFFIX	".pkg.tar.zst"
#define PROV_SUFFIX	".provenance.json"
#define PROV_MAX	(16u << 20)
#define CHUNK		(64u << 10)  /* the cap on every byte-comparison buffer */
#define LCS_CELLS	(1u << 21)   /* above this, a changed block is shown whole */
#define DEEP_TEXT_MAX	(1u << 20)   /* krill's line diff: text files up to this */
#define DEEP_REPORT_MAX (256u << 10) /* diffoscope's text report, per file */
#define DEEP_TIMEOUT	"120"	     /* diffoscope --timeout, seconds per file */

/* ---- JSON helpers ---- */

/* A JSON string for bytes that may not be UTF-8 (tar paths, file lines):
 * bytes jansson refuses are written as \xNN. */
static json_t *jstrn(const char *s, size_t n)
{
	json_t *j = json_stringn(s, n);
	if (j)
		return j;
	struct sb b = SB_INIT;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80 || !c)
			sb_printf(&b, "\\x%02x", c);
		else
			sb_addc(&b, (char)c);
	}
	j = json_stringn(sb_str(&b), b.len);
	sb_free(&b);
	return j;
}

static json_t *jstr(const char *s)
{
	return s ? jstrn(s, strlen(s)) : json_null();
}

static json_t *pair_str(const char *a, const char *b)
{
	json_t *j = json_object();
	json_object_set_new(j, "a", jstr(a));
	json_object_set_new(j, "b", jstr(b));
	return j;
}

static json_t *pair_int(json_int_t a, json_int_t b)
{
	json_t *j = json_object();
	json_object_set_new(j, "a", json_integer(a));
	json_object_set_new(j, "b", json_integer(b));
	return j;
}

/* ---- line diff ---- */

struct lines {
	const char **p;
	size_t *len;
	size_t n;
};

static void split_lines(const char *s, size_t n, struct lines *l)
{
	size_t cap = 16;
	l->p = xmalloc(cap * sizeof *l->p);
	l->len = xmalloc(cap * sizeof *l->len);
	l->n = 0;
	for (size_t i = 0; i < n;) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - s) : n;
		if (l->n == cap) {
			cap *= 2;
			l->p = xrealloc(l->p, cap * sizeof *l->p);
			l->len = xrealloc(l->len, cap * sizeof *l->len);
		}
		l->p[l->n] = s + i;
		l->len[l->n++] = end - i;
		i = end + 1;
	}
}

static int line_eq(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	return a->len[i] == b->len[j] && !memcmp(a->p[i], b->p[j], a->len[i]);
}

struct emit {
	json_t *out;
	size_t max, n;
};

static void emit(struct emit *e, char sign, const char *s, size_t n)
{
	if (e->n++ >= e->max)
		return;
	char *t = xmalloc(n + 1);
	t[0] = sign;
	memcpy(t + 1, s, n);
	json_array_append_new(e->out, jstrn(t, n + 1));
	free(t);
}

json_t *diff_lines(const char *a, size_t alen, const char *b, size_t blen, size_t max,
		   size_t *omitted)
{
	struct lines la, lb;
	split_lines(a, alen, &la);
	split_lines(b, blen, &lb);
	size_t lo = 0, ha = la.n, hb = lb.n;
	while (lo < ha && lo < hb && line_eq(&la, lo, &lb, lo))
		lo++;
	while (ha > lo && hb > lo && line_eq(&la, ha - 1, &lb, hb - 1))
		ha--, hb--;
	struct emit e = {json_array(), max, 0};
	size_t n = ha - lo, m = hb - lo;
	if (n && m && (n + 1) * (m + 1) <= LCS_CELLS) {
		/* L[i][j]: longest common subsequence of the suffixes from i, j */
		size_t w = m + 1;
		uint16_t *L = xcalloc((n + 1) * w, sizeof *L);
		for (size_t i = n; i-- > 0;)
			for (size_t j = m; j-- > 0;)
				L[i * w + j] = line_eq(&la, lo + i, &lb, lo + j)
						       ? (uint16_t)(L[(i + 1) * w + j + 1] + 1)
						       : (L[(i + 1) * w + j] >= L[i * w + j + 1]
								  ? L[(i + 1) * w + j]
								  : L[i * w + j + 1]);
		size_t i = 0, j = 0;
		while (i < n || j < m) {
			if (i < n && j < m && line_eq(&la, lo + i, &lb, lo + j))
				i++, j++;
			else if (j == m || (i < n && L[(i + 1) * w + j] >= L[i * w + j + 1])) {
				emit(&e, '-', la.p[lo + i], la.len[lo + i]);
				i++;
			} else {
				emit(&e, '+', lb.p[lo + j], lb.len[lo + j]);
				j++;
			}
		}
		free(L);
	} else {
		for (size_t i = lo; i < ha; i++)
			emit(&e, '-', la.p[i], la.len[i]);
		for (size_t j = lo; j < hb; j++)
			emit(&e, '+', lb.p[j], lb.len[j]);
	}
	*omitted = e.n > max ? e.n - max : 0;
	free(la.p);
	free(la.len);
	free(lb.p);
	free(lb.len);
	return e.out;
}

/* ---- one side: its packages by name ---- */

struct pkgref {
	char *name, *version;
	char *file;
};

struct side {
	struct pkgref *v;
	size_t n;
};

static int cmp_ref(const void *x, const void *y)
{
	const struct pkgref *a = x, *b = y;
	int c = strcmp(a->name, b->name);
	return c ? c : strcmp(a->version, b->version);
}

static int add_pkg(struct side *s, const char *file)
{
	struct pkgread *r = pkgread_open(file);
	if (!r)
		return -1;
	s->v = xrealloc(s->v, (s->n + 1) * sizeof *s->v);
	s->v[s->n].name = xstrdup(pkgread_info(r)->name);
	s->v[s->n].version = xstrdup(pkgread_info(r)->version);
	s->v[s->n++].file = xstrdup(file);
	pkgread_close(r);
	return 0;
}

static void side_free(struct side *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].name);
		free(s->v[i].version);
		free(s->v[i].file);
	}
	free(s->v);
}

static int collect(const char *path, struct side *s)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		kr_err("%s: %s, expected a package file or a directory of packages", path,
		       strerror(errno));
		return -1;
	}
	if (S_ISREG(st.st_mode)) {
		if (add_pkg(s, path) < 0)
			return -1;
	} else if (S_ISDIR(st.st_mode)) {
		struct strlist names = STRLIST_INIT;
		if (list_dir(path, &names) < 0)
			return -1;
		int rc = 0;
		for (size_t i = 0; i < names.n && !rc; i++) {
			if (!str_ends(names.v[i], PKG_SUFFIX))
				continue;
			char *f = path_join(path, names.v[i]);
			rc = add_pkg(s, f);
			free(f);
		}
		sl_free(&names);
		if (rc < 0)
			return -1;
		if (!s->n) {
			kr_err("%s: no *%s files, expected a directory of packages", path,
			       PKG_SUFFIX);
			return -1;
		}
	} else {
		kr_err("%s: not a regular file or directory, expected a package file or a "
		       "directory of packages",
		       path);
		return -1;
	}
	qsort(s->v, s->n, sizeof *s->v, cmp_ref);
	for (size_t i = 1; i < s->n; i++)
		if (!cmp_ref(&s->v[i - 1], &s->v[i])) {
			kr_err("%s and %s: both are package %s %s, expected one file per name and "
			       "version",
			       s->v[i - 1].file, s->v[i].file, s->v[i].name, s->v[i].version);
			return -1;
		}
	return 0;
}

/* ---- one package: its members, hashed ---- */

struct fent {
	char *path, *link;
	enum pkg_type type;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	dev_t rdev;
	int64_t mtime;
	uint64_t size;
	size_t idx; /* position in the archive */
	char sha[SHA256_HEX_LEN + 1];
};

struct scan {
	struct pkginfo info;
	char *pkginfo, *sbom, *sums;
	size_t pkginfo_len, sbom_len, sums_len;
	struct fent *v;
	size_t n;
};

static char *dup_bytes(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);
	memcpy(d, s, n);
	d[n] = 0;
	return d;
}

static int scan_pkg(const char *file, struct scan *s)
{
	memset(s, 0, sizeof *s);
	struct pkgread *r = pkgread_open(file);
	if (!r)
		return -1;
	pkgread_take_info(r, &s->info);
	const char *t = pkgread_pkginfo_text(r, &s->pkginfo_len);
	s->pkginfo = dup_bytes(t, s->pkginfo_len);
	t = pkgread_sbom(r, &s->sbom_len);
	s->sbom = dup_bytes(t, s->sbom_len);
	t = pkgread_sums_text(r, &s->sums_len);
	s->sums = t ? dup_bytes(t, s->sums_len) : NULL;
	char *buf = xmalloc(CHUNK);
	size_t cap = 0;
	struct pkg_entry e;
	int rc;
	while ((rc = pkgread_next(r, &e)) == 1) {
		if (s->n == cap) {
			cap = cap ? 2 * cap : 64;
			s->v = xrealloc(s->v, cap * sizeof *s->v);
		}
		struct fent *f = &s->v[s->n];
		*f = (struct fent){.path = xstrdup(e.path),
				   .link = e.link ? xstrdup(e.link) : NULL,
				   .type = e.type,
				   .mode = e.mode,
				   .uid = e.uid,
				   .gid = e.gid,
				   .rdev = e.rdev,
				   .mtime = e.mtime,
				   .size = e.size,
				   .idx = s->n};
		s->n++;
		if (e.type != PKG_FILE)
			continue;
		struct hasher *h = hasher_new();
		ssize_t k;
		while ((k = pkgread_data(r, buf, CHUNK)) > 0)
			hasher_add(h, buf, (size_t)k);
		hasher_end(h, f->sha);
		if (k < 0) {
			rc = -1;
			break;
		}
	}
	free(buf);
	pkgread_close(r);
	return rc < 0 ? -1 : 0;
}

static void scan_free(struct scan *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].path);
		free(s->v[i].link);
	}
	free(s->v);
	free(s->pkginfo);
	free(s->sbom);
	free(s->sums);
	pkginfo_free(&s->info);
}

static int cmp_fent(const void *x, const void *y)
{
	const struct fent *a = x, *b = y;
	int c = strcmp(a->path, b->path);
	return c ? c : (a->idx > b->idx) - (a->idx < b->idx);
}

/* ---- spooling the files whose contents differ ---- */

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Write the members of file marked in want[idx] to dir/PREFIX-IDX. */
static int spool(const char *file, const struct scan *s, const char *want, const char *dir,
		 char prefix)
{
	struct pkgread *r = pkgread_open(file);
	if (!r)
		return -1;
	char *buf = xmalloc(CHUNK);
	struct pkg_entry e;
	size_t idx = 0;
	int rc;
	while ((rc = pkgread_next(r, &e)) == 1) {
		size_t i = idx++;
		if (i >= s->n || strcmp(e.path, s->v[i].path)) {
			kr_err("%s: changed while it was being compared", file);
			rc = -1;
			break;
		}
		if (!want[i])
			continue;
		char *p = xasprintf("%s/%c-%zu", dir, prefix, i);
		int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0)
			kr_err("%s: %s", p, strerror(errno));
		free(p);
		if (fd < 0) {
			rc = -1;
			break;
		}
		ssize_t k;
		while ((k = pkgread_data(r, buf, CHUNK)) > 0)
			if (write_all(fd, buf, (size_t)k) < 0) {
				kr_err("%s: cannot spool a file: %s", dir, strerror(errno));
				k = -1;
				break;
			}
		close(fd);
		if (k < 0) {
			rc = -1;
			break;
		}
	}
	free(buf);
	pkgread_close(r);
	return rc < 0 ? -1 : 0;
}

static ssize_t pread_full(int fd, char *buf, size_t n, off_t off)
{
	size_t got = 0;
	while (got < n) {
		ssize_t k = pread(fd, buf + got, n - got, off + (off_t)got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

/* Compare n bytes at offa in fa with those at offb in fb: the first
 * differing offset (relative; -1 when none) and how many differ. */
static int cmp_range(int fa, off_t offa, int fb, off_t offb, uint64_t n, int64_t *first,
		     uint64_t *ndiff)
{
	char *x = xmalloc(CHUNK), *y = xmalloc(CHUNK);
	*first = -1;
	*ndiff = 0;
	int rc = 0;
	for (uint64_t pos = 0; pos < n;) {
		size_t step = n - pos < CHUNK ? (size_t)(n - pos) : CHUNK;
		if (pread_full(fa, x, step, offa + (off_t)pos) != (ssize_t)step ||
		    pread_full(fb, y, step, offb + (off_t)pos) != (ssize_t)step) {
			rc = -1;
			break;
		}
		if (memcmp(x, y, step))
			for (size_t i = 0; i < step; i++)
				if (x[i] != y[i]) {
					if (*first < 0)
						*first = (int64_t)(pos + i);
					(*ndiff)++;
				}
		pos += step;
	}
	free(x);
	free(y);
	return rc;
}

struct sect {
	char *name;
	uint64_t off, size;
	unsigned type;
	size_t idx;
};

static int cmp_sect(const void *x, const void *y)
{
	const struct sect *a = x, *b = y;
	int c = strcmp(a->name, b->name);
	return c ? c : (a->idx > b->idx) - (a->idx < b->idx);
}

/* The section table of an ELF file, sorted by name; -1 if it has none
 * readable (then the file is compared as plain bytes). */
static int elf_sections(int fd, struct sect **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -1;
	Elf *e = elf_begin(fd, ELF_C_READ, NULL);
	size_t shstr;
	if (!e || elf_kind(e) != ELF_K_ELF || elf_getshdrstrndx(e, &shstr) != 0) {
		elf_end(e);
		return -1;
	}
	size_t cap = 0;
	for (Elf_Scn *scn = elf_nextscn(e, NULL); scn; scn = elf_nextscn(e, scn)) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		const char *name = elf_strptr(e, shstr, sh.sh_name);
		if (*n == cap) {
			cap = cap ? 2 * cap : 32;
			*out = xrealloc(*out, cap * sizeof **out);
		}
		(*out)[*n] = (struct sect){xasprintf("%s", name ? name : "(unnamed)"), sh.sh_offset,
					   sh.sh_size, sh.sh_type, *n};
		(*n)++;
	}
	elf_end(e);
	qsort(*out, *n, sizeof **out, cmp_sect);
	return 0;
}

static void sect_free(struct sect *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

static json_t *sect_change(const char *name, const char *change)
{
	json_t *j = json_object();
	json_object_set_new(j, "name", jstr(name));
	json_object_set_new(j, "change", json_string(change));
	return j;
}

/* The sections, paired by name in order, whose bytes differ. */
static json_t *elf_diff(int fa, int fb)
{
	struct sect *sa, *sb;
	size_t na, nb;
	if (elf_sections(fa, &sa, &na) < 0 || elf_sections(fb, &sb, &nb) < 0) {
		sect_free(sa, na);
		return NULL;
	}
	json_t *out = json_array();
	size_t i = 0, j = 0;
	while (i < na || j < nb) {
		int c = i == na ? 1 : j == nb ? -1 : strcmp(sa[i].name, sb[j].name);
		if (c < 0) {
			json_array_append_new(out, sect_change(sa[i++].name, "only_in_a"));
			continue;
		}
		if (c > 0) {
			json_array_append_new(out, sect_change(sb[j++].name, "only_in_b"));
			continue;
		}
		const struct sect *x = &sa[i++], *y = &sb[j++];
		const char *change = NULL;
		if (x->size != y->size)
			change = "size";
		else if (x->type != SHT_NOBITS && y->type != SHT_NOBITS) {
			int64_t first;
			uint64_t nd;
			if (cmp_range(fa, (off_t)x->off, fb, (off_t)y->off, x->size, &first, &nd) <
				    0 ||
			    nd)
				change = "content";
		}
		if (change)
			json_array_append_new(out, sect_change(x->name, change));
	}
	sect_free(sa, na);
	sect_free(sb, nb);
	return out;
}

/* ---- deep diffs (diff_opts.deep) ---- */

char *diff_diffoscope_label(const char *prog)
{
	char *const argv[] = {(char *)prog, "--version", NULL};
	struct sb out = SB_INIT;
	int st = proc_run(argv, NULL, &out);
	char *label = NULL;
	if (st == 0 && out.len) {
		const char *t = sb_str(&out);
		size_t n = strcspn(t, "\n");
		label = xstrndup(t, n);
	}
	sb_free(&out);
	if (!label)
		kr_err("%s --version: %s", prog, st < 0 ? kr_errmsg() : "did not answer");
	return label;
}

/* A member's name for diffoscope's report: its base name, with anything
 * but [A-Za-z0-9._+-] turned into '_' (a hostile name stays a name). */
static char *safe_name(const char *path)
{
	const char *b = strrchr(path, '/');
	char *n = xstrdup(b ? b + 1 : path);
	for (char *p = n; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("._+-", *p)))
			*p = '_';
	if (!*n || !strcmp(n, ".") || !strcmp(n, "..")) {
		free(n);
		n = xstrdup("file");
	}
	return n;
}

/* diffoscope on the spooled pair, run in its own folder so its report
 * names a/NAME and b/NAME, not the spool's path. */
static json_t *deep_diffoscope(const char *dir, size_t k, const struct fent *a,
			       const struct fent *b, const struct diff_opts *o)
{
	char *pd = xasprintf("%s/d-%zu", dir, k), *name = safe_name(a->path);
	char *da = path_join(pd, "a"), *db = path_join(pd, "b");
	char *fa = path_join(da, name), *fb = path_join(db, name);
	char *sa = xasprintf("%s/a-%zu", dir, a->idx), *sb2 = xasprintf("%s/b-%zu", dir, b->idx);
	char *ra = xasprintf("a/%s", name), *rb = xasprintf("b/%s", name);
	json_t *j = json_object();
	json_object_set_new(j, "tool", json_string(o->diffoscope_label));
	struct sb out = SB_INIT;
	if (mkdir_p(da, 0700) < 0 || mkdir_p(db, 0700) < 0 || link(sa, fa) < 0 ||
	    link(sb2, fb) < 0) {
		json_object_set_new(j, "error", jstr(strerror(errno)));
		goto out;
	}
	char *const argv[] = {(char *)o->diffoscope,
			      "--no-progress",
			      "--text-color",
			      "never",
			      "--text",
			      "report.txt",
			      "--max-text-report-size",
			      "262144",
			      "--timeout",
			      DEEP_TIMEOUT,
			      ra,
			      rb,
			      NULL};
	int st = proc_run(argv, pd, &out);
	char *rp = path_join(pd, "report.txt"), *text = NULL;
	size_t len = 0;
	struct stat stt;
	if ((st == 0 || st == 1) && stat(rp, &stt) == 0 &&
	    (uint64_t)stt.st_size <= 2 * (uint64_t)DEEP_REPORT_MAX &&
	    read_file(rp, &text, &len) == 0) {
		if (len > DEEP_REPORT_MAX) {
			len = DEEP_REPORT_MAX;
			json_object_set_new(j, "truncated", json_true());
		}
		json_object_set_new(j, "text", jstrn(text, len));
	} else {
		/* the last lines of what it said, as the reason */
		const char *t = sb_str(&out);
		size_t n = out.len, from = n > 600 ? n - 600 : 0;
		char *why = st < 0 ? xstrdup(kr_errmsg())
				   : xasprintf("exit %d: %.*s", st, (int)(n - from), t + from);
		json_object_set_new(j, "error", jstr(why));
		free(why);
	}
	free(text);
	free(rp);
out:
	sb_free(&out);
	rm_rf(pd);
	free(pd);
	free(name);
	free(da);
	free(db);
	free(fa);
	free(fb);
	free(sa);
	free(sb2);
	free(ra);
	free(rb);
	return j;
}

/* The start of a spooled file when it is text (no NUL) of at most
 * DEEP_TEXT_MAX bytes, else NULL. */
static char *read_text(const char *path, uint64_t size, size_t *len)
{
	char *d = NULL;
	if (size > DEEP_TEXT_MAX || read_file(path, &d, len) < 0)
		return NULL;
	if (memchr(d, 0, *len)) {
		free(d);
		return NULL;
	}
	return d;
}

static char *hex_at(int fd, off_t off, size_t n)
{
	unsigned char buf[32];
	ssize_t k = pread_full(fd, (char *)buf, n < sizeof buf ? n : sizeof buf, off);
	struct sb b = SB_INIT;
	for (ssize_t i = 0; i < k; i++)
		sb_printf(&b, "%s%02x", i ? " " : "", buf[i]);
	return sb_steal(&b);
}

/* krill's own deep diff: the differing lines of two texts, or the 32
 * bytes from the 16-byte row holding the first difference. */
static json_t *deep_krill(const char *pa, const char *pb, int fa, int fb, const struct fent *a,
			  const struct fent *b, int64_t first, size_t max)
{
	json_t *j = json_object();
	json_object_set_new(j, "tool", json_string("krill"));
	size_t la, lb;
	char *ta = read_text(pa, a->size, &la), *tb = ta ? read_text(pb, b->size, &lb) : NULL;
	if (ta && tb) {
		size_t omitted;
		json_object_set_new(j, "kind", json_string("lines"));
		json_object_set_new(j, "lines", diff_lines(ta, la, tb, lb, max, &omitted));
		if (omitted)
			json_object_set_new(j, "omitted", json_integer((json_int_t)omitted));
	} else {
		off_t row = first < 0 ? 0 : (off_t)(first & ~(int64_t)15);
		char *x = hex_at(fa, row, 32), *y = hex_at(fb, row, 32);
		json_object_set_new(j, "kind", json_string("bytes"));
		json_object_set_new(j, "offset", json_integer((json_int_t)row));
		json_object_set_new(j, "a", json_string(x));
		json_object_set_new(j, "b", json_string(y));
		free(x);
		free(y);
	}
	free(ta);
	free(tb);
	return j;
}

static int content_diff(const char *dir, size_t k, const struct fent *a, const struct fent *b,
			const struct diff_opts *o, size_t max, json_t *cj)
{
	char *pa = xasprintf("%s/a-%zu", dir, a->idx), *pb = xasprintf("%s/b-%zu", dir, b->idx);
	int fa = open(pa, O_RDONLY | O_CLOEXEC), fb = open(pb, O_RDONLY | O_CLOEXEC);
	int rc = 0;
	if (fa < 0 || fb < 0) {
		kr_err("%s: %s", fa < 0 ? pa : pb, strerror(errno));
		rc = -1;
		goto out;
	}
	uint64_t common = a->size < b->size ? a->size : b->size;
	int64_t first;
	uint64_t nd;
	if (cmp_range(fa, 0, fb, 0, common, &first, &nd) < 0) {
		kr_err("%s: spooled copy cut short", dir);
		rc = -1;
		goto out;
	}
	if (first < 0 && a->size != b->size)
		first = (int64_t)common; /* one is a prefix of the other */
	json_object_set_new(cj, "first_difference", json_integer(first));
	if (a->size == b->size)
		json_object_set_new(cj, "differing_bytes", json_integer((json_int_t)nd));
	char ma[4], mb[4];
	if (pread_full(fa, ma, 4, 0) == 4 && pread_full(fb, mb, 4, 0) == 4 &&
	    !memcmp(ma, ELFMAG, 4) && !memcmp(mb, ELFMAG, 4)) {
		json_t *s = elf_diff(fa, fb);
		if (s)
			json_object_set_new(cj, "elf_sections", s);
	}
	if (o->deep) {
		json_t *deep = json_array();
		json_t *d = o->diffoscope ? deep_diffoscope(dir, k, a, b, o) : NULL;
		if (d)
			json_array_append_new(deep, d);
		/* krill's when there is no diffoscope report to show (none, a
		 * failure, or an empty one: it found nothing it shows) */
		const char *dt = d ? json_string_value(json_object_get(d, "text")) : NULL;
		if (!dt || !*dt)
			json_array_append_new(deep, deep_krill(pa, pb, fa, fb, a, b, first, max));
		json_object_set_new(cj, "deep", deep);
	}
out:
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	free(pa);
	free(pb);
	return rc;
}

/* ---- comparing two scans ---- */

static const char *type_name(enum pkg_type t)
{
	static const char *const names[] = {"file", "dir",   "symlink", "hardlink",
					    "char", "block", "fifo",	"socket"};
	return (size_t)t < ARRAY_LEN(names) ? names[t] : "unknown";
}

static json_t *side_desc(const struct fent *f)
{
	json_t *j = json_object();
	json_object_set_new(j, "type", json_string(type_name(f->type)));
	if (f->type == PKG_FILE) {
		json_object_set_new(j, "size", json_integer((json_int_t)f->size));
		json_object_set_new(j, "sha256", json_string(f->sha));
	}
	if (f->link)
		json_object_set_new(j, "link", jstr(f->link));
	return j;
}

static json_t *file_change(const struct fent *f, const char *change)
{
	json_t *j = json_object();
	json_object_set_new(j, "path", jstr(f->path));
	json_object_set_new(j, "change", json_string(change));
	json_object_set_new(j, strcmp(change, "added") ? "a" : "b", side_desc(f));
	return j;
}

static json_t *mode_pair(mode_t a, mode_t b)
{
	char x[8], y[8];
	snprintf(x, sizeof x, "%04o", (unsigned)a);
	snprintf(y, sizeof y, "%04o", (unsigned)b);
	return pair_str(x, y);
}

/* The differences of one member present on both sides, or NULL. *spool
 * is set when its contents must be compared byte by byte. */
static json_t *member_diff(const struct fent *a, const struct fent *b, int *spool)
{
	json_t *j = json_object();
	*spool = 0;
	json_object_set_new(j, "path", jstr(a->path));
	json_object_set_new(j, "change", json_string("changed"));
	if (a->type != b->type)
		json_object_set_new(j, "type", pair_str(type_name(a->type), type_name(b->type)));
	if (a->mode != b->mode)
		json_object_set_new(j, "mode", mode_pair(a->mode, b->mode));
	if (a->uid != b->uid || a->gid != b->gid) {
		char x[48], y[48];
		snprintf(x, sizeof x, "%u:%u", (unsigned)a->uid, (unsigned)a->gid);
		snprintf(y, sizeof y, "%u:%u", (unsigned)b->uid, (unsigned)b->gid);
		json_object_set_new(j, "owner", pair_str(x, y));
	}
	if (a->mtime != b->mtime)
		json_object_set_new(j, "mtime", pair_int(a->mtime, b->mtime));
	if (a->type == b->type) {
		if ((a->link || b->link) && (!a->link || !b->link || strcmp(a->link, b->link)))
			json_object_set_new(j, "link", pair_str(a->link, b->link));
		if ((a->type == PKG_CHAR || a->type == PKG_BLOCK) && a->rdev != b->rdev)
			json_object_set_new(j, "rdev",
					    pair_int((json_int_t)a->rdev, (json_int_t)b->rdev));
		if (a->type == PKG_FILE && strcmp(a->sha, b->sha)) {
			json_t *c = json_object();
			json_object_set_new(c, "a", side_desc(a));
			json_object_set_new(c, "b", side_desc(b));
			json_object_del(json_object_get(c, "a"), "type");
			json_object_del(json_object_get(c, "b"), "type");
			json_object_set_new(j, "content", c);
			*spool = 1;
		}
	}
	if (json_object_size(j) == 2) { /* only path and change: no difference */
		json_decref(j);
		return NULL;
	}
	return j;
}

static void field(json_t *out, const char *name, const char *a, const char *b)
{
	if ((a || b) && (!a || !b || strcmp(a, b))) {
		json_t *j = json_object();
		json_object_set_new(j, "field", json_string(name));
		json_object_set_new(j, "a", jstr(a));
		json_object_set_new(j, "b", jstr(b));
		json_array_append_new(out, j);
	}
}

static void list_field(json_t *out, const char *name, const struct strlist *a,
		       const struct strlist *b)
{
	char *x = sl_join(a, " "), *y = sl_join(b, " ");
	field(out, name, x, y);
	free(x);
	free(y);
}

static json_t *pkginfo_fields(const struct pkginfo *a, const struct pkginfo *b)
{
	json_t *out = json_array();
	field(out, "name", a->name, b->name);
	field(out, "version", a->version, b->version);
	field(out, "arch", a->arch, b->arch);
	field(out, "origin", a->origin, b->origin);
	field(out, "summary", a->summary, b->summary);
	field(out, "license", a->license, b->license);
	field(out, "homepage", a->homepage, b->homepage);
	field(out, "build-key", a->build_key, b->build_key);
	char x[24], y[24];
	snprintf(x, sizeof x, "%llu", (unsigned long long)a->installed_size);
	snprintf(y, sizeof y, "%llu", (unsigned long long)b->installed_size);
	field(out, "installed-size", x, y);
	list_field(out, "depend", &a->depends, &b->depends);
	list_field(out, "provide", &a->provides, &b->provides);
	list_field(out, "conffile", &a->conffiles, &b->conffiles);
	return out;
}

static void text_diff(json_t *out, const char *member, const char *a, size_t alen, const char *b,
		      size_t blen, size_t max)
{
	if (alen == blen && !memcmp(a, b, alen))
		return;
	size_t omitted;
	json_t *j = json_object();
	json_object_set_new(j, "member", json_string(member));
	json_object_set_new(j, "lines", diff_lines(a, alen, b, blen, max, &omitted));
	if (omitted)
		json_object_set_new(j, "omitted", json_integer((json_int_t)omitted));
	json_array_append_new(out, j);
}

/* sha256 of the decompressed tar stream, to tell a tar-encoding difference
 * from a compression one. */
static int tar_sha(const char *file, char out[SHA256_HEX_LEN + 1])
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		kr_err("%s: %s", file, strerror(errno));
		return -1;
	}
	ZSTD_DCtx *d = ZSTD_createDCtx();
	char *in = xmalloc(CHUNK), *ob = xmalloc(CHUNK);
	struct hasher *h = hasher_new();
	size_t last = 0;
	int rc = 0;
	ssize_t n;
	while ((n = read(fd, in, CHUNK)) > 0) {
		ZSTD_inBuffer ib = {in, (size_t)n, 0};
		int full;
		do { /* a full output buffer may leave decoded bytes behind */
			ZSTD_outBuffer o = {ob, CHUNK, 0};
			last = ZSTD_decompressStream(d, &o, &ib);
			if (ZSTD_isError(last)) {
				kr_err("%s: zstd: %s", file, ZSTD_getErrorName(last));
				rc = -1;
				goto done;
			}
			hasher_add(h, ob, o.pos);
			full = o.pos == o.size;
		} while (ib.pos < ib.size || (full && last != 0));
	}
	if (n < 0 || last != 0) {
		kr_err("%s: %s", file, n < 0 ? strerror(errno) : "zstd stream cut short");
		rc = -1;
	}
done:
	hasher_end(h, out);
	ZSTD_freeDCtx(d);
	free(in);
	free(ob);
	close(fd);
	return rc;
}

static char *prov_path(const char *file)
{
	if (!str_ends(file, PKG_SUFFIX))
		return NULL;
	size_t n = strlen(file) - strlen(PKG_SUFFIX);
	return xasprintf("%.*s%s", (int)n, file, PROV_SUFFIX);
}

static int read_prov(const char *p, char **data, size_t *len)
{
	struct stat st;
	if (stat(p, &st) < 0)
		return 0;
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > PROV_MAX) {
		kr_err("%s: not a regular file of at most %u bytes, expected build provenance", p,
		       PROV_MAX);
		return -1;
	}
	return read_file(p, data, len) < 0 ? -1 : 1;
}

/* Provenance beside the package files (NAME-...provenance.json). */
static int prov_diff(const char *fa, const char *fb, json_t *pj, size_t max)
{
	char *pa = prov_path(fa), *pb = prov_path(fb), *da = NULL, *db = NULL;
	size_t la = 0, lb = 0;
	int ha = pa ? read_prov(pa, &da, &la) : 0;
	int hb = ha >= 0 && pb ? read_prov(pb, &db, &lb) : 0;
	int rc = ha < 0 || hb < 0 ? -1 : 0;
	if (!rc && ha != hb) {
		json_t *j = json_object();
		json_object_set_new(j, "member", json_string("provenance"));
		json_object_set_new(j, "only_in", json_string(ha ? "a" : "b"));
		json_array_append_new(pj, j);
	} else if (!rc && ha)
		text_diff(pj, "provenance", da, la, db, lb, max);
	free(pa);
	free(pb);
	free(da);
	free(db);
	return rc;
}

static json_t *file_desc(const char *file, const char *sha, uint64_t size)
{
	json_t *j = json_object();
	json_object_set_new(j, "file", jstr(file));
	json_object_set_new(j, "size", json_integer((json_int_t)size));
	json_object_set_new(j, "sha256", json_string(sha));
	return j;
}

static char *spool_dir(const struct diff_opts *o)
{
	const char *t = o->tmp ? o->tmp : getenv("TMPDIR");
	char *tmpl = xasprintf("%s/krill-diff.XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(tmpl)) {
		kr_err("%s: cannot create a temp dir: %s", tmpl, strerror(errno));
		free(tmpl);
		return NULL;
	}
	return tmpl;
}

/* A member on both sides whose contents differ: positions in the sorted
 * scans, and the report's "content" object to complete. */
struct cpair {
	size_t ia, ib;
	json_t *content;
};

/* The member-level comparison of two packages whose bytes differ. */
static int members_diff(const char *fa, const char *fb, const struct diff_opts *o, size_t max,
			json_t *pj)
{
	struct scan a, b;
	int rc = -1;
	char *dir = NULL, *wa = NULL, *wb = NULL;
	struct cpair *pairs = NULL;
	if (scan_pkg(fa, &a) < 0) {
		scan_free(&a);
		return -1;
	}
	if (scan_pkg(fb, &b) < 0)
		goto out;
	json_t *fields = pkginfo_fields(&a.info, &b.info);
	if (json_array_size(fields))
		json_object_set_new(pj, "pkginfo", fields);
	else
		json_decref(fields);
	json_t *meta = json_array();
	text_diff(meta, PKGINFO_NAME, a.pkginfo, a.pkginfo_len, b.pkginfo, b.pkginfo_len, max);
	text_diff(meta, SBOM_NAME, a.sbom, a.sbom_len, b.sbom, b.sbom_len, max);
	text_diff(meta, SUMS_NAME, a.sums ? a.sums : "", a.sums_len, b.sums ? b.sums : "",
		  b.sums_len, max);
	size_t nmeta = json_array_size(meta);
	json_object_set_new(pj, "metadata", meta);

	wa = xcalloc(a.n + 1, 1);
	wb = xcalloc(b.n + 1, 1);
	qsort(a.v, a.n, sizeof *a.v, cmp_fent);
	qsort(b.v, b.n, sizeof *b.v, cmp_fent);
	json_t *files = json_array();
	json_object_set_new(pj, "files", files);
	size_t i = 0, j = 0, npairs = 0;
	while (i < a.n || j < b.n) {
		int c = i == a.n ? 1 : j == b.n ? -1 : strcmp(a.v[i].path, b.v[j].path);
		if (c < 0) {
			json_array_append_new(files, file_change(&a.v[i++], "removed"));
		} else if (c > 0) {
			json_array_append_new(files, file_change(&b.v[j++], "added"));
		} else {
			int sp;
			json_t *d = member_diff(&a.v[i], &b.v[j], &sp);
			if (d)
				json_array_append_new(files, d);
			if (sp) {
				pairs = xrealloc(pairs, (npairs + 1) * sizeof *pairs);
				pairs[npairs++] =
					(struct cpair){i, j, json_object_get(d, "content")};
				wa[a.v[i].idx] = wb[b.v[j].idx] = 1;
			}
			i++, j++;
		}
	}
	if (npairs) {
		if (!(dir = spool_dir(o)))
			goto out;
		/* spool() walks in archive order: give it the members by position */
		struct scan sa = a, sb = b;
		sa.v = xmalloc((a.n + 1) * sizeof *sa.v);
		sb.v = xmalloc((b.n + 1) * sizeof *sb.v);
		for (size_t k = 0; k < a.n; k++)
			sa.v[a.v[k].idx] = a.v[k];
		for (size_t k = 0; k < b.n; k++)
			sb.v[b.v[k].idx] = b.v[k];
		int ok = spool(fa, &sa, wa, dir, 'a') == 0 && spool(fb, &sb, wb, dir, 'b') == 0;
		free(sa.v);
		free(sb.v);
		if (!ok)
			goto out;
		for (size_t k = 0; k < npairs; k++)
			if (content_diff(dir, k, &a.v[pairs[k].ia], &b.v[pairs[k].ib], o, max,
					 pairs[k].content) < 0)
				goto out;
	}
	if (!json_array_size(files) && !nmeta) {
		/* every member matches: the difference is below the tar entries */
		char ta[SHA256_HEX_LEN + 1], tb[SHA256_HEX_LEN + 1];
		if (tar_sha(fa, ta) < 0 || tar_sha(fb, tb) < 0)
			goto out;
		json_object_set_new(pj, "archive",
				    json_string(strcmp(ta, tb) ? "tar" : "compression"));
	}
	rc = 0;
out:
	if (dir)
		rm_rf(dir);
	free(dir);
	free(wa);
	free(wb);
	free(pairs);
	scan_free(&a);
	scan_free(&b);
	return rc;
}

/* One pair: NULL when identical (package bytes and provenance). */
static int pkg_diff(const struct pkgref *ra, const struct pkgref *rb, const struct diff_opts *o,
		    size_t max, json_t **out)
{
	char sa[SHA256_HEX_LEN + 1], sb[SHA256_HEX_LEN + 1];
	uint64_t za, zb;
	*out = NULL;
	if (sha256_file(ra->file, sa, &za) < 0 || sha256_file(rb->file, sb, &zb) < 0)
		return -1;
	json_t *pj = json_object();
	json_object_set_new(pj, "name", jstr(ra->name));
	json_object_set_new(pj, "a", file_desc(ra->file, sa, za));
	json_object_set_new(pj, "b", file_desc(rb->file, sb, zb));
	int same = !strcmp(sa, sb);
	json_object_set_new(pj, "identical_bytes", json_boolean(same));
	json_t *prov = json_array();
	if ((!same && members_diff(ra->file, rb->file, o, max, pj) < 0) ||
	    prov_diff(ra->file, rb->file, prov, max) < 0) {
		json_decref(prov);
		json_decref(pj);
		return -1;
	}
	if (json_array_size(prov))
		json_object_set(pj, "provenance", json_array_get(prov, 0));
	json_decref(prov);
	if (same && !json_object_get(pj, "provenance")) {
		json_decref(pj);
		return 0;
	}
	*out = pj;
	return 0;
}

static json_t *ref_desc(const struct pkgref *r)
{
	json_t *j = json_object();
	json_object_set_new(j, "name", jstr(r->name));
	json_object_set_new(j, "version", jstr(r->version));
	json_object_set_new(j, "file", jstr(r->file));
	return j;
}

struct tally {
	json_t *only_a, *only_b, *differing, *same;
	size_t nsame;
};

static int pair(const struct pkgref *ra, const struct pkgref *rb, const struct diff_opts *o,
		size_t max, struct tally *t)
{
	json_t *pj;
	if (pkg_diff(ra, rb, o, max, &pj) < 0)
		return -1;
	if (pj)
		json_array_append_new(t->differing, pj);
	else {
		t->nsame++;
		json_array_append_new(t->same, jstr(ra->name));
	}
	return 0;
}

static size_t group_end(const struct side *s, size_t i)
{
	size_t k = i + 1;
	while (k < s->n && !strcmp(s->v[k].name, s->v[i].name))
		k++;
	return k;
}

int diff_paths(const char *a, const char *b, const struct diff_opts *o, json_t **report)
{
	struct side sa = {0}, sb = {0};
	size_t max = o->max_lines ? o->max_lines : 200;
	*report = NULL;
	if (collect(a, &sa) < 0 || collect(b, &sb) < 0) {
		side_free(&sa);
		side_free(&sb);
		return -1;
	}
	struct tally t = {json_array(), json_array(), json_array(), json_array(), 0};
	size_t i = 0, j = 0;
	int rc = 0;
	while (!rc && (i < sa.n || j < sb.n)) {
		int c = i == sa.n ? 1 : j == sb.n ? -1 : strcmp(sa.v[i].name, sb.v[j].name);
		if (c < 0) {
			json_array_append_new(t.only_a, ref_desc(&sa.v[i++]));
			continue;
		}
		if (c > 0) {
			json_array_append_new(t.only_b, ref_desc(&sb.v[j++]));
			continue;
		}
		/* One package of a name on each side pairs whatever the versions (a
		 * rebuild may bump the release); where a side keeps several versions
		 * (a repo with history), they pair by version. */
		size_t i2 = group_end(&sa, i), j2 = group_end(&sb, j);
		int by_version = i2 - i > 1 || j2 - j > 1;
		while (!rc && (i < i2 || j < j2)) {
			int v = i == i2	     ? 1
				: j == j2    ? -1
				: by_version ? strcmp(sa.v[i].version, sb.v[j].version)
					     : 0;
			if (v < 0)
				json_array_append_new(t.only_a, ref_desc(&sa.v[i++]));
			else if (v > 0)
				json_array_append_new(t.only_b, ref_desc(&sb.v[j++]));
			else
				rc = pair(&sa.v[i++], &sb.v[j++], o, max, &t);
		}
	}
	json_t *r = json_object();
	json_object_set_new(r, "a", jstr(a));
	json_object_set_new(r, "b", jstr(b));
	json_object_set_new(r, "identical", json_integer((json_int_t)t.nsame));
	if (o->deep)
		json_object_set_new(r, "deep_tool",
				    o->diffoscope ? json_string(o->diffoscope_label) : json_null());
	if (o->verbose)
		json_object_set_new(r, "identical_packages", t.same);
	else
		json_decref(t.same);
	json_object_set_new(r, "only_in_a", t.only_a);
	json_object_set_new(r, "only_in_b", t.only_b);
	json_object_set_new(r, "differing", t.differing);
	int differ = json_array_size(t.only_a) || json_array_size(t.only_b) ||
		     json_array_size(t.differing);
	json_object_set_new(r, "result", json_string(differ ? "different" : "identical"));
	side_free(&sa);
	side_free(&sb);
	if (rc < 0) {
		json_decref(r);
		return -1;
	}
	*report = r;
	return differ;
}

/* ---- text rendering ---- */

static const char *js(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static long long ji(const json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

/* " label a -> b", comma-separated after the first */
static void print_pair(FILE *f, int *n, const char *label, const json_t *p)
{
	if (!p)
		return;
	const json_t *a = json_object_get(p, "a"), *b = json_object_get(p, "b");
	fprintf(f, "%s %s ", (*n)++ ? "," : "", label);
	if (json_is_integer(a))
		fprintf(f, "%lld -> %lld", (long long)json_integer_value(a),
			(long long)json_integer_value(b));
	else
		fprintf(f, "%s -> %s", json_is_string(a) ? json_string_value(a) : "(none)",
			json_is_string(b) ? json_string_value(b) : "(none)");
}

static void print_lines(FILE *f, const json_t *m)
{
	size_t k;
	const json_t *l;
	json_array_foreach(json_object_get(m, "lines"), k, l)
		fprintf(f, "      %s\n", json_string_value(l));
	if (ji(m, "omitted"))
		fprintf(f, "      (%lld more differing lines not shown)\n", ji(m, "omitted"));
}

static void print_content(FILE *f, const json_t *c)
{
	const json_t *a = json_object_get(c, "a"), *b = json_object_get(c, "b");
	fprintf(f, "    content: A %lld bytes sha256 %s\n", ji(a, "size"), js(a, "sha256"));
	fprintf(f, "             B %lld bytes sha256 %s\n", ji(b, "size"), js(b, "sha256"));
	if (json_object_get(c, "first_difference")) {
		fprintf(f, "    first difference at byte %lld", ji(c, "first_difference"));
		long long nd = ji(c, "differing_bytes"), sa = ji(a, "size"), sb = ji(b, "size");
		if (json_object_get(c, "differing_bytes"))
			fprintf(f, ", %lld byte%s differ%s", nd, nd == 1 ? "" : "s",
				nd == 1 ? "s" : "");
		else if (ji(c, "first_difference") == (sa < sb ? sa : sb))
			fprintf(f, " (%s is a prefix of %s)", sa < sb ? "A" : "B",
				sa < sb ? "B" : "A");
		fprintf(f, "\n");
	}
	const json_t *s = json_object_get(c, "elf_sections");
	if (s) {
		size_t k;
		const json_t *x;
		fprintf(f, "    ELF sections:");
		if (!json_array_size(s))
			fprintf(f, " none differ (the bytes outside sections do)");
		json_array_foreach(s, k, x)
		{
			const char *ch = js(x, "change");
			fprintf(f, " %s", js(x, "name"));
			if (strcmp(ch, "content"))
				fprintf(f, " (%s)", ch);
		}
		fprintf(f, "\n");
	}
}

static void print_file(FILE *f, const json_t *x)
{
	const char *ch = js(x, "change");
	if (strcmp(ch, "changed")) {
		const json_t *d = json_object_get(x, strcmp(ch, "added") ? "a" : "b");
		fprintf(f, "  %s: %s (%s", js(x, "path"), ch, js(d, "type"));
		if (json_object_get(d, "size"))
			fprintf(f, ", %lld bytes", ji(d, "size"));
		if (json_object_get(d, "link"))
			fprintf(f, " -> %s", js(d, "link"));
		fprintf(f, ")\n");
		return;
	}
	int n = 0;
	fprintf(f, "  %s:", js(x, "path"));
	static const char *const keys[] = {"type", "mode", "owner", "mtime", "link", "rdev"};
	for (size_t i = 0; i < ARRAY_LEN(keys); i++)
		print_pair(f, &n, keys[i], json_object_get(x, keys[i]));
	if (json_object_get(x, "content"))
		fprintf(f, "%s content differs", n ? "," : "");
	fprintf(f, "\n");
	if (json_object_get(x, "content"))
		print_content(f, json_object_get(x, "content"));
}

/* A package's report in three parts, so that the HTML page can put each
 * file under its own heading and still say exactly what the text says. */
static void print_pkg_head(FILE *f, const json_t *p)
{
	const json_t *a = json_object_get(p, "a"), *b = json_object_get(p, "b");
	size_t k;
	const json_t *x;
	fprintf(f, "  A %s: %lld bytes sha256 %s\n", js(a, "file"), ji(a, "size"), js(a, "sha256"));
	fprintf(f, "  B %s: %lld bytes sha256 %s\n", js(b, "file"), ji(b, "size"), js(b, "sha256"));
	if (json_is_true(json_object_get(p, "identical_bytes")))
		fprintf(f, "  package bytes identical\n");
	json_array_foreach(json_object_get(p, "pkginfo"), k, x)
	{
		int n = 0;
		fprintf(f, "  .PKGINFO");
		print_pair(f, &n, js(x, "field"), x);
		fprintf(f, "\n");
	}
	json_array_foreach(json_object_get(p, "metadata"), k, x)
	{
		fprintf(f, "  %s differs:\n", js(x, "member"));
		print_lines(f, x);
	}
}

static void print_pkg_tail(FILE *f, const json_t *p)
{
	const char *arc = js(p, "archive");
	if (!strcmp(arc, "compression"))
		fprintf(f, "  every member is identical and so is the tar stream: only the "
			   "compressed bytes differ\n");
	else if (!strcmp(arc, "tar"))
		fprintf(f, "  every member is identical but the tar streams differ (header "
			   "fields not compared, e.g. pax records, user/group names, padding)\n");
	const json_t *pv = json_object_get(p, "provenance");
	if (pv && json_object_get(pv, "only_in"))
		fprintf(f, "  provenance only in %s\n",
			!strcmp(js(pv, "only_in"), "a") ? "A" : "B");
	else if (pv) {
		fprintf(f, "  provenance differs:\n");
		print_lines(f, pv);
	}
}

static void print_pkg(FILE *f, const json_t *p)
{
	size_t k;
	const json_t *x;
	fprintf(f, "package %s:\n", js(p, "name"));
	print_pkg_head(f, p);
	json_array_foreach(json_object_get(p, "files"), k, x) print_file(f, x);
	print_pkg_tail(f, p);
}

static void print_summary(FILE *f, const json_t *r)
{
	fprintf(f, "%lld identical, %zu differ, %zu only in A, %zu only in B\n", ji(r, "identical"),
		json_array_size(json_object_get(r, "differing")),
		json_array_size(json_object_get(r, "only_in_a")),
		json_array_size(json_object_get(r, "only_in_b")));
}

void diff_print(const json_t *r, FILE *f)
{
	size_t k;
	const json_t *x;
	fprintf(f, "A: %s\nB: %s\n", js(r, "a"), js(r, "b"));
	json_array_foreach(json_object_get(r, "only_in_a"), k, x) fprintf(
		f, "only in A: %s %s (%s)\n", js(x, "name"), js(x, "version"), js(x, "file"));
	json_array_foreach(json_object_get(r, "only_in_b"), k, x) fprintf(
		f, "only in B: %s %s (%s)\n", js(x, "name"), js(x, "version"), js(x, "file"));
	json_array_foreach(json_object_get(r, "differing"), k, x) print_pkg(f, x);
	json_array_foreach(json_object_get(r, "identical_packages"), k, x)
		fprintf(f, "identical: %s\n", json_string_value(x));
	print_summary(f, r);
}

/* ---- HTML rendering ---- */

/* Text as HTML character data or attribute value: the five specials as
 * entities, control characters (but tab and newline) shown as \xNN. The
 * report's strings are valid UTF-8 (jstrn). */
static void html_esc(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
				fprintf(f, "\\x%02x", *p);
			else
				fputc(*p, f);
		}
	}
}

/* What a text printer writes, escaped into a <pre>; "-"/"+" lines of a
 * line diff get classes so the page colours them. */
static void html_pre(FILE *f, const char *cls, void (*fn)(FILE *, const json_t *), const json_t *x)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m)
		return;
	fn(m, x);
	fclose(m);
	if (len) {
		fprintf(f, "<pre class=\"%s\">", cls);
		for (char *line = buf; *line;) {
			char *nl = strchr(line, '\n');
			if (nl)
				*nl = 0;
			const char *t = line + strspn(line, " ");
			const char *c = *t == '-' ? "del" : *t == '+' ? "ins" : NULL;
			if (c)
				fprintf(f, "<span class=\"%s\">", c);
			html_esc(f, line);
			fputs(c ? "</span>\n" : "\n", f);
			if (!nl)
				break;
			line = nl + 1;
		}
		fputs("</pre>\n", f);
	}
	free(buf);
}

static void print_lines_of(FILE *f, const json_t *m)
{
	print_lines(f, m);
}

static void print_bytes(FILE *f, const json_t *d)
{
	fprintf(f, "    at byte %lld (the 16-byte row holding the first difference):\n",
		ji(d, "offset"));
	fprintf(f, "    A %s\n    B %s\n", js(d, "a"), js(d, "b"));
}

static void print_text(FILE *f, const json_t *d)
{
	fputs(js(d, "text"), f);
}

static void html_deep(FILE *f, const json_t *deep)
{
	size_t k;
	const json_t *d;
	json_array_foreach(deep, k, d)
	{
		const char *tool = js(d, "tool"), *kind = js(d, "kind");
		fputs("<div class=\"deep\"><p class=\"tool\">", f);
		if (json_object_get(d, "error")) {
			fputs("Deep diff by <b>", f);
			html_esc(f, tool);
			fputs("</b> failed: ", f);
			html_esc(f, js(d, "error"));
			fputs("</p></div>\n", f);
			continue;
		}
		fputs("Deep diff by <b>", f);
		html_esc(f, tool);
		fputs("</b>", f);
		if (!strcmp(kind, "lines"))
			fputs(" (the differing lines)", f);
		else if (!strcmp(kind, "bytes"))
			fputs(" (the bytes at the first difference)", f);
		else if (json_is_true(json_object_get(d, "truncated")))
			fputs(" (cut at 256 KiB)", f);
		fputs("</p>\n", f);
		html_pre(f, "deep",
			 !strcmp(kind, "lines")	  ? print_lines_of
			 : !strcmp(kind, "bytes") ? print_bytes
						  : print_text,
			 d);
		fputs("</div>\n", f);
	}
}

static const char html_style[] =
	"body{font-family:sans-serif;margin:1em 2em;color:#222}"
	"pre{background:#f6f6f6;padding:.5em;overflow-x:auto;white-space:pre-wrap}"
	"table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em;"
	"text-align:left}"
	".identical{color:#176a17}.differs,.only{color:#a31515;font-weight:bold}"
	".del{color:#a31515}.ins{color:#176a17}"
	"h3.file{font-family:monospace;font-size:1em;margin-bottom:.2em}"
	".deep{margin-left:1.5em}.tool{font-size:.9em;color:#555}";

static void html_row(FILE *f, const char *name, const char *cls, const char *verdict, size_t anchor)
{
	fputs("<tr><td>", f);
	html_esc(f, name);
	fprintf(f, "</td><td class=\"%s\">", cls);
	if (anchor)
		fprintf(f, "<a href=\"#p%zu\">%s</a>", anchor, verdict);
	else
		fputs(verdict, f);
	fputs("</td></tr>\n", f);
}

void diff_html(const json_t *r, FILE *f)
{
	size_t k;
	const json_t *x;
	const json_t *diff = json_object_get(r, "differing");
	int same = !strcmp(js(r, "result"), "identical");
	fprintf(f,
		"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<title>krill diff: %s</title>\n<style>%s</style>\n</head>\n<body>\n",
		same ? "identical" : "different", html_style);
	fputs("<h1>krill diff</h1>\n<p>A: <code>", f);
	html_esc(f, js(r, "a"));
	fputs("</code><br>B: <code>", f);
	html_esc(f, js(r, "b"));
	fprintf(f, "</code></p>\n<p class=\"verdict %s\">Verdict: %s: ",
		same ? "identical" : "differs", same ? "identical" : "different");
	char *sum = NULL;
	size_t sl = 0;
	FILE *m = open_memstream(&sum, &sl);
	if (m) {
		print_summary(m, r);
		fclose(m);
		html_esc(f, sum);
	}
	free(sum);
	fputs("</p>\n<p class=\"tool\">Package, member and byte comparison by <b>krill "
	      "diff</b>; deep diff of each differing file by <b>",
	      f);
	const json_t *dt = json_object_get(r, "deep_tool");
	if (json_is_string(dt)) {
		html_esc(f, json_string_value(dt));
		fputs("</b> (and by krill where it gave no report)", f);
	} else
		fputs("krill</b> (diffoscope not used)", f);
	fputs(".</p>\n<h2>Packages</h2>\n<table>\n<tr><th>package</th><th>verdict</th></tr>\n", f);
	json_array_foreach(diff, k, x) html_row(f, js(x, "name"), "differs", "differs", k + 1);
	json_array_foreach(json_object_get(r, "only_in_a"), k, x)
		html_row(f, js(x, "name"), "only", "only in A", 0);
	json_array_foreach(json_object_get(r, "only_in_b"), k, x)
		html_row(f, js(x, "name"), "only", "only in B", 0);
	json_array_foreach(json_object_get(r, "identical_packages"), k, x)
		html_row(f, json_string_value(x), "identical", "identical", 0);
	fputs("</table>\n", f);
	json_array_foreach(diff, k, x)
	{
		fprintf(f, "<section id=\"p%zu\">\n<h2>package ", k + 1);
		html_esc(f, js(x, "name"));
		fputs(": differs</h2>\n", f);
		html_pre(f, "summary", print_pkg_head, x);
		size_t i;
		const json_t *file;
		json_array_foreach(json_object_get(x, "files"), i, file)
		{
			fputs("<h3 class=\"file\">", f);
			html_esc(f, js(file, "path"));
			fputs("</h3>\n", f);
			html_pre(f, "member", print_file, file);
			const json_t *c = json_object_get(file, "content");
			if (c && json_object_get(c, "deep"))
				html_deep(f, json_object_get(c, "deep"));
		}
		html_pre(f, "summary", print_pkg_tail, x);
		fputs("</section>\n", f);
	}
	fputs("</body>\n</html>\n", f);
}
