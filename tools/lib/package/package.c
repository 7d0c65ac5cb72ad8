/* package.c - see package.h */
#include "package.h"

#include <archive.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "elfinfo.h"
#include "ldscript.h"
#include "pkgread.h" /* the member names */
#include "pkgtar.h"
#include "sbom.h"
#include "split.h"
#include "strip.h"
#include "strmap.h"

/* One archive member below the root. */
struct member {
	char *path;
	struct stat st;
	const char *hardlink; /* earlier member with the same inode, or NULL */
};

struct scan {
	struct member *m; /* sorted by path */
	size_t n;
	struct sbom_file *files; /* every path of a regular file */
	size_t nfiles;
	struct strlist needed, sonames, provides;
	struct strlist needed_by;   /* per needed: the first file that needs it */
	struct strlist host_needed; /* DT_NEEDED of toolchain/ programs */
	uint64_t installed;
};

/* ---- hashing both digests in one read ---- */

static int hash_file(const char *path, char sha1[41], char sha256[65])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		kr_err("%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	EVP_MD_CTX *c1 = EVP_MD_CTX_new(), *c2 = EVP_MD_CTX_new();
	EVP_DigestInit_ex(c1, EVP_sha1(), NULL);
	EVP_DigestInit_ex(c2, EVP_sha256(), NULL);
	static _Thread_local char buf[1 << 18];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0) {
			EVP_DigestUpdate(c1, buf, (size_t)n);
			EVP_DigestUpdate(c2, buf, (size_t)n);
		}
	int rc = n < 0 ? -1 : 0;
	if (rc < 0)
		kr_err("%s: read error: %s", path, strerror(errno));
	unsigned char md[32];
	unsigned int len;
	EVP_DigestFinal_ex(c1, md, &len);
	for (int i = 0; i < 20; i++)
		sprintf(sha1 + 2 * i, "%02x", md[i]);
	EVP_DigestFinal_ex(c2, md, &len);
	for (int i = 0; i < 32; i++)
		sprintf(sha256 + 2 * i, "%02x", md[i]);
	EVP_MD_CTX_free(c1);
	EVP_MD_CTX_free(c2);
	close(fd);
	return rc;
}

/* ---- scanning one package ---- */

/* Every file of the package plus all its parent directories, sorted. */
static void member_paths(const struct split_pkg *p, struct strlist *out)
{
	for (size_t i = 0; i < p->files.n; i++) {
		sl_push(out, p->files.v[i]);
		char *d = xstrdup(p->files.v[i]);
		char *slash;
		while ((slash = strrchr(d, '/'))) {
			*slash = 0;
			sl_push(out, d);
		}
		free(d);
	}
	sl_sort(out);
	sl_uniq(out);
}

static int scan_elf(const char *full, const char *rel, struct scan *s, const char *destdir)
{
	struct elf_info e;
	if (elf_inspect(full, &e) < 0)
		return -1;
	/* A run path into DESTDIR works only on the build machine. */
	if (e.runpath && strstr(e.runpath, destdir)) {
		kr_err("%s: RUNPATH '%s' points into the install root, expected an installed "
		       "path such as $ORIGIN/../lib",
		       rel, e.runpath);
		elf_info_free(&e);
		return -1;
	}
	/* toolchain/ holds a bootstrap stage's programs for the build host */
	int tc = str_starts(rel, "toolchain/");
	struct strlist *needed = tc ? &s->host_needed : &s->needed;
	/* a linker script posing as libNAME.so needs what it names to link */
	if (!e.is_elf && str_ends(rel, ".so") && ldscript_file_sonames(full, needed) < 0) {
		elf_info_free(&e);
		return -1;
	}
	for (size_t i = 0; i < e.needed.n; i++)
		sl_push(needed, e.needed.v[i]);
	while (!tc && s->needed_by.n < s->needed.n)
		sl_push(&s->needed_by, rel);
	if (e.is_shlib && e.soname) {
		sl_push(&s->sonames, e.soname);
		/* Only the default search path provides: elsewhere is private. */
		char *dir = path_dirname(rel);
		if (!strcmp(dir, "usr/lib"))
			sl_push_own(&s->provides, xasprintf("so:%s", e.soname));
		free(dir);
	}
	elf_info_free(&e);
	return 0;
}

