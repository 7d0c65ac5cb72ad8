/* test_package.c - whole-port packaging: split, strip, ELF deps, archive
 * layout read back with libarchive, SBOM and provenance, and byte-identical
 * output for the same tree built differently. */
#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>
#include <sys/stat.h>
#include <time.h>
#include <utime.h>

#include "package.h"
#include "pkgtest.h"
#include "t.h"

#define SDE 1700000000LL
#define OLD 1600000000LL /* a file mtime before SDE: kept as is */
#define KEY "abababababababababababababababababababababababababababababababab"

static char *dir, *bindir;
/* The build sysroot's usr/lib of a cross build: the target's glibc (its
 * files need only exist) */
static char *sysroot_lib;

/* ---- building trees ---- */

static const char *const long_name =
	"usr/share/foo/a-rather-long-directory-name-to-pass-the-ustar-name-field/"
	"and-another-level-of-it/a-file-whose-name-alone-is-longer-than-the-one-hundred-bytes-"
	"of-a-ustar-name-field-so-that-libarchive-needs-a-pax-header.txt";

/* The same tree whatever the order, with explicit modes and mtimes. */
static void make_tree(const char *root, int reverse, time_t mtime)
{
	const char *order[] = {"bin", "lib", "data"};
	for (int k = 0; k < 3; k++) {
		const char *step = order[reverse ? 2 - k : k];
		if (!strcmp(step, "bin"))
			sh("mkdir -p '%s/usr/bin' && cp '%s/prog' '%s/usr/bin/prog' && "
			   "ln '%s/usr/bin/prog' '%s/usr/bin/prog2'",
			   root, bindir, root, root, root);
		else if (!strcmp(step, "lib"))
			sh("mkdir -p '%s/usr/lib' && cp '%s/libfoo.so.1.0' '%s/usr/lib/' && "
			   "ln -s libfoo.so.1.0 '%s/usr/lib/libfoo.so.1' && "
			   "ln -s libfoo.so.1.0 '%s/usr/lib/libfoo.so'",
			   root, bindir, root, root, root);
		else {
			put(root, "usr/include/foo.h", "int foo(void);\n", 0644);
			put(root, "usr/share/doc/foo/README", "read me\n", 0644);
			put(root, "etc/foo.conf", "x=1\n", 0640);
			put(root, long_name, "long\n", 0644);
			put(root, "usr/share/foo/old", "old\n", 0644);
			char *p = path_join(root, "var/lib/foo");
			mkdir_p(p, 0700);
			free(p);
		}
	}
	sh("cd '%s' && find . -type d -exec chmod 0755 {} + && chmod 0700 var/lib/foo && "
	   "chmod 0755 usr/bin/prog usr/lib/libfoo.so.1.0 && "
	   "find . -exec touch -h -d @%lld {} + && touch -d @%lld usr/share/foo/old",
	   root, (long long)mtime, OLD);
}

static struct recipe *recipe_for(const char *where, const char *extra)
{
	return load_recipe(where, extra);
}

static const char *const tools_sub = "subpackages:\n  - name: foo-tools\n"
				     "    files: [usr/bin/**]\n    depends: [foo]\n";

static struct prov_ref portfiles[] = {
	{"files/config.site", "1111111111111111111111111111111111111111111111111111111111111111"},
	{"patches/0001-fix.patch",
	 "2222222222222222222222222222222222222222222222222222222222222222"}};
static struct prov_ref deps[] = {
	{"bar-1.0-r1.x86_64.pkg.tar.zst",
	 "3333333333333333333333333333333333333333333333333333333333333333"}};
static struct prov_ref tools[] = {{"cc", "cc (test) 1.0"}, {"bwrap", "bubblewrap 0.0"}};

static int run_package(const struct recipe *r, const char *root, const char *out,
		       struct package_result *res)
{
	struct package_opts o = {
		.recipe = r,
		.arch = "x86_64",
		.key = KEY,
		.destdir = root,
		.outdir = out,
		.source_date_epoch = SDE,
		.strip = "strip",
		.toolchain_key = "4444444444444444444444444444444444444444444444444444444444444444",
		.portfiles = {portfiles, 2},
		.deps = {deps, 1},
		.tools = {tools, 2},
		.dep_libdir = sysroot_lib,
	};
	return package_port(&o, res);
}

static const struct package_file *find(const struct package_result *res, const char *name)
{
	for (size_t i = 0; i < res->n; i++)
		if (!strcmp(res->v[i].info.name, name))
			return &res->v[i];
	return NULL;
}

/* ---- reading back ---- */

struct member {
	char *name, *link, *hardlink, *data;
	mode_t type, perm;
	int64_t uid, gid, mtime, size;
	int has_atime, has_ctime, format;
	const char *uname;
};

