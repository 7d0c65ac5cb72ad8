/* test_image_oci.c - the layer writer (same bytes twice whatever the
 * mtimes; the gzip header; owners from overrides; diff_id; the gzip
 * encoder: a valid member, smaller than gzip -9, a bad level refused) and
 * the exact config, manifest and index JSON. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layer.h"
#include "oci.h"
#include "t.h"
#include "util.h"

static char *tmpdir(void)
{
	char *d = xstrdup("/tmp/krill-oci-XXXXXX");
	if (!mkdtemp(d))
		abort();
	return d;
}

static void put(const char *root, const char *rel, const char *text)
{
	char *p = path_join(root, rel), *dir = path_dirname(p);
	mkdir_p(dir, 0755);
	write_file_atomic(p, text, strlen(text), 0644);
	free(dir);
	free(p);
}

static void tree(const char *root)
{
	put(root, "etc/passwd", "root:x:0:0::/root:/bin/sh\n");
	put(root, "usr/bin/a", "#!/bin/sh\n");
	put(root, "usr/bin-x", "x");
	char *d = path_join(root, "data");
	mkdir(d, 0700);
	free(d);
	char *l = path_join(root, "bin");
	symlink("usr/bin", l);
	free(l);
	char *a = path_join(root, "usr/bin/a"), *b = path_join(root, "usr/bin/b");
	link(a, b);
	free(a);
	free(b);
}

static char *file(const char *p, size_t *n)
{
	char *data;
	if (read_file(p, &data, n) < 0)
		return NULL;
	return data;
}

TEST(layer_deterministic)
{
	char *r1 = tmpdir(), *r2 = tmpdir(), *o = tmpdir();
	tree(r1);
	sleep(1); /* other mtimes: clamped away */
	tree(r2); /* (modes are input: image_build fixes the umask) */
	struct layer_override ov = {"data", {65532, 65532, 0750}};
	struct layer_opts lo = {PKGTAR_GZIP, 1700000000, &ov, 1};
	struct pkgtar_result a, b;
	char *f1 = path_join(o, "1"), *f2 = path_join(o, "2");
	CHECK(layer_write(r1, f1, &lo, &a) == 0);
	CHECK(layer_write(r2, f2, &lo, &b) == 0);
	size_t n1 = 0, n2 = 0;
	char *x = file(f1, &n1), *y = file(f2, &n2);
	CHECK(x && y && n1 == n2 && !memcmp(x, y, n1));
	CHECK_STR(a.sha256, b.sha256);
	CHECK(n1 > 10 && !memcmp(x, "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff", 10));
	CHECK(a.size == n1);
	/* diff_id: the uncompressed tar, as read back by tar */
	char *cmd = xasprintf("gzip -dc %s | sha256sum | cut -c1-64", f1);
	char *sum = run_first_line(cmd);
	CHECK_STR(sum, a.tar_sha256);
	free(sum);
	free(cmd);
	cmd = xasprintf("gzip -dc %s | tar -tv --numeric-owner | awk '{print $1, $2, $6}'", f1);
	FILE *p = popen(cmd, "r");
	char buf[4096] = "";
	size_t got = p ? fread(buf, 1, sizeof buf - 1, p) : 0;
	buf[got] = 0;
	if (p)
		pclose(p);
	CHECK_STR(buf, "lrwxrwxrwx 0/0 bin\n"
		       "drwxr-x--- 65532/65532 data/\n"
		       "drwxr-xr-x 0/0 etc/\n"
		       "-rw-r--r-- 0/0 etc/passwd\n"
		       "drwxr-xr-x 0/0 usr/\n"
		       "drwxr-xr-x 0/0 usr/bin/\n" /* byte order of the path */
		       "-rw-r--r-- 0/0 usr/bin-x\n"
		       "-rw-r--r-- 0/0 usr/bin/a\n"
		       "hrw-r--r-- 0/0 usr/bin/b\n");
	free(cmd);
	/* zstd: a zstd frame, the same tar inside */
	struct layer_opts lz = {PKGTAR_ZSTD, 1700000000, &ov, 1};
	struct pkgtar_result z;
	char *f3 = path_join(o, "3");
	CHECK(layer_write(r1, f3, &lz, &z) == 0);
	CHECK_STR(z.tar_sha256, a.tar_sha256);
	size_t n3 = 0;
	char *zz = file(f3, &n3);
	CHECK(zz && n3 > 4 && !memcmp(zz, "\x28\xb5\x2f\xfd", 4));
	free(zz);
	free(x);
	free(y);
	free(f1);
	free(f2);
	free(f3);
	rm_rf(r1);
	rm_rf(r2);
	rm_rf(o);
	free(r1);
	free(r2);
	free(o);
}

static long run_number(const char *cmd)
{
	char *line = run_first_line(cmd);
	long v = line ? strtol(line, NULL, 10) : -1;
	free(line);
	return v;
}

/* Over 1 MiB of word salad (the buffer grows past its first size): text
 * on which an optimal-parsing encoder beats zlib's lazy matcher clearly. */
