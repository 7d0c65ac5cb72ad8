/* cmd_index.c - `krill index`: write and sign a repository's index. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dep.h"
#include "feeds.h"
#include "parallel.h"
#include "pkgread.h"
#include "provenance.h"
#include "recipe.h"
#include "repo.h"
#include "tuf.h"
#include "verbs.h"

static int run(int argc, char **argv);

const struct verb verb_index = {
	"index",
	"write the repository index for REPO/*.pkg.tar.zst and sign it",
	"usage: krill index REPO --key KEY.pem [--expires DAYS | --expires-at TIME]\n"
	"                   [--name NAME] [--arch ARCH] [--version N]\n"
	"                   [--timestamp-expires DAYS | --timestamp-expires-at TIME]\n"
	"                   [--ports DIR]... [--secdb-url URL] [--vex-timestamp TIME]\n"
	"       krill index REPO --key KEY.pem --timestamp-only [--timestamp-expires ...]\n"
	"\n"
	"Reads every REPO/*.pkg.tar.zst (its .PKGINFO, checked strictly; the file name\n"
	"must be NAME-VERSION.ARCH.pkg.tar.zst from that metadata), hashes it, and writes\n"
	"REPO/INDEX and the detached signature REPO/INDEX.sig made with KEY (an Ed25519\n"
	"private key from `krill keygen`, mode 0600). Both switch in together with one\n"
	"atomic rename (see tools/doc/repo.md), so readers see the old pair or the new.\n"
	"With them: INDEX.zst (the same bytes, zstd), INDEX.from-ID.zst (a zstd patch\n"
	"against the previous INDEX) and `timestamp`, a small signed file naming the\n"
	"index by version, size and sha256, which is all a client with a current\n"
	"index fetches.\n"
	"With --ports, also the security feeds from those ports' secfixes: and\n"
	"not-affected: (tools/doc/repo.md): secdb.json (the Alpine/Wolfi secdb format)\n"
	"and openvex.json (OpenVEX; only when it has a statement), named in INDEX by\n"
	"size and sha256 so that its signature covers them.\n"
	"\n"
	"  --key KEY         the private signing key (required)\n"
	"  --expires DAYS    the index expires DAYS days from now (default 30); clients\n"
	"                    and mirrors refuse it afterwards, so re-sign before then\n"
	"  --expires-at T    expire at T (UTC, YYYY-MM-DDTHH:MM:SSZ): for reproducible bytes\n"
	"  --name NAME       repository name (default: the previous index's, else 'main')\n"
	"  --arch ARCH       architecture (default: the previous index's, else the packages')\n"
	"  --version N       index version (default: the previous index's + 1, else 1);\n"
	"                    must be greater than the previous one\n"
	"  --timestamp-expires DAYS  the timestamp expires DAYS days from now (default\n"
	"                    7, never after the index; with --expires-at: the index's)\n"
	"  --timestamp-expires-at T  expire the timestamp at T\n"
	"  --timestamp-only  re-sign only the timestamp (a new timestamp version, the\n"
	"                    index and its version unchanged)\n"
	"  --ports DIR       a folder of ports (NAME/port.yaml) whose security data\n"
	"                    goes into the feeds; repeatable (ports, bootstrap)\n"
	"  --secdb-url URL   the secdb's urlprefix: where this repository is served\n"
	"                    (default " KRILL_URI "/ARCH/NAME)\n"
	"  --vex-timestamp T the OpenVEX document's timestamp (UTC,\n"
	"                    YYYY-MM-DDTHH:MM:SSZ; default $SOURCE_DATE_EPOCH when set,\n"
	"                    else now): for reproducible bytes, as --expires-at\n"
	"\n"
	"The same packages, key, name, arch, version and expiry (and, with --ports,\n"
	"recipes and OpenVEX timestamp) give the same bytes.\n"
	"Exit status: 0 written, 1 failure (nothing changed), 2 usage.\n",
	run,
};

struct opts {
	const char *repo, *key, *name, *arch, *expires_at, *ts_expires_at, *secdb_url;
	const char *vex_timestamp;
	struct strlist ports;
	time_t vex_time; /* the OpenVEX document's timestamp */
	long days, ts_days;
	uint64_t version;
	int ts_only;
};

