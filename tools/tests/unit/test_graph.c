/* test_graph.c - resolution, cycles, missing deps, provider clashes,
 * content keys (stable, changing exactly when they should) and the make
 * fragment, over recipe trees built in a temp dir. */
#include <sys/stat.h>

#include "graph.h"
#include "srctree.h"
#include "t.h"
#include "tree.h"

struct run {
	struct graph g;
	struct diags d;
	int rc;
};

/* Load, resolve and (if clean) key the tree at root. */
static void load(struct run *x, const char *root, const char *arch, const char *tkey)
{
	memset(x, 0, sizeof *x);
	graph_load(&x->g, root, arch, &x->d);
	x->rc = graph_resolve(&x->g, &x->d);
	diag_sort(&x->d);
	if (!x->d.n)
		x->rc = graph_keys(&x->g, tkey);
}

static void unload(struct run *x)
{
	graph_free(&x->g);
	diag_free(&x->d);
}

static const char *key_of(const struct run *x, const char *name)
{
	for (size_t i = 0; i < x->g.n; i++)
		if (!strcmp(x->g.ports[i].r->name.s, name))
			return x->g.ports[i].key;
	return "(none)";
}

/* Keys of every port, "name=key" sorted, to compare two states. */
struct keys {
	char k[8][65];
};

static void snap(const char *root, const char *const *names, size_t n, struct keys *out,
		 const char *arch, const char *tkey)
{
	struct run x;
	load(&x, root, arch, tkey);
	for (size_t i = 0; i < n; i++)
		snprintf(out->k[i], 65, "%s", key_of(&x, names[i]));
	if (x.d.n)
		diag_print(&x.d, stdout);
	unload(&x);
}

static int any_msg(const struct run *x, const char *sub)
{
	for (size_t i = 0; i < x->d.n; i++)
		if (strstr(x->d.v[i].msg, sub))
			return 1;
	return 0;
}

TEST(cycle_is_printed_as_its_path)
{
	char *root = tree_root();
	tree_port(root, "a", "b", NULL);
	tree_port(root, "b", "c", NULL);
	tree_port(root, "c", "a", NULL);
	tree_port(root, "d", "a", NULL);
	struct run x;
	load(&x, root, "host", "");
	CHECK(x.rc < 0);
	CHECK(x.d.n == 1);
	if (x.d.n == 1) {
		CHECK(strstr(x.d.v[0].msg, "dependency cycle a -> b -> c -> a,") != NULL);
		CHECK(str_ends(x.d.v[0].file, "/a/port.yaml"));
	}
	unload(&x);
	tree_done(root);
}

TEST(every_cycle_of_a_component_is_printed)
{
	char *root = tree_root();
	/* two cycles through a: a -> b -> a and a -> c -> a; and a separate x <-> y */
	tree_port(root, "a", "b, c", NULL);
	tree_port(root, "b", "a", NULL);
	tree_port(root, "c", "a", NULL);
	tree_port(root, "x", "y", NULL);
	tree_port(root, "y", "x", NULL);
	struct run x;
	load(&x, root, "host", "");
	CHECK(x.d.n == 3);
	CHECK(any_msg(&x, "cycle a -> b -> a,"));
	CHECK(any_msg(&x, "cycle a -> c -> a,"));
	CHECK(any_msg(&x, "cycle x -> y -> x,"));
	unload(&x);
	tree_done(root);
}

TEST(cycle_through_runtime_deps_of_a_build_dep)
{
	char *root = tree_root();
	/* a needs b built; b's package needs c at run time, so c is in a's
	 * sysroot too; c build-depends on a: a cycle via b */
	tree_port(root, "a", "b", NULL);
	tree_port(root, "b", "", "depends: [c]\n");
	tree_port(root, "c", "a", NULL);
	struct run x;
	load(&x, root, "host", "");
	CHECK(x.d.n == 1);
	CHECK(any_msg(&x, "cycle a -> c [via b] -> a,"));
	unload(&x);
	/* runtime-only cycles are fine (as in apk) */
	root = (tree_done(root), tree_root());
	tree_port(root, "p", "", "depends: [q]\n");
	tree_port(root, "q", "", "depends: [p]\n");
	load(&x, root, "host", "");
	CHECK(x.d.n == 0 && x.rc == 0);
	unload(&x);
	tree_done(root);
}

