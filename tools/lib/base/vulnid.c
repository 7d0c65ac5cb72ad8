/* vulnid.c - see vulnid.h */
#include "vulnid.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char **why, const char *msg)
{
	if (why)
		*why = msg;
	return 0;
}

/* n digits exactly at s. */
static int digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

/* "YYYY-" with a year from `from` on. */
static int year(const char *s, int from)
{
	return digits(s, 4) && s[4] == '-' && atoi(s) >= from;
}

int vuln_id_valid(const char *s, const char **why)
{
	size_t sl = strlen(s);
	if (!strncmp(s, "CVE-", 4)) {
		/* (lengths first: never look past the end of a short id) */
		const char *n = sl >= 9 ? s + 9 : "";
		size_t len = strlen(n);
		if (sl < 9 || !year(s + 4, 1999) || !all_digits(n) || len < 4 ||
		    (len > 4 && n[0] == '0'))
			return fail(why, "CVE-YYYY-NNNN (a year from 1999, then 4 digits, or "
					 "more without a leading zero)");
		return 1;
	}
	if (!strncmp(s, "GHSA-", 5)) {
		static const char alpha[] = "23456789cfghjmpqrvwx";
		const char *p = s + 5;
		if (sl != 19)
			return fail(why, "GHSA-xxxx-xxxx-xxxx (three groups of 4 from "
					 "23456789cfghjmpqrvwx, lowercase)");
		for (int g = 0; g < 3; g++, p += 5)
			if (strspn(p, alpha) != 4 || p[4] != (g < 2 ? '-' : 0))
				return fail(why, "GHSA-xxxx-xxxx-xxxx (three groups of 4 from "
						 "23456789cfghjmpqrvwx, lowercase)");
		return 1;
	}
	if (!strncmp(s, "KRILL-", 6)) {
		const char *n = sl >= 11 ? s + 11 : "";
		if (sl < 11 || !year(s + 6, 2025) || !all_digits(n) || n[0] == '0' || strlen(n) > 9)
			return fail(why, "KRILL-YYYY-N (a year from 2025, then a number from 1 "
					 "without leading zeros)");
		return 1;
	}
	return fail(why, "CVE-YYYY-NNNN, GHSA-xxxx-xxxx-xxxx or KRILL-YYYY-N");
}

const char *const vex_justifications[5] = {
	"component_not_present",
	"vulnerable_code_not_present",
	"vulnerable_code_not_in_execute_path",
	"vulnerable_code_cannot_be_controlled_by_adversary",
	"inline_mitigations_already_exist",
};

int vex_justification_valid(const char *s)
{
	for (size_t i = 0; i < 5; i++)
		if (!strcmp(s, vex_justifications[i]))
			return 1;
	return 0;
}

/* One component of a formatted string: "*", "-", or characters from
 * [a-z0-9._-] and '\'-escaped punctuation, with ? runs or one * only at
 * either end (the grammar's "special" characters). */
static int cpe_component(const char *s, size_t n, int named)
{
	if (n == 1 && (s[0] == '*' || s[0] == '-'))
		return !named;
	if (!n)
		return 0;
	size_t b = 0, e = n;
	if (s[0] == '*')
		b = 1;
	else
		while (b < e && s[b] == '?')
			b++;
	if (e > b && s[e - 1] == '*' && (e < 2 || s[e - 2] != '\\'))
		e--;
	else
		while (e > b && s[e - 1] == '?' && (e < 2 || s[e - 2] != '\\'))
			e--;
	if (b == e)
		return 0;
	for (size_t i = b; i < e; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\\') {
			if (++i >= e || !ispunct((unsigned char)s[i]))
				return 0;
		} else if (!(islower(c) || isdigit(c) || c == '.' || c == '_' || c == '-')) {
			return 0;
		}
	}
	return 1;
}

int cpe23_valid(const char *s, const char **why)
{
	static const char *const expected =
		"cpe:2.3:PART:VENDOR:PRODUCT:VERSION:UPDATE:EDITION:LANGUAGE:SW_EDITION:"
		"TARGET_SW:TARGET_HW:OTHER (part a, o or h; vendor and product named; the rest "
		"* or - or a value of lowercase letters, digits, . _ - and \\-escaped "
		"punctuation)";
	if (strncmp(s, "cpe:2.3:", 8))
		return fail(why, expected);
	const char *p = s + 8;
	int field = 0;
	while (field < 11) {
		/* a component ends at the first ':' that no '\' escapes */
		const char *e = p;
		while (*e && *e != ':') {
			if (*e == '\\' && e[1])
				e++;
			e++;
		}
		size_t n = (size_t)(e - p);
		if (field == 0 ? !(n == 1 && strchr("aoh", p[0]))
			       : !cpe_component(p, n, field == 1 || field == 2))
			return fail(why, expected);
		field++;
		if (field < 11 && *e != ':')
			return fail(why, expected);
		if (field == 11 && *e)
			return fail(why, expected);
		p = e + 1;
	}
	return 1;
}

