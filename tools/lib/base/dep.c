/* dep.c - see dep.h */
#include "dep.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "version.h"

int valid_pkgname(const char *s)
{
	if (!*s || !(islower((unsigned char)*s) || isdigit((unsigned char)*s)))
		return 0;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) ||
		      strchr("+._-", *s)))
			return 0;
	return 1;
}

int valid_version(const char *s)
{
	if (!isdigit((unsigned char)*s))
		return 0;
	int tilde = 0;
	char prev = 0;
	for (; *s; prev = *s++) {
		if (isalnum((unsigned char)*s))
			continue;
		if (*s == '~') {
			if (tilde++)
				return 0;
		} else if (!strchr(".+_", *s))
			return 0;
		if (strchr(".+_~", prev))
			return 0; /* empty segment */
		if (!isalnum((unsigned char)s[1]))
			return 0; /* trailing separator */
	}
	return 1;
}

int valid_full_version(const char *v)
{
	const char *r = strrchr(v, '-');
	if (!r || r[1] != 'r' || !r[2] || strspn(r + 2, "0123456789") != strlen(r + 2))
		return 0;
	char *up = xstrndup(v, (size_t)(r - v));
	int ok = valid_version(up);
	free(up);
	return ok;
}

/* A SONAME: printable, no space and no operator character. */
static int valid_soname(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isgraph((unsigned char)*s) || strchr("<>=", *s))
			return 0;
	return 1;
}

int dep_split(const char *dep, char **name, char **op, char **ver)
{
	int so = str_starts(dep, "so:");
	size_t n = so ? strlen(dep) : strcspn(dep, "<>=");
	const char *o = dep + n;
	size_t ol = strspn(o, "<>=");
	static const char *const ops[] = {"", "<", "<=", "=", ">=", ">"};
	char *nm = xstrndup(dep, n);
	int ok = so ? valid_soname(nm + 3) : valid_pkgname(nm);
	if (ok) {
		ok = 0;
		for (size_t i = 0; i < ARRAY_LEN(ops); i++)
			if (strlen(ops[i]) == ol && !strncmp(ops[i], o, ol))
				ok = 1;
	}
	if (ok && ol && !valid_version(o + ol) && !valid_full_version(o + ol))
		ok = 0;
	if (!ok) {
		free(nm);
		kr_err("dependency '%s': expected NAME, NAME OP VERSION (OP one of < <= = >= >) "
		       "or so:SONAME",
		       dep);
		return -1;
	}
	*name = nm;
	*op = xstrndup(o, ol);
	*ver = xstrdup(o + ol);
	return 0;
}

int dep_provides(const char *pkgname, const char *pkgver, const struct strlist *provides,
		 const char *name, const char *op, const char *ver)
{
	if (!strcmp(pkgname, name) && (!*op || version_satisfies(pkgver, op, ver)))
		return 1;
	size_t nl = strlen(name);
	for (size_t i = 0; provides && i < provides->n; i++) {
		const char *pv = provides->v[i];
		if (strncmp(pv, name, nl))
			continue;
		if (!pv[nl] && !*op)
			return 1;
		if (pv[nl] == '=' && (!*op || version_satisfies(pv + nl + 1, op, ver)))
			return 1;
	}
	return 0;
}

int dep_satisfied_by(const char *dep, const char *pkgname, const char *pkgver,
		     const struct strlist *provides)
{
	char *name, *op, *ver;
	if (dep_split(dep, &name, &op, &ver) < 0)
		return -1;
	int r = dep_provides(pkgname, pkgver, provides, name, op, ver);
	free(name);
	free(op);
	free(ver);
	return r;
}

int valid_virtual_name(const char *s)
{
	return s[0] == '.' && valid_pkgname(s + 1);
}

const char *dep_apk_differs(const char *v)
{
	static const char *const pre[] = {"_alpha", "_beta", "_pre", "_rc"};
	for (size_t i = 0; i < ARRAY_LEN(pre); i++) {
		const char *s = strstr(v, pre[i]);
		if (s && !isalpha((unsigned char)s[strlen(pre[i])]))
			return "a pre-release suffix (_alpha, _beta, _pre, _rc) sorts after the "
			       "release in krill (1.0_rc1 > 1.0) but before it in apk: write "
			       "1.0~rc1 for a pre-release";
	}
	for (const char *s = strchr(v, '.'); s; s = strchr(s + 1, '.'))
		if (s[1] == '0' && isdigit((unsigned char)s[2]))
			return "a component with a leading zero compares as a number in krill "
			       "(1.01 == 1.1) but as a decimal fraction in apk (1.01 < 1.1): "
			       "write it without the leading zero";
	return NULL;
}

int world_dep_parse(const char *entry, struct world_dep *out)
{
	memset(out, 0, sizeof *out);
	const char *e = entry;
	if (*e == '!') {
		out->conflict = 1;
		e++;
	}
	/* cut out "@TAG": it ends at an operator or the end */
	struct sb d = SB_INIT;
	const char *at = strchr(e, '@');
	char *tag = NULL;
	if (at) {
		size_t tl = strcspn(at + 1, "<>=");
		tag = xstrndup(at + 1, tl);
		sb_add(&d, e, (size_t)(at - e));
		sb_adds(&d, at + 1 + tl);
		if (!valid_pkgname(tag)) {
			kr_err("'%s': bad repository tag '%s', expected NAME@TAG with TAG "
			       "like a package name",
			       entry, tag);
			free(tag);
			sb_free(&d);
			return -1;
		}
	} else
		sb_adds(&d, e);
	const char *dep = sb_str(&d);
	int virt = dep[0] == '.';
	int r = dep_split(virt ? dep + 1 : dep, &out->name, &out->op, &out->ver);
	if (r == 0 && virt) {
		char *n = xasprintf(".%s", out->name);
		free(out->name);
		out->name = n;
	}
	if (r == 0 && *out->ver && dep_apk_differs(out->ver)) {
		kr_err("'%s': version %s is read differently by krill and apk: %s", entry, out->ver,
		       dep_apk_differs(out->ver));
		r = -1;
	}
	sb_free(&d);
	out->tag = tag ? tag : xstrdup("");
	if (r < 0)
		world_dep_free(out);
	return r;
}

void world_dep_free(struct world_dep *w)
{
	free(w->name);
	free(w->op);
	free(w->ver);
	free(w->tag);
	memset(w, 0, sizeof *w);
}