TEST(missing_dependency_names_both_ports)
{
	char *root = tree_root();
	tree_port(root, "app", "libfoo-dev", NULL);
	tree_port(root, "tool", "", "depends: [nosuch>=1]\n");
	struct run x;
	load(&x, root, "host", "");
	CHECK(x.d.n == 2);
	if (x.d.n == 2) {
		CHECK(strstr(x.d.v[0].msg,
			     "port 'app' build-depends on 'libfoo-dev', but no port") != NULL);
		CHECK(x.d.v[0].pos.line == 6 && x.d.v[0].pos.col == 17);
		CHECK(strstr(x.d.v[1].msg, "port 'tool' depends on 'nosuch', but no port") != NULL);
	}
	unload(&x);
	tree_done(root);
}

TEST(subpackages_provides_and_default_splits_resolve)
{
	char *root = tree_root();
	tree_port(root, "zlib", "", "provides: [libz]\n");
	tree_port(root, "xz", "",
		  "subpackages:\n  - name: xz-libs\n    files: [usr/lib/*]\n"
		  "    provides: [liblzma]\n");
	tree_port(root, "app", "zlib-dev, xz-libs, libz, liblzma, xz-doc", NULL);
	struct run x;
	load(&x, root, "host", "");
	CHECK(x.d.n == 0);
	struct port *app = graph_find(&x.g, "app");
	CHECK(app && app->nbdeps == 2);
	CHECK(graph_find(&x.g, "xz-libs") == graph_find(&x.g, "xz"));
	CHECK(graph_find(&x.g, "zlib-dev") == graph_find(&x.g, "zlib"));
	unload(&x);
	tree_done(root);
}

TEST(provider_clash_is_reported)
{
	char *root = tree_root();
	tree_port(root, "one", "", "provides: [shared-name]\n");
	tree_port(root, "two", "",
		  "subpackages:\n  - name: shared-name\n    files: [x]\n"
		  "  - name: two-x\n    files: [a]\n  - name: two-x\n    files: [b]\n");
	tree_port(root, "one-dev", "", NULL); /* clashes with one's default -dev */
	struct run x;
	load(&x, root, "host", "");
	CHECK(x.d.n == 3);
	CHECK(any_msg(&x, "'shared-name' is already provided by port 'one' ("));
	CHECK(any_msg(&x, "/one/port.yaml:9:12), expected each name once"));
	CHECK(any_msg(&x, "'two-x' is provided twice by port 'two'"));
	CHECK(any_msg(&x, "which is the default -dev subpackage of port 'one'"));
	unload(&x);
	tree_done(root);
}

TEST(folder_name_mismatch_and_reserved_names)
{
	char *root = tree_root();
	tree_port(root, "good", "", NULL);
	tree_write(root, "folder/port.yaml",
		   "name: other\nversion: 1\nrelease: 1\nsummary: s\nlicense: MIT\nbuild: {style: "
		   "none}\n");
	tree_write(root, "clean/port.yaml",
		   "name: clean\nversion: 1\nrelease: 1\nsummary: s\nlicense: MIT\nbuild: {style: "
		   "none}\n");
	tree_write(root, "empty/README", "no recipe here\n");
	struct run x;
	load(&x, root, "host", "");
	CHECK(x.d.n == 3);
	CHECK(any_msg(&x, "name 'other' differs from its folder 'folder'"));
	CHECK(any_msg(&x, "name 'clean' is a make target"));
	CHECK(any_msg(&x, "missing: every folder"));
	unload(&x);
	tree_done(root);
}

TEST(arch_and_version_constraints)
{
	char *root = tree_root();
	tree_port(root, "x86only", "", "arch: [x86_64]\n");
	tree_port(root, "user", "x86only", NULL);
	tree_port(root, "old", "", NULL); /* version 1.0 */
	tree_port(root, "picky", "old>=2.0", NULL);
	struct run x;
	load(&x, root, "aarch64", "");
	CHECK(any_msg(&x, "its provider 'x86only' is not built for aarch64"));
	CHECK(any_msg(&x,
		      "port 'picky' build-depends on 'old>=2.0', but port 'old' has version 1.0"));
	CHECK(x.d.n == 2);
	unload(&x);
	tree_done(root);
}