/* Characters a purl segment may hold as they are; the rest as %XX. */
static int purl_chars(const char *s, size_t n, const char *extra)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			if (i + 2 >= n || !isxdigit((unsigned char)s[i + 1]) ||
			    !isxdigit((unsigned char)s[i + 2]))
				return 0;
			i += 2;
		} else if (!(isalnum(c) || strchr(".-_~", c) || (extra && strchr(extra, c)))) {
			return 0;
		}
	}
	return 1;
}

int purl_valid(const char *s, const char **why)
{
	static const char *const expected =
		"pkg:TYPE/[NAMESPACE/]NAME[@VERSION][?KEY=VALUE&...][#SUBPATH] (type lowercase "
		"a-z 0-9 . + - from a letter; names, version and values of letters, digits, "
		". - _ ~ and %XX; qualifier keys lowercase, sorted, unique)";
	if (strncmp(s, "pkg:", 4))
		return fail(why, expected);
	const char *p = s + 4;
	size_t tl = strcspn(p, "/");
	if (!tl || !p[tl] || !islower((unsigned char)p[0]))
		return fail(why, expected);
	for (size_t i = 0; i < tl; i++)
		if (!(islower((unsigned char)p[i]) || isdigit((unsigned char)p[i]) ||
		      strchr(".+-", p[i])))
			return fail(why, expected);
	p += tl + 1;
	const char *end = p + strcspn(p, "?#");
	const char *at = memchr(p, '@', (size_t)(end - p));
	const char *name_end = at ? at : end;
	/* namespace segments and the name: '/'-separated, none empty */
	for (const char *q = p; q < name_end;) {
		const char *sl = memchr(q, '/', (size_t)(name_end - q));
		const char *se = sl ? sl : name_end;
		if (!purl_chars(q, (size_t)(se - q), NULL))
			return fail(why, expected);
		q = sl ? sl + 1 : name_end;
		if (sl && q == name_end)
			return fail(why, expected);
	}
	if (name_end == p)
		return fail(why, expected);
	if (at && !purl_chars(at + 1, (size_t)(end - at - 1), NULL))
		return fail(why, expected);
	if (*end == '?') {
		const char *q = end + 1, *qend = q + strcspn(q, "#");
		char prev[64] = "";
		if (q == qend)
			return fail(why, expected);
		while (q < qend) {
			const char *amp = memchr(q, '&', (size_t)(qend - q));
			const char *pe = amp ? amp : qend;
			const char *eq = memchr(q, '=', (size_t)(pe - q));
			size_t kl = eq ? (size_t)(eq - q) : 0;
			if (!eq || !kl || kl >= sizeof prev || !islower((unsigned char)q[0]) ||
			    !purl_chars(eq + 1, (size_t)(pe - eq - 1), ":/"))
				return fail(why, expected);
			for (size_t i = 0; i < kl; i++)
				if (!(islower((unsigned char)q[i]) || isdigit((unsigned char)q[i]) ||
				      strchr(".-_", q[i])))
					return fail(why, expected);
			char key[64];
			memcpy(key, q, kl);
			key[kl] = 0;
			if (*prev && strcmp(prev, key) >= 0)
				return fail(why, expected);
			memcpy(prev, key, kl + 1);
			q = amp ? amp + 1 : qend;
			if (amp && q == qend)
				return fail(why, expected);
		}
		end = qend;
	}
	if (*end == '#') {
		const char *q = end + 1;
		if (!*q)
			return fail(why, expected);
		while (*q) {
			size_t sl = strcspn(q, "/");
			if (!purl_chars(q, sl, NULL) || (sl == 1 && q[0] == '.') ||
			    (sl == 2 && !strncmp(q, "..", 2)))
				return fail(why, expected);
			q += sl;
			if (*q == '/' && !*++q)
				return fail(why, expected);
		}
	}
	return 1;
}