static int read_members(const char *path, struct member *m, int max)
{
	struct archive *a = archive_read_new();
	archive_read_support_filter_zstd(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, path, 16384) != ARCHIVE_OK)
		return -1;
	struct archive_entry *e;
	int n = 0;
	while (n < max && archive_read_next_header(a, &e) == ARCHIVE_OK) {
		struct member *x = &m[n++];
		memset(x, 0, sizeof *x);
		x->name = xstrdup(archive_entry_pathname(e));
		/* libarchive writes directories as "dir/"; order is by the path */
		if (str_ends(x->name, "/"))
			x->name[strlen(x->name) - 1] = 0;
		x->link = archive_entry_symlink(e) ? xstrdup(archive_entry_symlink(e)) : NULL;
		x->hardlink = archive_entry_hardlink(e) ? xstrdup(archive_entry_hardlink(e)) : NULL;
		x->type = archive_entry_filetype(e);
		x->perm = archive_entry_perm(e);
		x->uid = archive_entry_uid(e);
		x->gid = archive_entry_gid(e);
		x->uname = archive_entry_uname(e) && !strcmp(archive_entry_uname(e), "root")
				   ? "root"
				   : "other";
		x->mtime = archive_entry_mtime(e);
		x->size = archive_entry_size(e);
		x->has_atime = archive_entry_atime_is_set(e);
		x->has_ctime = archive_entry_ctime_is_set(e);
		x->format = archive_format(a);
		if (x->size > 0) {
			x->data = xmalloc((size_t)x->size + 1);
			archive_read_data(a, x->data, (size_t)x->size);
			x->data[x->size] = 0;
		}
	}
	archive_read_free(a);
	return n;
}

static void free_members(struct member *m, int n)
{
	for (int i = 0; i < n; i++) {
		free(m[i].name);
		free(m[i].link);
		free(m[i].hardlink);
		free(m[i].data);
	}
}

static const struct member *member(const struct member *m, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(m[i].name, name))
			return &m[i];
	return NULL;
}

/* ---- tests ---- */

static struct package_result res_a;
static char *root_a, *out_a;
static struct recipe *recipe_a;

/* Members of the first run's package NAME; 0 when there is none. */
static int read_pkg(const char *name, struct member *m, int max)
{
	const struct package_file *p = find(&res_a, name);
	int n = p ? read_members(p->path, m, max) : 0;
	return n < 0 ? 0 : n;
}

TEST(packages_and_metadata)
{
	CHECK(res_a.n == 4);
	const struct package_file *m = find(&res_a, "foo"), *t = find(&res_a, "foo-tools"),
				  *d = find(&res_a, "foo-dev"), *doc = find(&res_a, "foo-doc");
	CHECK(m && t && d && doc);
	if (!m || !t || !d || !doc)
		return;
	CHECK_STR(path_basename(m->path), "foo-1.2-r3.x86_64.pkg.tar.zst");
	CHECK_STR(path_basename(m->provenance), "foo-1.2-r3.x86_64.provenance.json");
	CHECK(path_exists(m->path) && path_exists(m->provenance));
	/* DT_NEEDED -> depend so:, SONAME -> provide so: */
	CHECK(sl_has(&t->info.depends, "so:libfoo.so.1"));
	CHECK(sl_has(&t->info.depends, "foo"));
	CHECK(sl_has(&m->info.provides, "so:libfoo.so.1"));
	CHECK(!sl_has(&m->info.depends, "so:libfoo.so.1"));
	/* a cross build's C library comes from the sysroot: a dependency */
	CHECK(sl_has(&t->info.depends, "so:libc.so.6"));
	CHECK(sl_has(&d->info.depends, "foo=1.2-r3"));
	CHECK(sl_has(&m->info.conffiles, "etc/foo.conf"));
	CHECK(m->info.conffiles.n == 1);
	CHECK_STR(m->info.build_key, KEY);
	CHECK_STR(m->info.origin, "foo");
	/* prog and prog2 are one inode: counted once */
	struct stat st;
	char *p = path_join(root_a, "usr/bin/prog");
	CHECK(stat(p, &st) == 0 && t->info.installed_size == (uint64_t)st.st_size);
	free(p);
	char hex[65];
	uint64_t size;
	CHECK(sha256_file(m->path, hex, &size) == 0);
	CHECK_STR(hex, m->sha256);
	CHECK(size == m->size);
}

