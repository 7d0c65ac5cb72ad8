/* version.c - see version.h */
#include "version.h"

#include <ctype.h>
#include <string.h>

/* Compare one upstream version, rpmvercmp-like: runs of digits compare as
 * numbers, runs of letters as strings, digits beat letters, '~' sorts
 * before everything including the end of the string. */
static int cmp_upstream(const char *a, const char *ae, const char *b, const char *be)
{
	while (a < ae || b < be) {
		while (a < ae && !isalnum((unsigned char)*a) && *a != '~')
			a++;
		while (b < be && !isalnum((unsigned char)*b) && *b != '~')
			b++;
		if ((a < ae && *a == '~') || (b < be && *b == '~')) {
			if (!(a < ae && *a == '~'))
				return 1;
			if (!(b < be && *b == '~'))
				return -1;
			a++, b++;
			continue;
		}
		if (a >= ae || b >= be)
			return (a < ae) - (b < be);
		const char *as = a, *bs = b;
		int num = !!isdigit((unsigned char)*a);
		if (num != !!isdigit((unsigned char)*b))
			return num ? 1 : -1;
		if (num) {
			while (as < ae && *as == '0')
				as++;
			while (bs < be && *bs == '0')
				bs++;
			a = as, b = bs;
			while (a < ae && isdigit((unsigned char)*a))
				a++;
			while (b < be && isdigit((unsigned char)*b))
				b++;
			if (a - as != b - bs)
				return a - as > b - bs ? 1 : -1;
		} else {
			while (a < ae && isalpha((unsigned char)*a))
				a++;
			while (b < be && isalpha((unsigned char)*b))
				b++;
		}
		size_t la = (size_t)(a - as), lb = (size_t)(b - bs);
		int c = memcmp(as, bs, la < lb ? la : lb);
		if (c)
			return c < 0 ? -1 : 1;
		if (la != lb)
			return la < lb ? -1 : 1;
	}
	return 0;
}

static const char *release_of(const char *v, long *rel)
{
	const char *d = strrchr(v, '-');
	*rel = -1;
	if (d && d[1] == 'r' && isdigit((unsigned char)d[2])) {
		long n = 0;
		for (const char *s = d + 2; isdigit((unsigned char)*s); s++)
			n = n * 10 + (*s - '0');
		*rel = n;
		return d;
	}
	return v + strlen(v);
}

int version_cmp(const char *a, const char *b)
{
	long ra, rb;
	const char *ae = release_of(a, &ra), *be = release_of(b, &rb);
	int c = cmp_upstream(a, ae, b, be);
	if (c)
		return c;
	if (ra < 0 || rb < 0)
		return 0; /* a bare version matches any release */
	return (ra > rb) - (ra < rb);
}

int version_satisfies(const char *have, const char *op, const char *want)
{
	if (!op || !*op)
		return 1;
	int c = version_cmp(have, want);
	if (!strcmp(op, "<"))
		return c < 0;
	if (!strcmp(op, "<="))
		return c <= 0;
	if (!strcmp(op, "="))
		return c == 0;
	if (!strcmp(op, ">="))
		return c >= 0;
	if (!strcmp(op, ">"))
		return c > 0;
	return 0;
}
