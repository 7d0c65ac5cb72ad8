/* dep.c - see dep.h */
#include "dep.h"

#include <ctype.h>
#include <string.h>

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