TEST(archive_layout)
{
	const struct package_file *m = find(&res_a, "foo");
	if (!m)
		return;
	struct member mem[64];
	int n = read_members(m->path, mem, 64);
	CHECK(n >= 10);
	if (n < 3)
		return;
	CHECK_STR(mem[0].name, ".PKGINFO");
	CHECK_STR(mem[1].name, ".SBOM.spdx.json");
	CHECK_STR(mem[2].name, ".SHA256SUMS");
	for (int i = 4; i < n; i++)
		CHECK(strcmp(mem[i - 1].name, mem[i].name) < 0);
	/* .SHA256SUMS: sha256sum(1)'s lines for the regular files, in order */
	struct sb want = SB_INIT;
	for (int i = 3; i < n; i++)
		if (mem[i].type == AE_IFREG && !mem[i].hardlink) {
			char hex[65];
			sha256_hex(mem[i].data ? mem[i].data : "", (size_t)mem[i].size, hex);
			sb_printf(&want, "%s  %s\n", hex, mem[i].name);
		}
	CHECK(want.len > 0 && mem[2].data && !strcmp(mem[2].data, sb_str(&want)));
	sb_free(&want);
	for (int i = 0; i < n; i++) {
		CHECK(mem[i].uid == 0 && mem[i].gid == 0);
		CHECK_STR(mem[i].uname, "root");
		CHECK(mem[i].mtime <= SDE);
		CHECK(!mem[i].has_atime && !mem[i].has_ctime);
	}
	/* .PKGINFO parses and has no index fields */
	size_t pos = 0;
	int line = 1;
	struct pkginfo pi;
	CHECK(pkginfo_parse(mem[0].data, (size_t)mem[0].size, &pos, &line, ".PKGINFO", 0, &pi) ==
	      1);
	CHECK_STR(pi.name, "foo");
	CHECK(sl_has(&pi.provides, "so:libfoo.so.1"));
	pkginfo_free(&pi);
	const struct member *x = member(mem, n, "usr/share/foo/old");
	CHECK(x && x->mtime == OLD);
	x = member(mem, n, "usr/lib/libfoo.so.1");
	CHECK(x && x->type == AE_IFLNK && x->link && !strcmp(x->link, "libfoo.so.1.0"));
	x = member(mem, n, "var/lib/foo");
	CHECK(x && x->type == AE_IFDIR && x->perm == 0700);
	x = member(mem, n, "etc/foo.conf");
	CHECK(x && x->perm == 0640 && x->data && !strcmp(x->data, "x=1\n"));
	CHECK(member(mem, n, "usr") && member(mem, n, "usr/lib"));
	/* plain ustar headers; pax only where ustar cannot say it */
	CHECK(mem[0].format == ARCHIVE_FORMAT_TAR_USTAR);
	CHECK(member(mem, n, long_name) != NULL);
	CHECK(sh("test \"$(zstd -dc '%s' | grep -a -o 'PaxHeader/[a-z-]*' | wc -l)\" = 1",
		 m->path) == 0);
	CHECK(member(mem, n, "usr/include/foo.h") == NULL); /* in -dev */
	/* stripped: no DWARF left in the library */
	x = member(mem, n, "usr/lib/libfoo.so.1.0");
	CHECK(x && x->data && !memmem(x->data, (size_t)x->size, ".debug_info", 11));
	free_members(mem, n);
}

TEST(hardlinks_stay_hardlinks)
{
	struct member mem[16];
	int n = read_pkg("foo-tools", mem, 16);
	const struct member *a = member(mem, n, "usr/bin/prog"),
			    *b = member(mem, n, "usr/bin/prog2");
	CHECK(a && b && a->size > 0 && !a->hardlink);
	CHECK(b && b->hardlink && !strcmp(b->hardlink, "usr/bin/prog"));
	CHECK(a && a->data && !memmem(a->data, (size_t)a->size, ".debug_info", 11));
	/* both names are in the SBOM, with the same hashes */
	json_t *j = n > 1 ? json_loads(mem[1].data, 0, NULL) : NULL;
	json_t *files = json_object_get(j, "files");
	CHECK(json_array_size(files) == 2);
	json_t *f0 = json_array_get(files, 0), *f1 = json_array_get(files, 1);
	CHECK_STR(json_string_value(json_object_get(f1, "fileName")), "./usr/bin/prog2");
	CHECK(json_equal(json_object_get(f0, "checksums"), json_object_get(f1, "checksums")));
	json_decref(j);
	free_members(mem, n);
}

/* Every key of o is in the space-separated list (SPDX 2.3's JSON schema
 * sets additionalProperties: false on each object kind). */
static int keys_within(json_t *o, const char *allowed)
{
	const char *k;
	json_t *v;
	struct strlist l = STRLIST_INIT;
	sl_split(&l, allowed, " ");
	int ok = json_is_object(o);
	json_object_foreach(o, k, v) if (!sl_has(&l, k))
	{
		printf("  unexpected SPDX key %s\n", k);
		ok = 0;
	}
	sl_free(&l);
	return ok;
}

static const char *const pkg_keys =
	"SPDXID annotations attributionTexts builtDate checksums comment copyrightText "
	"description downloadLocation externalRefs filesAnalyzed hasFiles homepage "
	"licenseComments licenseConcluded licenseDeclared licenseInfoFromFiles name originator "
	"packageFileName packageVerificationCode primaryPackagePurpose releaseDate sourceInfo "
	"summary supplier validUntilDate versionInfo";

/* The schema's object kinds: only known keys, and the required ones. */
static int spdx_shape(json_t *j)
{
	int ok = keys_within(j, "SPDXID annotations comment creationInfo dataLicense "
				"externalDocumentRefs hasExtractedLicensingInfos name revieweds "
				"spdxVersion documentNamespace documentDescribes packages files "
				"snippets relationships");
	ok &= keys_within(json_object_get(j, "creationInfo"),
			  "comment created creators licenseListVersion");
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(j, "packages"), i, x)
	{
		ok &= keys_within(x, pkg_keys);
		ok &= json_object_get(x, "SPDXID") && json_object_get(x, "name") &&
		      json_object_get(x, "downloadLocation");
	}
	json_array_foreach(json_object_get(j, "files"), i, x) ok &=
		keys_within(x, "SPDXID annotations artifactOfs attributionTexts checksums "
			       "comment copyrightText fileContributors fileDependencies "
			       "fileName fileTypes licenseComments licenseConcluded "
			       "licenseInfoInFiles noticeText");
	json_array_foreach(json_object_get(j, "relationships"), i, x) ok &=
		keys_within(x, "spdxElementId comment relatedSpdxElement relationshipType");
	return ok;
}