TEST(broken_recipe_does_not_cascade)
{
	char *root = tree_root();
	tree_port(root, "lib", "", "colour: red\n");
	tree_port(root, "app", "lib", NULL);
	struct run x;
	load(&x, root, "host", "");
	CHECK(x.d.n == 1);
	CHECK(any_msg(&x, "unknown key 'colour'"));
	unload(&x);
	tree_done(root);
}

static const char *const chain[] = {"a", "b", "c", "d", "r"};

/* a <- b <- c (b build-depends a, c build-depends b); d unrelated;
 * a depends on r at run time. */
static char *chain_tree(void)
{
	char *root = tree_root();
	tree_port(root, "a", "", "depends: [r]\n");
	tree_port(root, "b", "a", NULL);
	tree_port(root, "c", "b", NULL);
	tree_port(root, "d", "", NULL);
	tree_port(root, "r", "", NULL);
	return root;
}

#define SAME(x, y, i) (!strcmp((x).k[i], (y).k[i]))

TEST(keys_are_stable_and_distinct)
{
	char *root = chain_tree();
	struct keys k1, k2;
	snap(root, chain, 5, &k1, "host", "tc1");
	snap(root, chain, 5, &k2, "host", "tc1");
	for (size_t i = 0; i < 5; i++) {
		CHECK(SAME(k1, k2, i));
		CHECK(strlen(k1.k[i]) == 64 && is_hex(k1.k[i], 64));
	}
	CHECK(!SAME(k1, k2, 0) || strcmp(k1.k[0], k1.k[3])); /* a != d */
	tree_done(root);
}

TEST(recipe_change_propagates_to_dependents_only)
{
	char *root = chain_tree();
	struct keys k1, k2;
	snap(root, chain, 5, &k1, "host", "");
	tree_port(root, "b", "a", "description: changed\n");
	snap(root, chain, 5, &k2, "host", "");
	CHECK(SAME(k1, k2, 0));	 /* a: below b */
	CHECK(!SAME(k1, k2, 1)); /* b: changed */
	CHECK(!SAME(k1, k2, 2)); /* c: build-depends on b */
	CHECK(SAME(k1, k2, 3));	 /* d: unrelated */
	CHECK(SAME(k1, k2, 4));
	tree_done(root);
}

TEST(runtime_dep_of_a_build_dep_is_part_of_the_key)
{
	char *root = chain_tree();
	struct keys k1, k2;
	snap(root, chain, 5, &k1, "host", "");
	tree_port(root, "r", "", "description: changed\n");
	snap(root, chain, 5, &k2, "host", "");
	CHECK(SAME(k1, k2, 0));	 /* a only needs r at run time: not rebuilt */
	CHECK(!SAME(k1, k2, 1)); /* b's sysroot holds a and so r */
	CHECK(!SAME(k1, k2, 2));
	CHECK(SAME(k1, k2, 3));
	CHECK(!SAME(k1, k2, 4));
	tree_done(root);
}

TEST(patches_files_arch_and_toolchain_change_keys)
{
	char *root = chain_tree();
	struct keys base, k;
	snap(root, chain, 5, &base, "host", "");

	tree_write(root, "a/patches/0001-fix.patch", "--- a\n+++ b\n");
	snap(root, chain, 5, &k, "host", "");
	CHECK(!SAME(base, k, 0) && !SAME(base, k, 1) && SAME(base, k, 3));
	struct keys p1 = k;
	tree_write(root, "a/patches/0001-fix.patch", "--- a\n+++ c\n");
	snap(root, chain, 5, &k, "host", "");
	CHECK(!SAME(p1, k, 0));

	struct keys f0 = k;
	tree_write(root, "d/files/etc/d.conf", "x=1\n");
	snap(root, chain, 5, &k, "host", "");
	CHECK(!SAME(f0, k, 3) && SAME(f0, k, 0));
	struct keys f1 = k;
	char *conf = path_join(root, "d/files/etc/d.conf");
	CHECK(chmod(conf, 0755) == 0); /* the exec bit is content too */
	free(conf);
	snap(root, chain, 5, &k, "host", "");
	CHECK(!SAME(f1, k, 3));

	struct keys n0 = k;
	tree_write(root, "a/README.md", "notes for maintainers\n"); /* not an input */
	snap(root, chain, 5, &k, "host", "");
	for (size_t i = 0; i < 5; i++)
		CHECK(SAME(n0, k, i));

	snap(root, chain, 5, &k, "x86_64", "");
	for (size_t i = 0; i < 5; i++)
		CHECK(!SAME(n0, k, i));
	snap(root, chain, 5, &k, "host", "other-toolchain");
	for (size_t i = 0; i < 5; i++)
		CHECK(!SAME(n0, k, i));
	tree_done(root);
}