/* Every path of a regular file is an SBOM file entry (hardlinks repeat the
 * first path's hashes); contents, size and ELF are looked at once per
 * inode. inodes maps "dev:ino" to 1 + the index of its first entry. */
static int scan_regular(const char *root, const char *full, struct member *m, struct scan *s,
			struct strmap *inodes)
{
	char *id = xasprintf("%ju:%ju", (uintmax_t)m->st.st_dev, (uintmax_t)m->st.st_ino);
	uintptr_t first = (uintptr_t)strmap_get(inodes, id);
	struct sbom_file *f = &s->files[s->nfiles++];
	f->path = m->path;
	int rc = 0;
	if (first) {
		const struct sbom_file *orig = &s->files[first - 1];
		m->hardlink = orig->path;
		memcpy(f->sha1, orig->sha1, sizeof f->sha1);
		memcpy(f->sha256, orig->sha256, sizeof f->sha256);
	} else {
		strmap_put(inodes, id, (void *)(uintptr_t)s->nfiles);
		s->installed += (uint64_t)m->st.st_size;
		rc = hash_file(full, f->sha1, f->sha256);
		if (rc == 0)
			rc = scan_elf(full, m->path, s, root);
	}
	free(id);
	return rc;
}

static int scan_package(const char *root, const struct split_pkg *p, struct scan *s)
{
	struct strlist paths = STRLIST_INIT;
	member_paths(p, &paths);
	memset(s, 0, sizeof *s);
	s->m = xcalloc(paths.n + 1, sizeof *s->m);
	s->files = xcalloc(paths.n + 1, sizeof *s->files);
	struct strmap inodes = STRMAP_INIT;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < paths.n; i++) {
		struct member *m = &s->m[s->n++];
		m->path = paths.v[i];
		paths.v[i] = NULL;
		char *full = path_join(root, m->path);
		if (lstat(full, &m->st) < 0) {
			kr_err("%s: cannot stat: %s", full, strerror(errno));
			rc = -1;
		} else if (S_ISREG(m->st.st_mode)) {
			rc = scan_regular(root, full, m, s, &inodes);
		}
		free(full);
	}
	strmap_free(&inodes);
	sl_free(&paths);
	return rc;
}

static void scan_free(struct scan *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->m[i].path);
	free(s->m);
	free(s->files);
	sl_free(&s->needed);
	sl_free(&s->needed_by);
	sl_free(&s->host_needed);
	sl_free(&s->sonames);
	sl_free(&s->provides);
}

/* ---- metadata ---- */

/* Where a host copy of soname is, in o->system_libdirs (the build host's
 * library dirs), or NULL. */
static char *host_copy(const struct package_opts *o, const char *soname)
{
	for (size_t i = 0; o->system_libdirs && i < o->system_libdirs->n; i++) {
		char *p = path_join(o->system_libdirs->v[i], soname);
		if (path_exists(p))
			return p;
		free(p);
	}
	return NULL;
}

int package_soname_source(const struct package_opts *o, const struct strlist *pkg_sonames,
			  const struct strlist *port_sonames, const char *soname)
{
	if (pkg_sonames && sl_has(pkg_sonames, soname))
		return SONAME_SAME_PACKAGE;
	char *own = path_join(o->destdir, "usr/lib");
	char *p = path_join(own, soname);
	int hit = (port_sonames && sl_has(port_sonames, soname)) || path_exists(p);
	free(p);
	free(own);
	if (hit)
		return SONAME_PORT;
	if (o->dep_libdir) {
		p = path_join(o->dep_libdir, soname);
		hit = path_exists(p);
		free(p);
		if (hit)
			return SONAME_DEPENDENCY;
	}
	if (o->runtime_sonames && sl_has(o->runtime_sonames, soname))
		return SONAME_RUNTIME;
	return SONAME_UNDECLARED;
}