TEST(sbom_is_spdx_2_3)
{
	struct member mem[64];
	int n = read_pkg("foo", mem, 64);
	json_error_t err;
	json_t *j = n > 1 ? json_loads(mem[1].data, 0, &err) : NULL;
	CHECK(j != NULL);
	if (!j)
		return;
	CHECK(spdx_shape(j));
	CHECK_STR(json_string_value(json_object_get(j, "spdxVersion")), "SPDX-2.3");
	CHECK_STR(json_string_value(json_object_get(j, "dataLicense")), "CC0-1.0");
	CHECK_STR(json_string_value(json_object_get(j, "SPDXID")), "SPDXRef-DOCUMENT");
	const char *ns = json_string_value(json_object_get(j, "documentNamespace"));
	CHECK(ns && str_starts(ns, "https://"));
	json_t *ci = json_object_get(j, "creationInfo");
	CHECK_STR(json_string_value(json_object_get(ci, "created")), "2023-11-14T22:13:20Z");
	CHECK(json_array_size(json_object_get(ci, "creators")) >= 1);
	json_t *pkgs = json_object_get(j, "packages");
	CHECK(json_array_size(pkgs) == 2);
	json_t *p0 = json_array_get(pkgs, 0), *p1 = json_array_get(pkgs, 1);
	CHECK_STR(json_string_value(json_object_get(p0, "name")), "foo");
	CHECK_STR(json_string_value(json_object_get(p0, "versionInfo")), "1.2-r3");
	CHECK_STR(json_string_value(json_object_get(p0, "licenseDeclared")), "MIT");
	CHECK_STR(json_string_value(json_object_get(p0, "downloadLocation")),
		  "https://example.org/foo-1.2.tar.gz");
	json_t *ref = json_array_get(json_object_get(p0, "externalRefs"), 0);
	CHECK_STR(json_string_value(json_object_get(ref, "referenceLocator")),
		  "pkg:generic/krill/foo@1.2-r3?arch=x86_64");
	CHECK(json_object_get(json_object_get(p0, "packageVerificationCode"),
			      "packageVerificationCodeValue") != NULL);
	json_t *c = json_array_get(json_object_get(p1, "checksums"), 0);
	CHECK_STR(json_string_value(json_object_get(c, "checksumValue")),
		  "1111111111111111111111111111111111111111111111111111111111111111");
	/* every regular file, with SHA1 and SHA256 */
	json_t *files = json_object_get(j, "files");
	size_t i;
	json_t *f;
	int seen_lib = 0;
	json_array_foreach(files, i, f)
	{
		CHECK(json_object_get(f, "SPDXID") && json_object_get(f, "fileName"));
		json_t *cs = json_object_get(f, "checksums");
		CHECK(json_array_size(cs) == 2);
		CHECK_STR(json_string_value(json_object_get(json_array_get(cs, 0), "algorithm")),
			  "SHA1");
		CHECK_STR(json_string_value(json_object_get(json_array_get(cs, 1), "algorithm")),
			  "SHA256");
		if (!strcmp(json_string_value(json_object_get(f, "fileName")),
			    "./usr/lib/libfoo.so.1.0"))
			seen_lib = 1;
	}
	CHECK(seen_lib);
	int describes = 0, contains = 0, generated = 0;
	json_array_foreach(json_object_get(j, "relationships"), i, f)
	{
		const char *t = json_string_value(json_object_get(f, "relationshipType"));
		describes += t && !strcmp(t, "DESCRIBES");
		contains += t && !strcmp(t, "CONTAINS");
		generated += t && !strcmp(t, "GENERATED_FROM");
	}
	CHECK(describes == 1 && contains == (int)json_array_size(files) && generated == 1);
	json_decref(j);
	free_members(mem, n);
}

TEST(provenance_names_every_input)
{
	const struct package_file *m = find(&res_a, "foo");
	if (!m)
		return;
	json_error_t err;
	json_t *j = json_load_file(m->provenance, 0, &err);
	CHECK(j != NULL);
	if (!j)
		return;
	CHECK_STR(json_string_value(json_object_get(j, "_type")),
		  "https://in-toto.io/Statement/v1");
	CHECK_STR(json_string_value(json_object_get(j, "predicateType")),
		  "https://slsa.dev/provenance/v1");
	json_t *sub = json_array_get(json_object_get(j, "subject"), 0);
	CHECK_STR(json_string_value(json_object_get(sub, "name")), path_basename(m->path));
	CHECK_STR(json_string_value(json_object_get(json_object_get(sub, "digest"), "sha256")),
		  m->sha256);
	json_t *bd = json_object_get(json_object_get(j, "predicate"), "buildDefinition");
	CHECK(json_string_value(json_object_get(bd, "buildType")) != NULL);
	CHECK_STR(json_string_value(
			  json_object_get(json_object_get(bd, "externalParameters"), "port")),
		  "foo");
	json_t *ip = json_object_get(bd, "internalParameters");
	CHECK(json_integer_value(json_object_get(ip, "SOURCE_DATE_EPOCH")) == SDE);
	CHECK_STR(json_string_value(json_object_get(ip, "toolchainKey")),
		  "4444444444444444444444444444444444444444444444444444444444444444");
	CHECK_STR(json_string_value(json_object_get(json_object_get(ip, "hostTools"), "cc")),
		  "cc (test) 1.0");
	char *text = json_dumps(json_object_get(bd, "resolvedDependencies"), JSON_COMPACT);
	/* paths as the tree names them: the folder holding the port, then its name */
	char *rel = xasprintf("\"%s/foo/port.yaml\"", path_basename(dir));
	CHECK(text && strstr(text, rel));
	free(rel);
	rel = xasprintf("\"%s/foo/files/config.site\"", path_basename(dir));
	CHECK(text && strstr(text, rel) && strstr(text, "1111111111"));
	free(rel);
	rel = xasprintf("\"%s/foo/patches/0001-fix.patch\"", path_basename(dir));
	CHECK(text && strstr(text, rel) && strstr(text, "2222222222"));
	free(rel);
	CHECK(text && strstr(text, "https://example.org/foo-1.2.tar.gz"));
	CHECK(text && strstr(text, "bar-1.0-r1.x86_64.pkg.tar.zst") && strstr(text, "3333333333"));
	CHECK(text && strstr(text, "4444444444"));
	CHECK(text && !strstr(text, dir)); /* no host path */
	free(text);
	json_t *meta = json_object_get(
		json_object_get(json_object_get(j, "predicate"), "runDetails"), "metadata");
	CHECK_STR(json_string_value(json_object_get(meta, "invocationId")), KEY);
	json_decref(j);
}