/* A tree: source (the krill port on this tree's tools/): its key follows
 * the content of the named tree, and only that; the fragment passes the
 * hash on to krill build (KR_TREES_<name>). */
TEST(tree_source_content_enters_the_key)
{
	char *top = tree_root();
	char *ports = path_join(top, "ports");
	tree_port(ports, "k", "", "sources:\n  - url: tree:tools\n  - url: tree:mk/lean.mk\n");
	tree_port(ports, "d", "", NULL);
	tree_write(top, "tools/main.c", "int main(void) { return 0; }\n");
	tree_write(top, "mk/lean.mk", "all:\n");
	tree_write(top, "mk/other.mk", "x:\n");
	static const char *const names[] = {"k", "d"};
	struct keys k0, k;
	snap(ports, names, 2, &k0, "host", "");
	CHECK(strlen(k0.k[0]) == 64);
	tree_write(top, "mk/other.mk", "y:\n"); /* not a source */
	tree_write(top, "README.md", "notes\n");
	snap(ports, names, 2, &k, "host", "");
	CHECK(SAME(k0, k, 0) && SAME(k0, k, 1));
	tree_write(top, "tools/main.c", "int main(void) { return 1; }\n");
	snap(ports, names, 2, &k, "host", "");
	CHECK(!SAME(k0, k, 0) && SAME(k0, k, 1));
	tree_write(top, "tools/main.c", "int main(void) { return 0; }\n");
	snap(ports, names, 2, &k, "host", "");
	CHECK(SAME(k0, k, 0));
	tree_write(top, "mk/lean.mk", "all: x\n");
	snap(ports, names, 2, &k, "host", "");
	CHECK(!SAME(k0, k, 0) && SAME(k0, k, 1));

	struct run x;
	load(&x, ports, "host", "");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	graph_write_make(&x.g, f);
	fclose(f);
	char th[65], mh[65];
	CHECK(tree_hash(top, "tools", th) == 0 && tree_hash(top, "mk/lean.mk", mh) == 0);
	char *want = xasprintf("KR_TREES_k := tools=%s mk/lean.mk=%s\n", th, mh);
	CHECK(strstr(buf, want) != NULL);
	CHECK(strstr(buf, "KR_TREES_d :=\n") != NULL);
	free(want);
	free(buf);
	unload(&x);

	/* a missing tree fails the keys, naming the recipe's line */
	tree_port(ports, "k", "", "sources:\n  - url: tree:nope\n");
	load(&x, ports, "host", "");
	CHECK(x.rc < 0);
	if (!strstr(kr_errmsg(), "k/port.yaml:10:10: ") || !strstr(kr_errmsg(), "nope"))
		printf("  got: %s\n", kr_errmsg());
	CHECK(strstr(kr_errmsg(), "k/port.yaml:10:10: ") && strstr(kr_errmsg(), "nope"));
	unload(&x);
	free(ports);
	tree_done(top);
}