TEST(layer_gzip_encoder)
{
	static const char *const words[] = {"glibc", "layer", "deflate", "the", "image",
					    "krill", "of", "package", "libstdc++", "zone"};
	char *r = tmpdir(), *o = tmpdir();
	size_t n = 0, cap = 1300000;
	char *text = xmalloc(cap + 16);
	unsigned x = 12345;
	while (n < cap) {
		x = x * 1103515245u + 12345u;
		const char *w = words[(x >> 16) % 10];
		size_t k = strlen(w);
		memcpy(text + n, w, k);
		n += k;
		text[n++] = (x >> 8) % 7 ? ' ' : '\n';
	}
	text[n] = 0;
	put(r, "usr/share/words", text);
	free(text);
	struct layer_opts lo = {PKGTAR_GZIP, 1700000000, NULL, 0};
	struct pkgtar_result res;
	char *f = path_join(o, "l.gz"), *tar = path_join(o, "l.tar");
	CHECK(layer_write(r, f, &lo, &res) == 0);
	char *cmd = xasprintf("gzip -t %s && gzip -dc %s > %s && echo ok", f, f, tar);
	char *ok = run_first_line(cmd);
	CHECK_STR(ok, "ok"); /* CRC-32 and length trailer as gzip checks them */
	free(ok);
	free(cmd);
	cmd = xasprintf("wc -c < %s", tar);
	CHECK(run_number(cmd) == (long)res.tar_size && res.tar_size > 1300000);
	free(cmd);
	cmd = xasprintf("gzip -9 -n -c %s | wc -c", tar);
	long gz9 = run_number(cmd);
	free(cmd);
	/* libdeflate 12 is 2-5 % smaller here; zlib's 9 would tie */
	CHECK(gz9 > 0 && (long)res.size * 100 < gz9 * 99);
	/* the level is checked when the writer opens: nothing is left behind */
	char *bad = path_join(o, "bad.gz");
	CHECK(pkgtar_open_comp(bad, PKGTAR_GZIP, 13, 0) == NULL);
	CHECK(strstr(kr_errmsg(), "cannot set up gzip level 13") != NULL);
	CHECK(access(bad, F_OK) != 0);
	free(bad);
	free(f);
	free(tar);
	rm_rf(r);
	rm_rf(o);
	free(r);
	free(o);
}

TEST(json_documents)
{
	struct strlist env = STRLIST_INIT, ep = STRLIST_INIT;
	sl_push(&env, "PATH=/bin");
	sl_push(&ep, "/bin/sh");
	json_t *labels = json_pack("{s:s}", "a", "b");
	struct oci_config c = {
		"arm64", "v8",	      1700000000,	    "65532", &env, &ep, NULL, "/",
		labels,	 "sha256:00", "krill image x.yaml", "p q"};
	char *cfg = oci_config_json(&c);
	CHECK_STR(cfg, "{\"created\":\"2023-11-14T22:13:20Z\",\"architecture\":\"arm64\","
		       "\"variant\":\"v8\",\"os\":\"linux\",\"config\":{\"User\":\"65532\","
		       "\"Env\":[\"PATH=/bin\"],\"Entrypoint\":[\"/bin/sh\"],\"WorkingDir\":\"/\","
		       "\"Labels\":{\"a\":\"b\"}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":"
		       "[\"sha256:00\"]},\"history\":[{\"created\":\"2023-11-14T22:13:20Z\","
		       "\"created_by\":\"krill image x.yaml\",\"comment\":\"p q\"}]}");
	struct oci_desc cd = {OCI_CONFIG, "sha256:c", 3, NULL, NULL, NULL, NULL};
	struct oci_desc ld = {OCI_LAYER_GZIP, "sha256:l", 5, NULL, NULL, NULL, NULL};
	char *m = oci_manifest_json(&cd, &ld, 1, NULL, NULL, labels);
	CHECK_STR(m,
		  "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+"
		  "json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
		  "\"digest\":\"sha256:c\",\"size\":3},\"layers\":[{\"mediaType\":\"application/"
		  "vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:l\",\"size\":5}],"
		  "\"annotations\":{\"a\":\"b\"}}");
	struct oci_desc empty = {OCI_EMPTY, "sha256:e", 2, NULL, NULL, NULL, NULL};
	struct oci_desc subj = {OCI_MANIFEST, "sha256:m", 9, NULL, NULL, NULL, NULL};
	char *r = oci_manifest_json(&empty, &ld, 1, "application/spdx+json", &subj, NULL);
	CHECK(strstr(r, "\"artifactType\":\"application/spdx+json\",\"config\":{\"mediaType\":"
			"\"application/vnd.oci.empty.v1+json\",\"digest\":\"sha256:e\",\"size\":2,"
			"\"data\":\"e30=\"}"));
	CHECK(strstr(r, "\"subject\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
			"\"digest\":\"sha256:m\",\"size\":9}"));
	struct oci_desc md = {OCI_MANIFEST, "sha256:m", 9, NULL, "arm64", "v8", NULL};
	char *ix = oci_index_json(&md, 1, NULL);
	CHECK_STR(ix,
		  "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
		  "\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
		  "\"digest\":\"sha256:m\",\"size\":9,\"platform\":{\"architecture\":\"arm64\","
		  "\"os\":\"linux\",\"variant\":\"v8\"}}]}");
	const char *a, *v;
	CHECK(oci_platform("x86_64", &a, &v) == 0 && !strcmp(a, "amd64") && !v);
	CHECK(oci_platform("aarch64", &a, &v) == 0 && !strcmp(a, "arm64") && !strcmp(v, "v8"));
	CHECK(oci_platform("host", &a, &v) < 0);
	free(cfg);
	free(m);
	free(r);
	free(ix);
	json_decref(labels);
	sl_free(&env);
	sl_free(&ep);
}

int main(void)
{
	RUN(layer_deterministic);
	RUN(layer_gzip_encoder);
	RUN(json_documents);
	DONE();
}