/* A debian: source is no URI: provenance names it by its purl. */
TEST(debian_source_as_purl)
{
	char *p = prov_debian_purl("debian:libzstd/libzstd_1.5.7+dfsg.orig.tar.xz");
	CHECK_STR(p,
		  "pkg:deb/debian/libzstd?arch=source&file_name=libzstd_1.5.7%2Bdfsg.orig.tar.xz");
	free(p);
	CHECK(!prov_debian_purl("https://example.org/a.tar.gz"));
	CHECK(!prov_debian_purl("debian:nofile"));
	CHECK(!prov_debian_purl("debian:/x"));
	CHECK(!prov_debian_purl("debian:a/b/c"));
	struct prov_ref src[] = {
		{"debian:bash/bash_5.3.orig.tar.xz",
		 "a70de6bb41f5e192534a5a1836b1d7fad9a8d4818a6e1506d70f38441552c17a"},
		{"tree:tools", "5555555555555555555555555555555555555555555555555555555555555555"}};
	struct prov_input in = {.subject_name = "bash-5.3-r1.x86_64.pkg.tar.zst",
				.subject_sha256 = KEY,
				.port = "bash",
				.arch = "x86_64",
				.key = KEY,
				.recipe_path = "ports/bash/port.yaml",
				.recipe_sha256 = KEY,
				.sources = {src, 2}};
	char *j = provenance_json(&in);
	CHECK(j && !strstr(j, "debian:"));
	CHECK(j && strstr(j, "\"uri\": "
			     "\"pkg:deb/debian/bash?arch=source&file_name=bash_5.3.orig.tar.xz\""));
	CHECK(j && strstr(j, "\"name\": \"tree:tools\""));
	/* no toolchain key given: no toolchain entry claiming an empty digest */
	CHECK(j && !strstr(j, "\"toolchain\""));
	free(j);
}

/* Same tree, other folder, reverse creation order, other mtimes (all
 * after SDE), other umask while packaging: the same bytes. */
TEST(reproducible)
{
	char *root_b = path_join(dir, "b/some/other/dest"), *out_b = path_join(dir, "out-b");
	make_tree(root_b, 1, (time_t)(SDE + 86400 * 30));
	char *rdir = path_join(dir, "b");
	struct recipe *r = recipe_for(rdir, tools_sub);
	mode_t old = umask(077);
	struct package_result res_b;
	CHECK(run_package(r, root_b, out_b, &res_b) == 0);
	umask(old);
	CHECK(res_b.n == res_a.n);
	for (size_t i = 0; i < res_a.n && i < res_b.n; i++) {
		CHECK_STR(res_a.v[i].sha256, res_b.v[i].sha256);
		CHECK(sh("cmp -s '%s' '%s' && cmp -s '%s' '%s'", res_a.v[i].path, res_b.v[i].path,
			 res_a.v[i].provenance, res_b.v[i].provenance) == 0);
	}
	package_result_free(&res_b);
	recipe_free(r);
	free(rdir);
	free(root_b);
	free(out_b);
}

TEST(failure_leaves_outdir_alone)
{
	struct fixture f = fixture_new("subpackages:\n  - name: foo-extra\n"
				       "    files: [usr/share/nothing/**]\n");
	put(f.root, "usr/bin/x", "x\n", 0755);
	struct package_result res;
	CHECK(run_package(f.r, f.root, f.out, &res) == -1);
	CHECK(strstr(kr_errmsg(), "foo-extra") != NULL);
	struct strlist l = STRLIST_INIT;
	CHECK(!path_exists(f.out) || (list_dir(f.out, &l) == 0 && l.n == 0));
	sl_free(&l);
	/* a good first run, then a failing one: the first run's files stay, no temp left */
	struct recipe *r = recipe_for(f.dir, "");
	CHECK(run_package(r, f.root, f.out, &res) == 0);
	package_result_free(&res);
	put(f.root, "bin/legacy", "x\n", 0755);
	CHECK(run_package(r, f.root, f.out, &res) == -1);
	CHECK(list_dir(f.out, &l) == 0 && l.n == 2);
	sl_free(&l);
	recipe_free(r);
	fixture_free(&f);
}