/* Every needed soname must have a source (package.h): one line per file
 * and soname that has none, naming a host copy if there is one. */
static int check_sonames(const struct package_opts *o, const struct scan *s,
			 const struct strlist *port_sonames)
{
	struct sb msg = SB_INIT;
	struct strlist seen = STRLIST_INIT;
	size_t bad = 0;
	for (size_t i = 0; i < s->needed.n; i++) {
		const char *so = s->needed.v[i], *file = s->needed_by.v[i];
		char *key = xasprintf("%s\n%s", file, so);
		int dup = sl_has(&seen, key);
		if (dup ||
		    package_soname_source(o, &s->sonames, port_sonames, so) != SONAME_UNDECLARED) {
			free(key);
			continue;
		}
		sl_push_own(&seen, key);
		char *host = host_copy(o, so);
		sb_printf(&msg, "%s%s: needs %s, which no declared dependency provides",
			  bad ? "\n" : "", file, so);
		if (host)
			sb_printf(&msg, " (found on the host: %s)", host);
		sb_printf(&msg, "; add it to build-depends or configure the port not to use it");
		free(host);
		bad++;
	}
	if (bad)
		kr_err("%s", sb_str(&msg));
	sb_free(&msg);
	sl_free(&seen);
	return bad ? -1 : 0;
}

static void fill_info(const struct package_opts *o, const struct split_pkg *p, const struct scan *s,
		      const struct strlist *port_sonames, struct pkginfo *pi)
{
	const struct recipe *r = o->recipe;
	memset(pi, 0, sizeof *pi);
	pi->name = xstrdup(p->name);
	pi->version = recipe_fullver(r);
	pi->arch = xstrdup(o->arch);
	pi->origin = xstrdup(r->name.s);
	pi->summary = xstrdup(p->summary);
	pi->license = xstrdup(r->license);
	pi->homepage = r->homepage ? xstrdup(r->homepage) : NULL;
	pi->build_key = o->key ? xstrdup(o->key) : NULL;
	pi->keyring = r->keyring && !strcmp(p->name, r->name.s) ? xstrdup("yes") : NULL;
	pi->installed_size = s->installed;
	for (size_t i = 0; i < p->depends.n; i++)
		sl_push(&pi->depends, p->depends.v[i]);
	for (size_t i = 0; i < s->needed.n; i++) {
		int src = package_soname_source(o, &s->sonames, port_sonames, s->needed.v[i]);
		if (src == SONAME_PORT || src == SONAME_DEPENDENCY)
			sl_push_own(&pi->depends, xasprintf("so:%s", s->needed.v[i]));
	}
	/* toolchain/ programs run on the build host and link its libraries */
	for (size_t i = 0; i < s->host_needed.n; i++) {
		const char *so = s->host_needed.v[i];
		char *host = sl_has(&s->sonames, so) ? NULL : host_copy(o, so);
		if (!host && !sl_has(&s->sonames, so))
			sl_push_own(&pi->depends, xasprintf("so:%s", so));
		free(host);
	}
	for (size_t i = 0; i < p->provides.n; i++)
		sl_push(&pi->provides, p->provides.v[i]);
	for (size_t i = 0; i < s->provides.n; i++)
		sl_push(&pi->provides, s->provides.v[i]);
	for (size_t i = 0; i < s->n; i++)
		if (S_ISREG(s->m[i].st.st_mode) && str_starts(s->m[i].path, "etc/"))
			sl_push(&pi->conffiles, s->m[i].path);
	/* sorted and deduplicated so the struct matches what .PKGINFO says */
	sl_sort(&pi->depends);
	sl_uniq(&pi->depends);
	sl_sort(&pi->provides);
	sl_uniq(&pi->provides);
}

