/* cmd_index.c - `krill index`: write and sign a repository's index. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parallel.h"
#include "pkgread.h"
#include "dep.h"
#include "repo.h"
#include "verbs.h"

static int run(int argc, char **argv);

const struct verb verb_index = {
	"index",
	"write the repository index for REPO/*.pkg.tar.zst and sign it",
	"usage: krill index REPO --key KEY.pem [--expires DAYS | --expires-at TIME]\n"
	"                   [--name NAME] [--arch ARCH] [--version N]\n"
	"\n"
	"Reads every REPO/*.pkg.tar.zst (its .PKGINFO, checked strictly; the file name\n"
	"must be NAME-VERSION.ARCH.pkg.tar.zst from that metadata), hashes it, and writes\n"
	"REPO/INDEX and the detached signature REPO/INDEX.sig made with KEY (an Ed25519\n"
	"private key from `krill keygen`, mode 0600). Both switch in together with one\n"
	"atomic rename (see tools/doc/repo.md), so readers see the old pair or the new.\n"
	"\n"
	"  --key KEY         the private signing key (required)\n"
	"  --expires DAYS    the index expires DAYS days from now (default 30); clients\n"
	"                    and mirrors refuse it afterwards, so re-sign before then\n"
	"  --expires-at T    expire at T (UTC, YYYY-MM-DDTHH:MM:SSZ): for reproducible bytes\n"
	"  --name NAME       repository name (default: the previous index's, else 'main')\n"
	"  --arch ARCH       architecture (default: the previous index's, else the packages')\n"
	"  --version N       index version (default: the previous index's + 1, else 1);\n"
	"                    must be greater than the previous one\n"
	"\n"
	"The same packages, key, name, arch, version and expiry give the same bytes.\n"
	"Exit status: 0 written, 1 failure (nothing changed), 2 usage.\n",
	run,
};

struct opts {
	const char *repo, *key, *name, *arch, *expires_at;
	long days;
	uint64_t version;
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

/* The previous index, trusted as our own output: only its header matters. */
static int previous(const char *repo, struct index *prev)
{
	char *path = path_join(repo, INDEX_FILE), *data;
	size_t len;
	int rc = 0;
	struct stat st;
	memset(prev, 0, sizeof *prev);
	/* a dangling INDEX link: a first index was killed before its switch */
	if (stat(path, &st) == 0 || errno != ENOENT) {
		rc = read_file(path, &data, &len);
		if (rc == 0) {
			rc = index_parse(data, len, path, prev);
			free(data);
		}
		if (rc < 0)
			kr_err_prefix("cannot tell the previous version (fix or remove it)");
	}
	free(path);
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

static int write_index(const struct opts *o)
{
	struct index ix = {0}, prev;
	struct sb text = SB_INIT, sig = SB_INIT;
	int rc = -1;
	if (previous(o->repo, &prev) < 0)
		return -1;
	if (scan(o->repo, &ix) < 0 || settle_header(&ix, &prev, o) < 0 ||
	    index_sort(&ix, o->repo) < 0)
		goto out;
	index_write(&ix, &text);
	if (sign_data(o->key, text.s, text.len, &sig) < 0)
		goto out;
	char hex[SHA256_HEX_LEN + 1], tag[40], exp[21];
	sha256_hex(text.s, text.len, hex);
	snprintf(tag, sizeof tag, "v%llu-%.16s", (unsigned long long)ix.version, hex);
	if (repo_publish(o->repo, tag, text.s, text.len, sig.s, sig.len, NULL) < 0)
		goto out;
	rfc3339_format(ix.expires, exp);
	printf("%s: index version %llu, %zu packages, expires %s, signed by key %.16s\n", o->repo,
	       (unsigned long long)ix.version, ix.n, exp, strstr(sig.s, "key-id: ") + 8);
	rc = 0;
out:
	sb_free(&text);
	sb_free(&sig);
	index_free(&ix);
	index_free(&prev);
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

static int run(int argc, char **argv)
{
	static const struct option lopts[] = {
		{"key", required_argument, NULL, 'k'},
		{"expires", required_argument, NULL, 'e'},
		{"expires-at", required_argument, NULL, 'E'},
		{"name", required_argument, NULL, 'n'},
		{"arch", required_argument, NULL, 'a'},
		{"version", required_argument, NULL, 'v'},
		{NULL, 0, NULL, 0},
	};
	struct opts o = {.days = 30};
	uint64_t v;
	int c;
	while ((c = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (c) {
		case 'k': o.key = optarg; break;
		case 'E': o.expires_at = optarg; break;
		case 'n': o.name = optarg; break;
		case 'a': o.arch = optarg; break;
		case 'e':
			if (number(optarg, 3650, &v) < 0)
				return verb_usage_error(&verb_index,
							"--expires: expected 1 to 3650 days");
			o.days = (long)v;
			break;
		case 'v':
			if (number(optarg, UINT64_MAX - 1, &o.version) < 0)
				return verb_usage_error(
					&verb_index, "--version: expected a whole number from 1");
			break;
		default: return verb_usage_error(&verb_index, "unknown option");
		}
	}
	if (optind != argc - 1)
		return verb_usage_error(&verb_index, "expected one REPO directory");
	if (!o.key)
		return verb_usage_error(&verb_index, "--key is required");
	o.repo = argv[optind];
	if (!is_dir(o.repo)) {
		fprintf(stderr, "krill index: %s: not a directory\n", o.repo);
		return 1;
	}
	int lock = repo_lock(o.repo);
	if (lock < 0 || write_index(&o) < 0) {
		fprintf(stderr, "krill index: %s\n", kr_errmsg());
		return 1;
	}
	close(lock);
	return 0;
}