TEST(runpath_into_destdir_is_an_error)
{
	struct fixture f = fixture_new("");
	CHECK(sh("mkdir -p '%s/usr/bin' && cd '%s' && cc -o '%s/usr/bin/p' main.c -L. -lfoo "
		 "-Wl,-rpath,'%s/usr/lib'",
		 f.root, bindir, f.root, f.root) == 0);
	struct package_result res;
	CHECK(run_package(f.r, f.root, f.out, &res) == -1);
	CHECK(strstr(kr_errmsg(), "usr/bin/p: RUNPATH") != NULL);
	fixture_free(&f);
}

TEST(linker_script_names_its_libraries)
{
	/* glibc's libm.so: -dev gets the script, which names libm and libmvec */
	struct fixture f = fixture_new("");
	put(f.root, "usr/lib/libm.so",
	    "/* GNU ld script */\nOUTPUT_FORMAT(elf64-x86-64)\n"
	    "GROUP ( /usr/lib/libm.so.6  AS_NEEDED ( /usr/lib/libmvec.so.1 ) )\n",
	    0644);
	put(f.root, "usr/share/doc/foo/README", "x\n", 0644);
	struct package_result res = {0};
	CHECK(run_package(f.r, f.root, f.out, &res) == 0);
	const struct package_file *d = find(&res, "foo-dev");
	CHECK(d != NULL);
	if (d) {
		CHECK(sl_has(&d->info.depends, "so:libm.so.6"));
		CHECK(sl_has(&d->info.depends, "so:libmvec.so.1"));
	}
	package_result_free(&res);
	fixture_free(&f);
}

TEST(host_dependency_libraries_beat_the_hosts)
{
	/* ARCH=host: libm.so.6 is the host's (no dependency); libmvec.so.1 is
	 * in the host's dirs too but also in the build sysroot, so it came from
	 * a build dependency and is one; libfoo.so.1 is the port's own */
	struct fixture f = fixture_new("");
	put(f.root, "usr/lib/libm.so",
	    "/* GNU ld script */\nGROUP ( /usr/lib/libm.so.6  AS_NEEDED ( /usr/lib/libmvec.so.1 ) "
	    "/usr/lib/libfoo.so.1 )\n",
	    0644);
	put(f.root, "usr/lib/libfoo.so.1", "not ELF", 0644);
	char *sys = path_join(f.out, "../sys"), *dep = path_join(f.out, "../dep");
	put(sys, "libm.so.6", "x", 0644);
	put(sys, "libmvec.so.1", "x", 0644);
	put(sys, "libfoo.so.1", "x", 0644);
	put(dep, "libmvec.so.1", "x", 0644);
	struct strlist sysdirs = STRLIST_INIT, rt = STRLIST_INIT;
	sl_push(&sysdirs, sys);
	sl_push(&rt, "libm.so.6"); /* the host's glibc */
	struct package_opts o = {.recipe = f.r,
				 .arch = "host",
				 .key = KEY,
				 .destdir = f.root,
				 .outdir = f.out,
				 .source_date_epoch = SDE,
				 .strip = "strip",
				 .system_libdirs = &sysdirs,
				 .dep_libdir = dep,
				 .runtime_sonames = &rt};
	struct package_result res = {0};
	CHECK(package_port(&o, &res) == 0);
	const struct package_file *d = find(&res, "foo-dev");
	CHECK(d != NULL);
	if (d) {
		CHECK(!sl_has(&d->info.depends, "so:libm.so.6"));
		CHECK(sl_has(&d->info.depends, "so:libmvec.so.1"));
		CHECK(sl_has(&d->info.depends, "so:libfoo.so.1"));
	}
	package_result_free(&res);
	sl_free(&sysdirs);
	sl_free(&rt);
	free(sys), free(dep);
	fixture_free(&f);
}

/* ARCH=host packaging of f (usr/bin/prog needing libfoo.so.1 and
 * libc.so.6): the host has both, its runtime is libc.so.6, and the build
 * sysroot holds the files named in `in_sysroot` (space separated). */
static int host_package(struct fixture *f, const char *in_sysroot, struct package_result *res)
{
	char *sys = path_join(f->dir, "host-lib"), *dep = path_join(f->dir, "sysroot/usr/lib");
	put(sys, "libc.so.6", "x", 0644);
	put(sys, "libfoo.so.1", "x", 0644);
	mkdir_p(dep, 0755);
	struct strlist names = STRLIST_INIT, sysdirs = STRLIST_INIT, rt = STRLIST_INIT;
	sl_split(&names, in_sysroot, " ");
	for (size_t i = 0; i < names.n; i++)
		put(dep, names.v[i], "x", 0644);
	sl_push(&sysdirs, sys);
	sl_push(&rt, "libc.so.6");
	struct package_opts o = {.recipe = f->r,
				 .arch = "host",
				 .key = KEY,
				 .destdir = f->root,
				 .outdir = f->out,
				 .source_date_epoch = SDE,
				 .system_libdirs = &sysdirs,
				 .dep_libdir = dep,
				 .runtime_sonames = &rt};
	int rc = package_port(&o, res);
	sl_free(&names), sl_free(&sysdirs), sl_free(&rt);
	free(sys), free(dep);
	return rc;
}