/* The recipe's sources with ${...} expanded. */
static int expand_sources(const struct package_opts *o, struct sbom_source **out)
{
	const struct recipe *r = o->recipe;
	*out = xcalloc(r->nsources + 1, sizeof **out);
	for (size_t i = 0; i < r->nsources; i++) {
		(*out)[i].url = recipe_expand(r, r->sources[i].url.s, o->arch);
		(*out)[i].sha256 = r->sources[i].sha256;
		if (!(*out)[i].url) {
			kr_err_prefix("%s", r->path);
			return -1;
		}
	}
	return 0;
}

static void free_sources(struct sbom_source *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		free(s[i].url);
	free(s);
}

/* ---- writing ---- */

struct ctx {
	const struct package_opts *o;
	struct sbom_source *sources;
	char recipe_sha256[65];
	char *port_rel;	  /* the port folder relative to its tree: ports/NAME */
	char *recipe_rel; /* PORT_REL/port.yaml */
};

/* The port folder as its tree names it: the name of the folder holding it
 * (ports, bootstrap) and the port's name (which names its folder), never
 * a host path. */
static char *port_rel(const struct recipe *r)
{
	char *real = realpath(r->dir, NULL);
	char *d = xstrdup(real ? real : r->dir);
	free(real);
	for (size_t n = strlen(d); n > 1 && d[n - 1] == '/';)
		d[--n] = 0;
	char *last = strrchr(d, '/');
	const char *parent = "ports";
	if (last) {
		*last = 0;
		char *prev = strrchr(d, '/');
		parent = prev ? prev + 1 : *d ? d : parent;
	}
	char *rel = xasprintf("%s/%s", parent, r->name.s);
	free(d);
	return rel;
}

/* .SHA256SUMS: a line per regular-file member, in member order, as
 * sha256sum(1) writes them (so `sha256sum -c` checks an unpacked package).
 * The installer records these instead of parsing the SBOM for them. */
static void write_sums(const struct scan *s, struct sb *out)
{
	size_t f = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (!S_ISREG(s->m[i].st.st_mode) || s->m[i].hardlink)
			continue;
		/* both lists are sorted by path: s->files also holds hardlinks */
		while (f < s->nfiles && strcmp(s->files[f].path, s->m[i].path) < 0)
			f++;
		if (f < s->nfiles && !strcmp(s->files[f].path, s->m[i].path))
			sb_printf(out, "%s  %s\n", s->files[f].sha256, s->m[i].path);
	}
}

static int write_archive(const struct ctx *c, const struct scan *s, const struct pkginfo *pi,
			 const char *tmp, struct package_file *pf)
{
	const struct package_opts *o = c->o;
	struct sb meta = SB_INIT, sums = SB_INIT;
	pkginfo_write(pi, &meta);
	write_sums(s, &sums);
	char *cpe = recipe_cpe(o->recipe), *upurl = recipe_purl(o->recipe);
	struct sbom_input si = {
		pi,	   o->recipe->version.s, c->sources, o->recipe->nsources, s->files,
		s->nfiles, o->source_date_epoch, cpe,		 upurl};
	char *sbom = sbom_json(&si);
	free(cpe);
	free(upurl);
	int level = o->zstd_level ? o->zstd_level : PACKAGE_ZSTD_LEVEL;
	struct pkgtar *t = pkgtar_open(tmp, level, o->source_date_epoch);
	int rc = t ? 0 : -1;
	if (rc == 0)
		rc = pkgtar_add_data(t, PKGINFO_NAME, meta.s, meta.len);
	if (rc == 0)
		rc = pkgtar_add_data(t, SBOM_NAME, sbom, strlen(sbom));
	if (rc == 0)
		rc = pkgtar_add_data(t, SUMS_NAME, sb_str(&sums), sums.len);
	for (size_t i = 0; rc == 0 && i < s->n; i++)
		rc = pkgtar_add_path(t, o->destdir, s->m[i].path, s->m[i].hardlink);
	if (t && rc < 0)
		pkgtar_abort(t);
	else if (t)
		rc = pkgtar_close(t, pf->sha256, &pf->size);
	free(sbom);
	sb_free(&meta);
	sb_free(&sums);
	return rc;
}