TEST(make_fragment)
{
	char *root = chain_tree();
	struct run x;
	load(&x, root, "host", "");
	CHECK(x.rc == 0);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	graph_write_make(&x.g, f);
	fclose(f);
	CHECK(strstr(buf, "KR_PORTS := a b c d r\n") != NULL);
	/* b build-depends on a, whose package needs r at run time: both first */
	char *want =
		xasprintf("KR_KEY_b := %s\nKR_VER_b := 1.0-r1\nKR_DEPS_b := a r\n"
			  "$(KR_RESULTS)/%s/done: $(KR_RESULTS)/%s/done $(KR_RESULTS)/%s/done\n"
			  "\t+$(Q)$(call kr_build_port,b)\n.PHONY: b\nb: $(KR_RESULTS)/%s/done\n",
			  key_of(&x, "b"), key_of(&x, "b"), key_of(&x, "a"), key_of(&x, "r"),
			  key_of(&x, "b"));
	CHECK(strstr(buf, want) != NULL);
	free(want);
	CHECK(strstr(buf, "KR_DEPS_c := b\n") != NULL);
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	graph_write_dot(&x.g, f);
	fclose(f);
	CHECK(str_starts(buf, "digraph krill {"));
	CHECK(strstr(buf, "\"c\" -> \"b\";") != NULL);
	CHECK(strstr(buf, "\"a\" -> \"r\" [style=dashed];") != NULL);
	free(buf);
	unload(&x);
	tree_done(root);
}

TEST(test_depends_order_key_and_cycles)
{
	char *root = tree_root();
	/* t's test needs tool (and what tool needs at run time: lib); nothing
	 * depends on tool at run time */
	tree_port(root, "lib", "", NULL);
	tree_port(root, "tool", "", "depends: [lib]\n");
	tree_port(root, "t", "", "test-depends: [tool]\ntest: tool\n");
	struct run x;
	load(&x, root, "host", "");
	CHECK(x.d.n == 0 && x.rc == 0);
	struct port *t = graph_find(&x.g, "t");
	CHECK(t && t->nbdeps == 2); /* tool, and lib by tool's runtime closure */
	CHECK(t && t->nrdeps == 0); /* not a runtime dependency */
	char k1[65];
	snprintf(k1, sizeof k1, "%s", key_of(&x, "t"));
	unload(&x);
	/* the test dependency's recipe is part of the key */
	tree_port(root, "tool", "", "depends: [lib]\ndescription: changed\n");
	load(&x, root, "host", "");
	CHECK(strcmp(k1, key_of(&x, "t")) != 0);
	unload(&x);
	/* the make fragment orders t after tool */
	load(&x, root, "host", "");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	graph_write_make(&x.g, f);
	fclose(f);
	CHECK(strstr(buf, "KR_DEPS_t := tool lib\n") || strstr(buf, "KR_DEPS_t := lib tool\n"));
	free(buf);
	unload(&x);
	/* a cycle through a test dependency is a cycle; itself is an error */
	tree_port(root, "tool", "t", NULL);
	tree_port(root, "self", "", "test-depends: [self-dev]\ntest: true\n");
	load(&x, root, "host", "");
	CHECK(any_msg(&x, "cycle t -> tool -> t,"));
	CHECK(any_msg(&x, "port 'self' test-depends on itself ('self-dev')"));
	CHECK(x.d.n == 2);
	unload(&x);
	tree_port(root, "self", "", "test-depends: [nosuch]\ntest: true\n");
	tree_port(root, "tool", "", NULL);
	load(&x, root, "host", "");
	CHECK(any_msg(&x, "port 'self' test-depends on 'nosuch', but no port"));
	unload(&x);
	tree_done(root);
}

int main(void)
{
	RUN(cycle_is_printed_as_its_path);
	RUN(every_cycle_of_a_component_is_printed);
	RUN(cycle_through_runtime_deps_of_a_build_dep);
	RUN(missing_dependency_names_both_ports);
	RUN(subpackages_provides_and_default_splits_resolve);
	RUN(provider_clash_is_reported);
	RUN(folder_name_mismatch_and_reserved_names);
	RUN(arch_and_version_constraints);
	RUN(broken_recipe_does_not_cascade);
	RUN(tree_source_content_enters_the_key);
	RUN(keys_are_stable_and_distinct);
	RUN(recipe_change_propagates_to_dependents_only);
	RUN(runtime_dep_of_a_build_dep_is_part_of_the_key);
	RUN(patches_files_arch_and_toolchain_change_keys);
	RUN(make_fragment);
	RUN(test_depends_order_key_and_cycles);
	DONE();
}