static int put_prog(struct fixture *f, const char *rel)
{
	char *p = path_join(bindir, "prog");
	char *q = path_join(f->root, rel);
	char *d = path_dirname(q);
	mkdir_p(d, 0755);
	int rc = copy_file(p, q);
	free(d), free(q), free(p);
	return rc;
}

TEST(undeclared_host_library_fails_naming_file_and_soname)
{
	struct fixture f = fixture_new("");
	CHECK(put_prog(&f, "usr/bin/prog") == 0);
	struct package_result res = {0};
	CHECK(host_package(&f, "", &res) == -1);
	char *want = xasprintf("foo: packaging: usr/bin/prog: needs libfoo.so.1, which no declared "
			       "dependency provides (found on the host: %s/host-lib/libfoo.so.1); "
			       "add it to build-depends or configure the port not to use it",
			       f.dir);
	CHECK_STR(kr_errmsg(), want);
	free(want);
	/* libc.so.6 is the host toolchain's runtime: not named */
	CHECK(!strstr(kr_errmsg(), "libc.so.6"));
	/* nothing written, not even temp files */
	struct strlist l = STRLIST_INIT;
	CHECK(!path_exists(f.out) || (list_dir(f.out, &l) == 0 && l.n == 0));
	sl_free(&l);
	fixture_free(&f);
}

TEST(declared_dependency_provides_the_library)
{
	struct fixture f = fixture_new("");
	CHECK(put_prog(&f, "usr/bin/prog") == 0);
	struct package_result res = {0};
	CHECK(host_package(&f, "libfoo.so.1", &res) == 0);
	CHECK(res.n >= 1 && sl_has(&res.v[0].info.depends, "so:libfoo.so.1"));
	CHECK(res.n >= 1 && !sl_has(&res.v[0].info.depends, "so:libc.so.6"));
	package_result_free(&res);
	fixture_free(&f);
}

TEST(library_in_another_package_of_the_port)
{
	/* a private library (not in usr/lib) of the main package serves the
	 * tools subpackage: a dependency, not an error */
	struct fixture f = fixture_new("subpackages:\n  - name: foo-tools\n"
				       "    files: [usr/bin/**]\n");
	CHECK(put_prog(&f, "usr/bin/prog") == 0);
	char *lib = path_join(bindir, "libfoo.so.1.0"), *to = path_join(f.root, "usr/lib/foo");
	mkdir_p(to, 0755);
	CHECK(sh("cp '%s' '%s/libfoo.so.1'", lib, to) == 0);
	struct package_result res = {0};
	CHECK(host_package(&f, "", &res) == 0);
	const struct package_file *t = find(&res, "foo-tools");
	CHECK(t && sl_has(&t->info.depends, "so:libfoo.so.1"));
	package_result_free(&res);
	free(lib), free(to);
	fixture_free(&f);
}

TEST(cross_build_needs_the_sysroot)
{
	/* for a cross arch nothing of the host counts, not even its libc */
	struct fixture f = fixture_new("");
	CHECK(put_prog(&f, "usr/bin/prog") == 0);
	char *empty = path_join(f.dir, "empty");
	mkdir_p(empty, 0755);
	struct package_opts o = {.recipe = f.r,
				 .arch = "aarch64",
				 .destdir = f.root,
				 .outdir = f.out,
				 .source_date_epoch = SDE,
				 .dep_libdir = empty};
	struct package_result res = {0};
	CHECK(package_port(&o, &res) == -1);
	CHECK(strstr(kr_errmsg(), "usr/bin/prog: needs libfoo.so.1, which no declared "
				  "dependency provides; add it"));
	CHECK(strstr(kr_errmsg(), "\nusr/bin/prog: needs libc.so.6,"));
	o.dep_libdir = sysroot_lib;
	CHECK(package_port(&o, &res) == -1);
	CHECK(strstr(kr_errmsg(), "libfoo.so.1") && !strstr(kr_errmsg(), "libc.so.6"));
	free(empty);
	fixture_free(&f);
}

