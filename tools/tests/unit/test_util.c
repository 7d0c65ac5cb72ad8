/* test_util.c - util, strmap and diag helpers. */
#include <sys/stat.h>

#include "diag.h"
#include "strmap.h"
#include "t.h"
#include "tree.h"

TEST(strings_and_lists)
{
	struct sb b = SB_INIT;
	sb_adds(&b, "a");
	sb_addc(&b, 'b');
	sb_printf(&b, "%d", 42);
	CHECK_STR(sb_str(&b), "ab42");
	char *s = sb_steal(&b);
	CHECK_STR(s, "ab42");
	CHECK_STR(sb_str(&b), "");
	free(s);
	struct strlist l = STRLIST_INIT;
	sl_split(&l, "c,a,,b,a", ",");
	CHECK(l.n == 4);
	sl_sort(&l);
	sl_uniq(&l);
	char *j = sl_join(&l, " ");
	CHECK_STR(j, "a b c");
	free(j);
	CHECK(sl_has(&l, "b") && !sl_has(&l, "d"));
	sl_free(&l);
	CHECK(str_starts("krill", "kr") && !str_starts("kr", "krill"));
	CHECK(str_ends("a.patch", ".patch") && !str_ends("patch", ".patch"));
	CHECK(is_hex("0af9", 4) && !is_hex("0AF9", 4) && !is_hex("0af9x", 4));
}

TEST(paths)
{
	char *p = path_join("a/", "b");
	CHECK_STR(p, "a/b");
	free(p);
	p = path_join("a", "/abs");
	CHECK_STR(p, "/abs");
	free(p);
	p = path_dirname("x/y/port.yaml");
	CHECK_STR(p, "x/y");
	free(p);
	p = path_dirname("port.yaml");
	CHECK_STR(p, ".");
	free(p);
	CHECK_STR(path_basename("x/y/z"), "z");
}

TEST(files_atomic_and_listing)
{
	char *root = tree_root();
	char *f = path_join(root, "d/e/f.txt");
	char *dir = path_dirname(f);
	CHECK(mkdir_p(dir, 0755) == 0 && is_dir(dir));
	CHECK(write_file_atomic(f, "hello", 5, 0600) == 0);
	char *data;
	size_t len;
	CHECK(read_file(f, &data, &len) == 0 && len == 5 && !strcmp(data, "hello"));
	free(data);
	struct stat st;
	CHECK(stat(f, &st) == 0 && (st.st_mode & 0777) == 0600);
	tree_write(dir, "b", "x");
	tree_write(dir, "a", "x");
	struct strlist l = STRLIST_INIT;
	CHECK(list_dir(dir, &l) == 0 && l.n == 3);
	if (l.n == 3)
		CHECK(!strcmp(l.v[0], "a") && !strcmp(l.v[1], "b") && !strcmp(l.v[2], "f.txt"));
	sl_free(&l); /* no temp files left behind by the atomic writes */
	char *missing = path_join(root, "nope");
	CHECK(read_file(missing, &data, &len) < 0 && strstr(kr_errmsg(), "nope"));
	CHECK(!path_exists(missing));
	free(missing);
	char *d = path_join(root, "d");
	CHECK(rm_rf(d) == 0 && !path_exists(d));
	free(d);
	free(dir);
	free(f);
	tree_done(root);
}

TEST(sha256)
{
	char hex[65];
	sha256_hex("abc", 3, hex);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	struct hasher *h = hasher_new();
	hasher_add(h, "ab", 2);
	hasher_add(h, "c", 1);
	hasher_end(h, hex);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* FIPS 180-2's two-block message and its million 'a's, in pieces */
	sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	CHECK_STR(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	char a[1001];
	memset(a, 'a', sizeof a);
	h = hasher_new();
	for (int i = 0; i < 1000; i++)
		hasher_add(h, a, i % 2 ? 999 : 1001);
	hasher_end(h, hex);
	CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	/* hasher_adds: the string and a newline */
	h = hasher_new();
	hasher_adds(h, "abc");
	hasher_end(h, hex);
	CHECK_STR(hex, "edeaaff3f1774ad2888673770c6d64097e391bc362d7d6fb34982ddf0efd18cb");
	char *root = tree_root();
	tree_write(root, "f", "abc");
	char *f = path_join(root, "f");
	uint64_t size = 0;
	CHECK(sha256_file(f, hex, &size) == 0 && size == 3);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	free(f);
	tree_done(root);
}

TEST(strmap_many_keys)
{
	struct strmap m = STRMAP_INIT;
	static int vals[5000];
	char k[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(k, sizeof k, "key%d", i);
		CHECK(strmap_put(&m, k, &vals[i]) == NULL);
	}
	CHECK(m.n == 5000);
	for (int i = 0; i < 5000; i++) {
		snprintf(k, sizeof k, "key%d", i);
		CHECK(strmap_get(&m, k) == &vals[i]);
	}
	CHECK(strmap_get(&m, "absent") == NULL);
	CHECK(strmap_put(&m, "key7", &vals[0]) == &vals[7]);
	CHECK(m.n == 5000);
	strmap_free(&m);
	CHECK(strmap_get(&m, "key1") == NULL);
}

TEST(diag_format_and_order)
{
	struct diags d = DIAGS_INIT;
	diag_add(&d, "b.yaml", (struct pos){3, 1}, "third");
	diag_add(&d, "a.yaml", (struct pos){9, 2}, "second");
	diag_add(&d, "a.yaml", (struct pos){2, 5}, "first");
	diag_add(&d, "a.yaml", (struct pos){9, 2}, "second-b");
	diag_add(&d, "c", (struct pos){0, 0}, "no place");
	diag_sort(&d);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	diag_print(&d, f);
	fclose(f);
	CHECK_STR(buf, "a.yaml:2:5: first\na.yaml:9:2: second\na.yaml:9:2: second-b\n"
		       "b.yaml:3:1: third\nc: no place\n");
	free(buf);
	diag_to_err(&d);
	CHECK_STR(kr_errmsg(), "a.yaml:2:5: first (and 4 more problems)");
	diag_free(&d);
}

int main(void)
{
	RUN(strings_and_lists);
	RUN(paths);
	RUN(files_atomic_and_listing);
	RUN(sha256);
	RUN(strmap_many_keys);
	RUN(diag_format_and_order);
	DONE();
}