static int write_provenance(const struct ctx *c, const struct package_file *pf, const char *tmp)
{
	const struct package_opts *o = c->o;
	const struct recipe *r = o->recipe;
	struct prov_ref *src = xcalloc(r->nsources + 1, sizeof *src);
	for (size_t i = 0; i < r->nsources; i++)
		src[i] = (struct prov_ref){c->sources[i].url, c->sources[i].sha256};
	/* the port's files by their place in the tree, as the recipe is */
	struct prov_ref *pf_refs = xcalloc(o->portfiles.n + 1, sizeof *pf_refs);
	char **pf_names = xcalloc(o->portfiles.n + 1, sizeof *pf_names);
	for (size_t i = 0; i < o->portfiles.n; i++) {
		pf_names[i] = xasprintf("%s/%s", c->port_rel, o->portfiles.v[i].name);
		pf_refs[i] = (struct prov_ref){pf_names[i], o->portfiles.v[i].value};
	}
	/* Library versions that shape the package bytes. */
	struct prov_ref *tools = xcalloc(o->tools.n + 2, sizeof *tools);
	if (o->tools.n) /* (memcpy from NULL is undefined even for 0 bytes) */
		memcpy(tools, o->tools.v, o->tools.n * sizeof *tools);
	tools[o->tools.n] = (struct prov_ref){"libzstd", ZSTD_versionString()};
	tools[o->tools.n + 1] = (struct prov_ref){"libarchive", archive_version_string()};
	struct prov_input pi = {
		.subject_name = path_basename(pf->path),
		.subject_sha256 = pf->sha256,
		.port = r->name.s,
		.arch = o->arch,
		.key = o->key ? o->key : "",
		.toolchain_key = o->toolchain_key,
		.source_date_epoch = o->source_date_epoch,
		.recipe_path = c->recipe_rel,
		.recipe_sha256 = c->recipe_sha256,
		.sources = {src, r->nsources},
		.portfiles = {pf_refs, o->portfiles.n},
		.deps = o->deps,
		.tools = {tools, o->tools.n + 2},
	};
	char *json = provenance_json(&pi);
	int rc = write_file_atomic(tmp, json, strlen(json), 0644);
	free(json);
	free(tools);
	free(src);
	for (size_t i = 0; i < o->portfiles.n; i++)
		free(pf_names[i]);
	free(pf_names);
	free(pf_refs);
	return rc;
}

/* Temp names of a package and its provenance until all are written. */
static char *tmp_name(const char *path)
{
	return xasprintf("%s.tmp.%ld", path, (long)getpid());
}

/* Write one package from its scan. */
static int one_package(const struct ctx *c, const struct split_pkg *p, const struct scan *s,
		       const struct strlist *port_sonames, struct package_file *pf)
{
	int rc = 0;
	{
		fill_info(c->o, p, s, port_sonames, &pf->info);
		char *file = pkginfo_filename(&pf->info);
		pf->path = path_join(c->o->outdir, file);
		char *base = xstrndup(file, strlen(file) - strlen(".pkg.tar.zst"));
		char *prov = xasprintf("%s.provenance.json", base);
		pf->provenance = path_join(c->o->outdir, prov);
		free(prov);
		free(base);
		free(file);
		char *tmp = tmp_name(pf->path);
		rc = write_archive(c, s, &pf->info, tmp, pf);
		free(tmp);
	}
	if (rc == 0) {
		char *tmp = tmp_name(pf->provenance);
		rc = write_provenance(c, pf, tmp);
		free(tmp);
	}
	return rc;
}

/* Scan every package, check every needed soname against the whole port's
 * (a library in one package serves the others), then write them all. */