/* One package file, read on a worker thread: its metadata or an error. */
struct scanned {
	const char *file;
	struct pkginfo p;
	char *err;
};

struct scan {
	const char *repo;
	struct scanned *v;
};

static int read_package(const char *repo, struct scanned *s)
{
	char *path = path_join(repo, s->file), *data;
	size_t len;
	int rc = -1;
	if (read_file(path, &data, &len) < 0) {
		free(path);
		return -1;
	}
	struct pkgread *r = pkgread_open_memory(data, len, path);
	if (r) {
		pkgread_take_info(r, &s->p);
		pkgread_close(r);
		char *want = pkginfo_filename(&s->p);
		if (strcmp(want, s->file)) {
			kr_err("%s: its .PKGINFO says %s %s %s, so its file name must be %s", path,
			       s->p.name, s->p.version, s->p.arch, want);
		} else {
			s->p.has_index_fields = 1;
			s->p.file = xstrdup(s->file);
			s->p.size = len;
			sha256_hex(data, len, s->p.sha256);
			rc = 0;
		}
		free(want);
	}
	free(data);
	free(path);
	return rc;
}

static void scan_one(size_t i, void *arg)
{
	struct scan *sc = arg;
	if (read_package(sc->repo, &sc->v[i]) < 0) {
		sc->v[i].err = xstrdup(kr_errmsg());
		pkginfo_free(&sc->v[i].p);
	}
}

/* Packages are independent: read them in parallel, report the first
 * failure in file-name order so the message does not depend on timing. */
static int scan(const char *repo, struct index *ix)
{
	struct strlist names = STRLIST_INIT, pkgs = STRLIST_INIT;
	if (list_dir(repo, &names) < 0)
		return -1;
	for (size_t i = 0; i < names.n; i++)
		if (str_ends(names.v[i], ".pkg.tar.zst"))
			sl_push(&pkgs, names.v[i]);
	struct scan sc = {repo, xcalloc(pkgs.n, sizeof *sc.v)};
	for (size_t i = 0; i < pkgs.n; i++)
		sc.v[i].file = pkgs.v[i];
	parallel_for(pkgs.n, scan_one, &sc);
	int rc = 0;
	for (size_t i = 0; i < pkgs.n; i++) {
		if (sc.v[i].err && rc == 0) {
			kr_err("%s", sc.v[i].err);
			rc = -1;
		}
		if (!sc.v[i].err && rc == 0)
			index_add(ix, &sc.v[i].p);
		pkginfo_free(&sc.v[i].p);
		free(sc.v[i].err);
	}
	free(sc.v);
	sl_free(&names);
	sl_free(&pkgs);
	return rc;
}

/* A file of the current snapshot, trusted as our own output; *data is
 * NULL when there is none (a dangling link: a first index was killed
 * before its switch). */
static int previous_file(const char *repo, const char *name, char **data, size_t *len)
{
	char *path = path_join(repo, name);
	int rc = 0;
	struct stat st;
	*data = NULL;
	*len = 0;
	if (stat(path, &st) == 0 || errno != ENOENT)
		rc = read_file(path, data, len);
	free(path);
	return rc;
}

/* The previous index (its header matters, and its bytes for the delta)
 * and timestamp (its version). */
static int previous(const char *repo, struct index *prev, char **raw, size_t *rawlen,
		    struct timestamp *pts)
{
	char *ts = NULL;
	size_t tslen;
	int rc = previous_file(repo, INDEX_FILE, raw, rawlen);
	memset(prev, 0, sizeof *prev);
	memset(pts, 0, sizeof *pts);
	if (rc == 0 && *raw)
		rc = index_parse(*raw, *rawlen, INDEX_FILE, prev);
	if (rc == 0)
		rc = previous_file(repo, TIMESTAMP_FILE, &ts, &tslen);
	if (rc == 0 && ts) {
		struct sig_envelope env;
		size_t body;
		rc = timestamp_parse(ts, tslen, TIMESTAMP_FILE, pts, &env, &body);
	}
	free(ts);
	if (rc < 0)
		kr_err_prefix("%s: cannot tell the previous version (fix or remove it)", repo);
	return rc;
}