TEST(soname_sources_in_order)
{
	struct fixture f = fixture_new("");
	char *dep = path_join(f.dir, "sysroot");
	put(dep, "libdep.so.1", "x", 0644);
	put(dep, "libboth.so.1", "x", 0644);
	put(f.root, "usr/lib/libown.so.2", "x", 0644);
	struct strlist pkg = STRLIST_INIT, port = STRLIST_INIT, rt = STRLIST_INIT;
	sl_push(&pkg, "libsame.so.1");
	sl_push(&port, "libpriv.so.1");
	sl_push(&rt, "libc.so.6");
	sl_push(&rt, "libboth.so.1");
	struct package_opts o = {.recipe = f.r,
				 .arch = "host",
				 .destdir = f.root,
				 .dep_libdir = dep,
				 .runtime_sonames = &rt};
	CHECK(package_soname_source(&o, &pkg, &port, "libsame.so.1") == SONAME_SAME_PACKAGE);
	CHECK(package_soname_source(&o, &pkg, &port, "libpriv.so.1") == SONAME_PORT);
	CHECK(package_soname_source(&o, &pkg, &port, "libown.so.2") == SONAME_PORT);
	CHECK(package_soname_source(&o, &pkg, &port, "libdep.so.1") == SONAME_DEPENDENCY);
	/* a build dependency's copy beats the runtime's name */
	CHECK(package_soname_source(&o, &pkg, &port, "libboth.so.1") == SONAME_DEPENDENCY);
	CHECK(package_soname_source(&o, &pkg, &port, "libc.so.6") == SONAME_RUNTIME);
	CHECK(package_soname_source(&o, &pkg, &port, "libtinfo.so.6") == SONAME_UNDECLARED);
	o.runtime_sonames = NULL;
	o.dep_libdir = NULL;
	CHECK(package_soname_source(&o, &pkg, &port, "libc.so.6") == SONAME_UNDECLARED);
	CHECK(package_soname_source(&o, NULL, NULL, "libsame.so.1") == SONAME_UNDECLARED);
	sl_free(&pkg), sl_free(&port), sl_free(&rt);
	free(dep);
	fixture_free(&f);
}

/* Package f's tree; the members of its first package (n = how many). */
static int package_and_read(struct fixture *f, struct package_result *res, struct member *m,
			    int max)
{
	if (run_package(f->r, f->root, f->out, res) != 0)
		return -1;
	return res->n ? read_members(res->v[0].path, m, max) : 0;
}

TEST(empty_root_is_a_meta_package)
{
	struct fixture f = fixture_new("depends: [bar]\n");
	struct package_result res = {0};
	struct member mem[4];
	int n = package_and_read(&f, &res, mem, 4);
	CHECK(n == 3 && !strcmp(mem[2].name, ".SHA256SUMS") && mem[2].size == 0);
	CHECK(res.n == 1 && res.v[0].info.installed_size == 0);
	CHECK(res.n == 1 && sl_has(&res.v[0].info.depends, "bar"));
	free_members(mem, n);
	package_result_free(&res);
	fixture_free(&f);
}

TEST(bad_key_is_refused)
{
	struct package_opts o = {.recipe = NULL};
	struct package_result res;
	CHECK(package_port(&o, &res) == -1);
	o = (struct package_opts){.recipe = recipe_a,
				  .arch = "x86_64",
				  .destdir = root_a,
				  .outdir = out_a,
				  .key = "two words"};
	CHECK(package_port(&o, &res) == -1);
	CHECK(strstr(kr_errmsg(), "content key") != NULL);
}

TEST(strip_false_keeps_debug_info)
{
	struct fixture f = fixture_new("  strip: false\n");
	CHECK(sh("mkdir -p '%s/usr/lib' && cp '%s/libfoo.so.1.0' '%s/usr/lib/'", f.root, bindir,
		 f.root) == 0);
	struct package_result res = {0};
	struct member mem[16];
	int n = package_and_read(&f, &res, mem, 16);
	const struct member *x = member(mem, n, "usr/lib/libfoo.so.1.0");
	CHECK(x && x->data && memmem(x->data, (size_t)x->size, ".debug_info", 11));
	free_members(mem, n);
	package_result_free(&res);
	fixture_free(&f);
}

int main(void)
{
	dir = tmpdir_new();
	bindir = path_join(dir, "bin");
	mkdir_p(bindir, 0755);
	if (build_foo(bindir) != 0) {
		printf("FAIL build_foo: cannot compile the test library with cc\n");
		return 1;
	}
	sysroot_lib = path_join(dir, "sysroot/usr/lib");
	put(sysroot_lib, "libc.so.6", "x", 0644);
	put(sysroot_lib, "libm.so.6", "x", 0644);
	put(sysroot_lib, "libmvec.so.1", "x", 0644);
	root_a = path_join(dir, "a/dest");
	out_a = path_join(dir, "out-a");
	make_tree(root_a, 0, time(NULL));
	char *adir = path_join(dir, "a");
	recipe_a = recipe_for(adir, tools_sub);
	if (run_package(recipe_a, root_a, out_a, &res_a) != 0) {
		printf("FAIL package_port: %s\n", kr_errmsg());
		return 1;
	}
	RUN(packages_and_metadata);
	RUN(archive_layout);
	RUN(hardlinks_stay_hardlinks);
	RUN(sbom_is_spdx_2_3);
	RUN(provenance_names_every_input);
	RUN(debian_source_as_purl);
	RUN(reproducible);
	RUN(failure_leaves_outdir_alone);
	RUN(runpath_into_destdir_is_an_error);
	RUN(linker_script_names_its_libraries);
	RUN(host_dependency_libraries_beat_the_hosts);
	RUN(undeclared_host_library_fails_naming_file_and_soname);
	RUN(declared_dependency_provides_the_library);
	RUN(library_in_another_package_of_the_port);
	RUN(cross_build_needs_the_sysroot);
	RUN(soname_sources_in_order);
	RUN(empty_root_is_a_meta_package);
	RUN(bad_key_is_refused);
	RUN(strip_false_keeps_debug_info);
	package_result_free(&res_a);
	recipe_free(recipe_a);
	rm_rf(dir);
	free(adir);
	free(root_a);
	free(out_a);
	free(bindir);
	free(sysroot_lib);
	free(dir);
	DONE();
}
