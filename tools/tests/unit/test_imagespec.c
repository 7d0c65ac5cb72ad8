/* test_imagespec.c - the image spec parser: values as written, and each
 * class of error reported at its line:col, all of them in one run. */
#include "imagespec.h"
#include "t.h"

static struct imagespec *load(const char *text, struct diags *d)
{
	return imagespec_load_mem(text, strlen(text), "images/t.yaml", d);
}

/* The first diagnostic's "line:col: msg" contains want. */
static int has(const struct diags *d, int line, int col, const char *want)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].pos.line == line && d->v[i].pos.col == col && strstr(d->v[i].msg, want))
			return 1;
	for (size_t i = 0; i < d->n; i++)
		printf("  got %d:%d: %s\n", d->v[i].pos.line, d->v[i].pos.col, d->v[i].msg);
	return 0;
}

TEST(full_spec)
{
	struct diags d = DIAGS_INIT;
	struct imagespec *s =
		load("description: d\n"
		     "contents:\n"
		     "  repositories: [\"https://x/${arch}/r\"]\n"
		     "  keyring: [k/a.pub]\n"
		     "  packages: [a, \"b>=1.0\"]\n"
		     "accounts:\n"
		     "  groups: [{groupname: g, gid: 7, members: [u]}]\n"
		     "  users: [{username: u, uid: 9}]\n"
		     "  run-as: \"9:7\"\n"
		     "entrypoint: [/bin/a, -x]\n"
		     "cmd: [b]\n"
		     "environment: {PATH: /bin, X_1: \"0755\"}\n"
		     "work-dir: /w\n"
		     "archs: [aarch64]\n"
		     "annotations: {k: v}\n"
		     "paths: [{path: /d, type: directory, uid: 1, gid: 2, permissions: 0750},\n"
		     "        {path: /l, type: symlink, source: d}]\n",
		     &d);
	CHECK(d.n == 0);
	CHECK(s && s->packages.n == 2);
	CHECK_STR(s->name, "t");
	CHECK_STR(s->packages.v[1].s, "b>=1.0");
	CHECK(s->nusers == 1 && s->users[0].gid == 9); /* gid defaults to uid */
	CHECK_STR(s->users[0].homedir, "/home/u");
	CHECK_STR(s->users[0].shell, "/sbin/nologin");
	CHECK(s->ngroups == 1 && s->groups[0].gid == 7 && s->groups[0].members.n == 1);
	CHECK_STR(s->env[1].value, "0755"); /* a scalar as written */
	CHECK(s->npaths == 2 && s->paths[0].mode == 0750 && s->paths[0].uid == 1);
	CHECK(s->paths[1].type == ISP_SYMLINK);
	CHECK(imagespec_has_arch(s, "aarch64") && !imagespec_has_arch(s, "x86_64"));
	char *e = imagespec_expand(s->repos.v[0].s, "aarch64");
	CHECK_STR(e, "https://x/aarch64/r");
	free(e);
	CHECK(s->entrypoint.n == 2 && s->cmd.n == 1);
	imagespec_free(s);
	diag_free(&d);
}

TEST(every_error_located)
{
	struct diags d = DIAGS_INIT;
	struct imagespec *s =
		load("contents:\n"				     /* 1 */
		     "  packages: [a, a, \"B\"]\n"		     /* 2 */
		     "  keyring: [x.pem]\n"			     /* 3 */
		     "contents: {}\n"				     /* 4 */
		     "wat: 1\n"					     /* 5 */
		     "cmd: /bin/sh\n"				     /* 6 */
		     "work-dir: rel\n"				     /* 7 */
		     "archs: [mips]\n"				     /* 8 */
		     "accounts:\n"				     /* 9 */
		     "  users: [{username: u, uid: 1x}, {uid: 2}]\n" /* 10 */
		     "  groups: [{groupname: g, gid: 1}, {groupname: g, gid: 1}]\n"
		     "  run-as: nobody\n"     /* 12 */
		     "environment: {1A: x}\n" /* 13 */
		     "paths: [{path: /a, type: symlink}, {path: x, type: directory}]\n",
		     &d);
	CHECK(s != NULL);
	CHECK(has(&d, 2, 17, "package 'a' listed twice"));
	CHECK(has(&d, 2, 20, "bad package 'B'"));
	CHECK(has(&d, 3, 13, "bad key 'x.pem'"));
	CHECK(has(&d, 4, 1, "duplicate key 'contents'"));
	CHECK(has(&d, 5, 1, "unknown key 'wat'"));
	CHECK(has(&d, 6, 6, "'cmd' is a scalar, expected a list"));
	CHECK(has(&d, 7, 11, "bad work-dir 'rel'"));
	CHECK(has(&d, 8, 9, "unknown arch 'mips'"));
	CHECK(has(&d, 10, 30, "'uid' is '1x', expected a whole number"));
	CHECK(has(&d, 10, 35, "missing required key 'username' in a user"));
	CHECK(has(&d, 11, 48, "group 'g' (gid 1) clashes"));
	CHECK(has(&d, 12, 11, "bad run-as 'nobody'"));
	CHECK(has(&d, 13, 15, "bad name '1A'"));
	CHECK(has(&d, 14, 16, "symlink /a has no 'source'"));
	CHECK(has(&d, 14, 43, "bad path 'x'"));
	imagespec_free(s);
	diag_free(&d);
}

TEST(shape_errors)
{
	struct diags d = DIAGS_INIT;
	imagespec_free(load("", &d));
	CHECK(has(&d, 1, 1, "empty file"));
	diag_free(&d);
	imagespec_free(load("- a\n", &d));
	CHECK(has(&d, 1, 1, "image spec is a list, expected a mapping"));
	diag_free(&d);
	imagespec_free(load("description: x\n", &d));
	CHECK(has(&d, 1, 1, "missing required key 'contents'"));
	diag_free(&d);
	CHECK(load("a: [\n", &d) == NULL);
	CHECK(d.n == 1 && strstr(d.v[0].msg, "YAML syntax error"));
	diag_free(&d);
	imagespec_free(load("contents: {packages: [a]}\n---\nb: 1\n", &d));
	CHECK(has(&d, 2, 1, "a second YAML document"));
	diag_free(&d);
	imagespec_free(load("contents: {packages: []}\npaths: [{path: /p, type: permissions, "
			    "permissions: \"9\"}]\n",
			    &d));
	CHECK(has(&d, 1, 22, "'packages' is an empty list"));
	CHECK(has(&d, 2, 52, "bad permissions '9'"));
	diag_free(&d);
}

int main(void)
{
	RUN(full_spec);
	RUN(every_error_located);
	RUN(shape_errors);
	DONE();
}