static int settle_header(struct index *ix, const struct index *prev, const struct opts *o)
{
	const char *arch = o->arch	? o->arch
			   : prev->arch ? prev->arch
			   : ix->n	? ix->pkgs[0].arch
					: NULL;
	const char *name = o->name ? o->name : prev->name ? prev->name : "main";
	if (!arch) {
		kr_err("%s: no packages and no previous index, give --arch", o->repo);
		return -1;
	}
	if (!valid_pkgname(name)) {
		kr_err("bad repository name '%s', expected lowercase letters, digits and + . _ -",
		       name);
		return -1;
	}
	for (size_t i = 0; i < ix->n; i++)
		if (strcmp(ix->pkgs[i].arch, arch)) {
			kr_err("%s/%s: arch %s, expected %s like the rest of the repository",
			       o->repo, ix->pkgs[i].file, ix->pkgs[i].arch, arch);
			return -1;
		}
	ix->name = xstrdup(name);
	ix->arch = xstrdup(arch);
	ix->version = o->version ? o->version : prev->version + 1;
	if (ix->version <= prev->version) {
		kr_err("version %llu is not greater than the previous index's %llu",
		       (unsigned long long)ix->version, (unsigned long long)prev->version);
		return -1;
	}
	if (o->expires_at) {
		if (rfc3339_parse(o->expires_at, &ix->expires) < 0) {
			kr_err("--expires-at '%s': expected UTC time as YYYY-MM-DDTHH:MM:SSZ",
			       o->expires_at);
			return -1;
		}
		if (ix->expires <= time(NULL))
			fprintf(stderr,
				"krill index: warning: %s is in the past: clients will refuse this "
				"index\n",
				o->expires_at);
	} else {
		ix->expires = time(NULL) + o->days * 86400;
	}
	return 0;
}

/* The timestamp for index ix (raw bytes, zst, delta), signed: body, blank
 * line, envelope. */
static int make_timestamp(const struct opts *o, const struct index *ix, const struct sb *text,
			  const struct sb *zst, const char *from, const struct sb *delta,
			  uint64_t version, struct sb *out)
{
	struct timestamp t = {.name = ix->name, .arch = ix->arch, .version = version};
	t.index_version = ix->version;
	t.index_expires = ix->expires;
	t.index_size = text->len;
	sha256_hex(text->s, text->len, t.index_sha256);
	t.zst_size = zst->len;
	sha256_hex(zst->s, zst->len, t.zst_sha256);
	if (from && delta->len) {
		memcpy(t.delta_from, from, SHA256_HEX_LEN + 1);
		t.delta_size = delta->len;
		sha256_hex(delta->s, delta->len, t.delta_sha256);
	}
	if (o->ts_expires_at) {
		if (rfc3339_parse(o->ts_expires_at, &t.expires) < 0) {
			kr_err("--timestamp-expires-at '%s': expected UTC time as "
			       "YYYY-MM-DDTHH:MM:SSZ",
			       o->ts_expires_at);
			return -1;
		}
		if (t.expires > ix->expires) {
			kr_err("--timestamp-expires-at %s is after the index's expiry",
			       o->ts_expires_at);
			return -1;
		}
	} else if (o->expires_at && !o->ts_days) {
		t.expires = ix->expires; /* reproducible bytes */
	} else {
		t.expires = time(NULL) + (o->ts_days ? o->ts_days : 7) * 86400;
		if (t.expires > ix->expires)
			t.expires = ix->expires;
	}
	struct sb body = SB_INIT;
	timestamp_write(&t, &body);
	sb_add(out, body.s, body.len);
	sb_addc(out, '\n');
	int rc = sign_data(o->key, body.s, body.len, out);
	sb_free(&body);
	return rc;
}

