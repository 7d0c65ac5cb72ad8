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