static int all_packages(const struct ctx *c, const struct split *sp, struct package_result *res)
{
	struct scan *scans = xcalloc(sp->n + 1, sizeof *scans);
	struct strlist port_sonames = STRLIST_INIT;
	size_t nscan = 0;
	int rc = 0;
	for (; rc == 0 && nscan < sp->n; nscan++)
		rc = scan_package(c->o->destdir, &sp->v[nscan], &scans[nscan]);
	for (size_t i = 0; rc == 0 && i < nscan; i++)
		for (size_t j = 0; j < scans[i].sonames.n; j++)
			sl_push(&port_sonames, scans[i].sonames.v[j]);
	for (size_t i = 0; rc == 0 && i < nscan; i++)
		if ((rc = check_sonames(c->o, &scans[i], &port_sonames)) < 0)
			kr_err_prefix("%s: packaging", c->o->recipe->name.s);
	res->v = xcalloc(sp->n + 1, sizeof *res->v);
	for (size_t i = 0; rc == 0 && i < sp->n; i++)
		rc = one_package(c, &sp->v[res->n++], &scans[i], &port_sonames, &res->v[i]);
	for (size_t i = 0; i < nscan; i++)
		scan_free(&scans[i]);
	free(scans);
	sl_free(&port_sonames);
	return rc;
}

static int check_opts(const struct package_opts *o)
{
	if (!o->recipe || !o->arch || !o->destdir || !o->outdir) {
		kr_err("package: recipe, arch, destdir and outdir are required");
		return -1;
	}
	/* Normally 64 hex digits; tests use short names. It is written into
	 * .PKGINFO, so it must be one printable word. */
	for (const char *k = o->key; k && *k; k++)
		if (*k <= ' ' || *k > '~') {
			kr_err("package: bad content key '%s', expected one printable word",
			       o->key);
			return -1;
		}
	if (o->key && !*o->key) {
		kr_err("package: empty content key, expected the port's key");
		return -1;
	}
	if (o->source_date_epoch < 0) {
		kr_err("package: SOURCE_DATE_EPOCH is negative, expected seconds since 1970");
		return -1;
	}
	return 0;
}

/* Rename every temp into place (commit) or remove them all (undo), so a
 * failure leaves the output folder as it was. */
static int finish(struct package_result *res, int commit)
{
	int rc = 0;
	for (size_t i = 0; i < res->n; i++) {
		const char *paths[2] = {res->v[i].path, res->v[i].provenance};
		for (int j = 0; j < 2; j++) {
			if (!paths[j])
				continue;
			char *tmp = tmp_name(paths[j]);
			if (!commit || rc < 0)
				unlink(tmp);
			else if (rename(tmp, paths[j]) < 0) {
				kr_err("%s: cannot rename into place: %s", paths[j],
				       strerror(errno));
				unlink(tmp);
				rc = -1;
			}
			free(tmp);
		}
	}
	return rc;
}

int package_port(const struct package_opts *o, struct package_result *res)
{
	memset(res, 0, sizeof *res);
	if (check_opts(o) < 0)
		return -1;
	const struct recipe *r = o->recipe;
	if (o->strip && r->strip && strip_tree(o->destdir, o->strip, o->host_strip, NULL) < 0)
		return -1;
	if (mkdir_p(o->outdir, 0755) < 0)
		return -1;
	struct ctx c = {.o = o};
	c.port_rel = port_rel(r);
	c.recipe_rel = xasprintf("%s/port.yaml", c.port_rel);
	struct split sp;
	int rc = sha256_file(r->path, c.recipe_sha256, NULL);
	if (rc == 0)
		rc = expand_sources(o, &c.sources);
	if (rc == 0)
		rc = split_tree(r, o->destdir, &sp);
	if (rc == 0) {
		rc = all_packages(&c, &sp, res);
		split_free(&sp);
	}
	if (finish(res, rc == 0) < 0)
		rc = -1;
	if (rc == 0)
		fsync_dir(o->outdir);
	else
		package_result_free(res);
	free_sources(c.sources, r->nsources);
	free(c.recipe_rel);
	free(c.port_rel);
	return rc;
}

void package_result_free(struct package_result *res)
{
	for (size_t i = 0; i < res->n; i++) {
		free(res->v[i].path);
		free(res->v[i].provenance);
		pkginfo_free(&res->v[i].info);
	}
	free(res->v);
	memset(res, 0, sizeof *res);
}