static int publish(const struct opts *o, const struct index *ix, const struct sb *text,
		   const struct sb *sig, const struct sb *zst, const char *from,
		   const struct sb *delta, uint64_t tsversion, const struct sb feeds[FEED_N])
{
	struct sb ts = SB_INIT;
	char *dname = from && delta->len ? index_delta_name(from) : NULL;
	struct repo_file files[3 + FEED_N] = {
		{INDEX_ZST_FILE, zst->s, zst->len},
		{TIMESTAMP_FILE, NULL, 0},
	};
	size_t nfiles = 2;
	if (dname)
		files[nfiles++] = (struct repo_file){dname, delta->s, delta->len};
	for (int f = 0; f < FEED_N; f++)
		if (ix->feeds[f].size)
			files[nfiles++] = (struct repo_file){index_feed_files[f], feeds[f].s,
							     feeds[f].len};
	struct repo_links l = {STRLIST_INIT, STRLIST_INIT, NULL, NULL, 0, files, nfiles};
	int rc = make_timestamp(o, ix, text, zst, from, delta, tsversion, &ts);
	if (rc == 0) {
		files[1].data = ts.s;
		files[1].len = ts.len;
		char hex[SHA256_HEX_LEN + 1], tag[48];
		sha256_hex(ts.s, ts.len, hex);
		snprintf(tag, sizeof tag, "v%llu-%.16s", (unsigned long long)ix->version, hex);
		rc = repo_publish(o->repo, tag, text->s, text->len, sig->s, sig->len, &l);
	}
	sb_free(&ts);
	free(dname);
	return rc < 0 ? -1 : 0;
}

static void free_ports(struct recipe **rs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		recipe_free(rs[i]);
	free(rs);
}

/* Every NAME/port.yaml under the --ports folders; a recipe with any
 * problem stops the index (krill lint says more). */
static int load_ports(const struct opts *o, struct recipe ***out, size_t *n)
{
	struct diags d = DIAGS_INIT;
	int rc = 0;
	*out = NULL;
	*n = 0;
	for (size_t i = 0; rc == 0 && i < o->ports.n; i++) {
		struct strlist l = STRLIST_INIT;
		if (list_dir(o->ports.v[i], &l) < 0) {
			kr_err_prefix("--ports %s", o->ports.v[i]);
			rc = -1;
		}
		for (size_t j = 0; j < l.n; j++) {
			char *pd = path_join(o->ports.v[i], l.v[j]);
			char *py = path_join(pd, "port.yaml");
			if (l.v[j][0] != '.' && path_exists(py)) {
				struct recipe *r = recipe_load(py, &d);
				if (r) {
					*out = xrealloc(*out, (*n + 1) * sizeof **out);
					(*out)[(*n)++] = r;
				}
			}
			free(py);
			free(pd);
		}
		sl_free(&l);
	}
	if (rc == 0 && d.n) {
		diag_sort(&d);
		diag_to_err(&d);
		kr_err_prefix("a recipe has problems (krill lint lists them all)");
		rc = -1;
	}
	diag_free(&d);
	if (rc < 0) {
		free_ports(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* The feeds of ix from the recipes, named in ix->feeds. */
static int make_feeds(const struct opts *o, struct index *ix, struct sb feeds[FEED_N])
{
	struct recipe **rs;
	size_t n;
	if (!o->ports.n)
		return 0;
	if (load_ports(o, &rs, &n) < 0)
		return -1;
	struct feed_port *fp = xcalloc(n + 1, sizeof *fp);
	for (size_t i = 0; i < n; i++) {
		const struct recipe *r = rs[i];
		struct feed_fix *fx = xcalloc(r->nsecfixes + 1, sizeof *fx);
		struct feed_notaff *na = xcalloc(r->nnot_affected + 1, sizeof *na);
		for (size_t j = 0; j < r->nsecfixes; j++) {
			const char **ids = xcalloc(r->secfixes[j].ids.n + 1, sizeof *ids);
			for (size_t k = 0; k < r->secfixes[j].ids.n; k++)
				ids[k] = r->secfixes[j].ids.v[k].s;
			fx[j] = (struct feed_fix){r->secfixes[j].fullver.s, ids,
						  r->secfixes[j].ids.n};
		}
		for (size_t j = 0; j < r->nnot_affected; j++)
			na[j] = (struct feed_notaff){r->not_affected[j].id.s,
						     r->not_affected[j].justification,
						     r->not_affected[j].impact};
		fp[i] = (struct feed_port){r->name.s, fx, r->nsecfixes, na, r->nnot_affected};
	}
	char *url = o->secdb_url ? xstrdup(o->secdb_url)
				 : xasprintf(KRILL_URI "/%s/%s", ix->arch, ix->name);
	char *text[FEED_N] = {feeds_secdb(ix, fp, n, url), feeds_openvex(ix, fp, n, o->vex_time)};
	for (int f = 0; f < FEED_N; f++) {
		if (!text[f])
			continue;
		sb_adds(&feeds[f], text[f]);
		ix->feeds[f].size = feeds[f].len;
		sha256_hex(feeds[f].s, feeds[f].len, ix->feeds[f].sha256);
		free(text[f]);
	}
	free(url);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < fp[i].nfixes; j++)
			free((void *)fp[i].fixes[j].ids);
		free((void *)fp[i].fixes);
		free((void *)fp[i].notaff);
	}
	free(fp);
	free_ports(rs, n);
	return 0;
}

/* One zstd compression, on a worker thread. */
struct zjob {
	const struct sb *text;
	const char *prefix;
	size_t plen;
	int level;
	struct sb *out;
	char *err;
};

static void zjob_run(size_t i, void *arg)
{
	struct zjob *j = (struct zjob *)arg + i;
	if (zst_compress(j->text->s, j->text->len, j->prefix, j->plen, j->level, j->out) < 0)
		j->err = xstrdup(kr_errmsg());
}

static int write_index(const struct opts *o)
{
	struct index ix = {0}, prev;
	struct timestamp pts;
	struct sb text = SB_INIT, sig = SB_INIT, zst = SB_INIT, delta = SB_INIT;
	struct sb feeds[FEED_N] = {SB_INIT, SB_INIT};
	char *praw = NULL, from[SHA256_HEX_LEN + 1];
	size_t prawlen;
	int rc = -1;
	if (previous(o->repo, &prev, &praw, &prawlen, &pts) < 0)
		return -1;
	if (scan(o->repo, &ix) < 0 || settle_header(&ix, &prev, o) < 0 ||
	    index_sort(&ix, o->repo) < 0 || make_feeds(o, &ix, feeds) < 0)
		goto out;
	index_write(&ix, &text);
	if (sign_data(o->key, text.s, text.len, &sig) < 0)
		goto out;
	/* INDEX.zst, and the delta a client holding the previous index
	 * fetches instead: compressed side by side */
	struct zjob jobs[2] = {
		{&text, NULL, 0, INDEX_ZST_LEVEL, &zst, NULL},
		{&text, praw, prawlen, INDEX_DELTA_LEVEL, &delta, NULL},
	};
	int with_delta = praw && prawlen <= (64u << 20) && text.len <= (64u << 20);
	if (with_delta)
		sha256_hex(praw, prawlen, from);
	parallel_for(with_delta ? 2 : 1, zjob_run, jobs);
	for (int i = 0; i < 2; i++)
		if (jobs[i].err && rc == -1) {
			kr_err("%s", jobs[i].err);
			free(jobs[0].err);
			free(jobs[1].err);
			goto out;
		}
	if (publish(o, &ix, &text, &sig, &zst, with_delta ? from : NULL, &delta, pts.version + 1,
		    feeds) < 0)
		goto out;
	char exp[21];
	rfc3339_format(ix.expires, exp);
	printf("%s: index version %llu, %zu packages, expires %s, signed by key %.16s; "
	       "INDEX %zu bytes, INDEX.zst %zu, delta %zu, timestamp version %llu",
	       o->repo, (unsigned long long)ix.version, ix.n, exp, strstr(sig.s, "key-id: ") + 8,
	       text.len, zst.len, delta.len, (unsigned long long)pts.version + 1);
	for (int f = 0; f < FEED_N; f++)
		if (ix.feeds[f].size)
			printf(", %s %zu", index_feed_files[f], feeds[f].len);
	printf("\n");
	rc = 0;
out:
	for (int f = 0; f < FEED_N; f++)
		sb_free(&feeds[f]);
	sb_free(&text);
	sb_free(&sig);
	sb_free(&zst);
	sb_free(&delta);
	free(praw);
	index_free(&ix);
	index_free(&prev);
	timestamp_free(&pts);
	return rc;
}

/* A new timestamp for the current index: its bytes, signature, INDEX.zst
 * and delta are published again as they are. */
static int resign_timestamp(const struct opts *o)
{
	struct index prev;
	struct timestamp pts;
	char *praw = NULL, *sig = NULL, *delta = NULL, *dname = NULL;
	size_t prawlen, siglen, deltalen = 0;
	int rc = -1;
	if (previous(o->repo, &prev, &praw, &prawlen, &pts) < 0)
		return -1;
	struct sb text = {praw, prawlen, prawlen}, sigb = SB_INIT, zstb = SB_INIT, deltab = SB_INIT;
	struct sb feeds[FEED_N] = {SB_INIT, SB_INIT};
	if (!praw) {
		kr_err("%s: no index to re-sign a timestamp for", o->repo);
		goto out;
	}
	if (previous_file(o->repo, INDEX_SIG_FILE, &sig, &siglen) < 0 || !sig) {
		kr_err_prefix("%s: no %s", o->repo, INDEX_SIG_FILE);
		goto out;
	}
	sigb = (struct sb){sig, siglen, siglen};
	/* INDEX.zst is recompressed (a repository from before it existed has none) */
	if (zst_compress(praw, prawlen, NULL, 0, INDEX_ZST_LEVEL, &zstb) < 0)
		goto out;
	if (pts.delta_size) {
		dname = index_delta_name(pts.delta_from);
		if (previous_file(o->repo, dname, &delta, &deltalen) < 0)
			goto out;
		if (delta)
			sb_add(&deltab, delta, deltalen);
	}
	struct index ix = prev;
	if (time(NULL) >= ix.expires) {
		kr_err("%s: the index expired: sign a new index, not only a timestamp", o->repo);
		goto out;
	}
	/* the feeds the index names go into the new snapshot unchanged */
	for (int f = 0; f < FEED_N; f++) {
		char *fd = NULL, hex[SHA256_HEX_LEN + 1];
		size_t fl = 0;
		if (!ix.feeds[f].size)
			continue;
		if (previous_file(o->repo, index_feed_files[f], &fd, &fl) < 0 || !fd) {
			kr_err_prefix("%s: no %s, which the index names", o->repo,
				      index_feed_files[f]);
			free(fd);
			goto out;
		}
		sha256_hex(fd, fl, hex);
		sb_add(&feeds[f], fd, fl);
		free(fd);
		if (fl != ix.feeds[f].size || strcmp(hex, ix.feeds[f].sha256)) {
			kr_err("%s/%s: not the bytes the index names: sign a new index", o->repo,
			       index_feed_files[f]);
			goto out;
		}
	}
	if (publish(o, &ix, &text, &sigb, &zstb, delta ? pts.delta_from : NULL, &deltab,
		    pts.version + 1, feeds) < 0)
		goto out;
	printf("%s: timestamp version %llu for index version %llu\n", o->repo,
	       (unsigned long long)pts.version + 1, (unsigned long long)ix.version);
	rc = 0;
out:
	free(praw);
	free(sig);
	free(delta);
	free(dname);
	sb_free(&zstb);
	sb_free(&deltab);
	for (int f = 0; f < FEED_N; f++)
		sb_free(&feeds[f]);
	index_free(&prev);
	timestamp_free(&pts);
	return rc;
}

static int number(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (!*s || *s == '-' || *end || errno || v == 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

static int run_opts(int argc, char **argv, struct opts *op);

/* The OpenVEX timestamp without --vex-timestamp: SOURCE_DATE_EPOCH when
 * set (whole seconds, else an error: never a silent default), else now. */
static int vex_time_from_env(time_t *out)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	*out = time(NULL);
	if (!s || !*s)
		return 0;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (*end || v < 0 || errno || strspn(s, "0123456789") != strlen(s)) {
		kr_err("SOURCE_DATE_EPOCH='%s': expected seconds since 1970 (a non-negative "
		       "integer)",
		       s);
		return -1;
	}
	*out = (time_t)v;
	return 0;
}

static int run(int argc, char **argv)
{
	struct opts o = {.days = 30, .ports = STRLIST_INIT};
	int rc = run_opts(argc, argv, &o);
	sl_free(&o.ports);
	return rc;
}

static int run_opts(int argc, char **argv, struct opts *op)
{
	static const struct option lopts[] = {
		{"key", required_argument, NULL, 'k'},
		{"expires", required_argument, NULL, 'e'},
		{"expires-at", required_argument, NULL, 'E'},
		{"name", required_argument, NULL, 'n'},
		{"arch", required_argument, NULL, 'a'},
		{"version", required_argument, NULL, 'v'},
		{"timestamp-expires", required_argument, NULL, 't'},
		{"timestamp-expires-at", required_argument, NULL, 'T'},
		{"timestamp-only", no_argument, NULL, 'o'},
		{"ports", required_argument, NULL, 'p'},
		{"secdb-url", required_argument, NULL, 'u'},
		{"vex-timestamp", required_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	uint64_t v;
	int c;
	while ((c = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (c) {
		case 'k': op->key = optarg; break;
		case 'E': op->expires_at = optarg; break;
		case 'n': op->name = optarg; break;
		case 'a': op->arch = optarg; break;
		case 'T': op->ts_expires_at = optarg; break;
		case 'o': op->ts_only = 1; break;
		case 'p': sl_push(&op->ports, optarg); break;
		case 'u': op->secdb_url = optarg; break;
		case 'V': op->vex_timestamp = optarg; break;
		case 't':
			if (number(optarg, 3650, &v) < 0)
				return verb_usage_error(
					&verb_index,
					"--timestamp-expires: expected 1 to 3650 days");
			op->ts_days = (long)v;
			break;
		case 'e':
			if (number(optarg, 3650, &v) < 0)
				return verb_usage_error(&verb_index,
							"--expires: expected 1 to 3650 days");
			op->days = (long)v;
			break;
		case 'v':
			if (number(optarg, UINT64_MAX - 1, &op->version) < 0)
				return verb_usage_error(
					&verb_index, "--version: expected a whole number from 1");
			break;
		default: return verb_usage_error(&verb_index, "unknown option");
		}
	}
	if (optind != argc - 1)
		return verb_usage_error(&verb_index, "expected one REPO directory");
	if (!op->key)
		return verb_usage_error(&verb_index, "--key is required");
	if (op->ts_only && (op->ports.n || op->secdb_url || op->vex_timestamp))
		return verb_usage_error(&verb_index, "--timestamp-only keeps the feeds the index "
						     "names: not with --ports, --secdb-url or "
						     "--vex-timestamp");
	if (!op->ports.n && (op->secdb_url || op->vex_timestamp))
		return verb_usage_error(&verb_index,
					"--secdb-url and --vex-timestamp are for the feeds: give "
					"--ports");
	if (op->secdb_url && ((strncmp(op->secdb_url, "https://", 8) &&
			       strncmp(op->secdb_url, "http://", 7)) ||
			      strpbrk(op->secdb_url, " \t\n\"\\")))
		return verb_usage_error(&verb_index,
					"--secdb-url: expected an http:// or https:// URL");
	if (op->vex_timestamp && rfc3339_parse(op->vex_timestamp, &op->vex_time) < 0)
		return verb_usage_error(&verb_index,
					"--vex-timestamp: expected UTC time as YYYY-MM-DDTHH:MM:SSZ");
	if (!op->vex_timestamp && vex_time_from_env(&op->vex_time) < 0) {
		fprintf(stderr, "krill index: %s\n", kr_errmsg());
		return 1;
	}
	op->repo = argv[optind];
	if (!is_dir(op->repo)) {
		fprintf(stderr, "krill index: %s: not a directory\n", op->repo);
		return 1;
	}
	int lock = repo_lock(op->repo);
	if (lock < 0 || (op->ts_only ? resign_timestamp(op) : write_index(op)) < 0) {
		fprintf(stderr, "krill index: %s\n", kr_errmsg());
		return 1;
	}
	close(lock);
	return 0;
}
