/* ldscript.c - see ldscript.h */
#include "ldscript.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Tokens of a linker script: words, and each of ( ) , as its own token;
 * C comments are skipped. */
struct lexer {
	const char *p, *end;
};

static int next_token(struct lexer *l, const char **tok, size_t *n)
{
	for (;;) {
		while (l->p < l->end && strchr(" \t\r\n;", *l->p))
			l->p++;
		if (l->end - l->p >= 2 && l->p[0] == '/' && l->p[1] == '*') {
			const char *close = NULL;
			for (const char *q = l->p + 2; q + 1 < l->end; q++)
				if (q[0] == '*' && q[1] == '/') {
					close = q;
					break;
				}
			l->p = close ? close + 2 : l->end;
			continue;
		}
		break;
	}
	if (l->p >= l->end)
		return 0;
	*tok = l->p;
	if (strchr("(),", *l->p)) {
		l->p++;
	} else {
		while (l->p < l->end && !strchr(" \t\r\n;(),", *l->p) &&
		       !(l->end - l->p >= 2 && l->p[0] == '/' && l->p[1] == '*'))
			l->p++;
	}
	*n = (size_t)(l->p - *tok);
	return 1;
}

static int tok_is(const char *t, size_t n, const char *word)
{
	return strlen(word) == n && !memcmp(t, word, n);
}

/* "libm.so.6", "ld-linux-x86-64.so.2": a versioned shared object */
static int versioned_so(const char *base, size_t n)
{
	for (size_t i = 0; i + 4 <= n; i++)
		if (!memcmp(base + i, ".so.", 4) && i + 4 < n)
			return 1;
	return 0;
}

int ldscript_sonames(const char *text, size_t len, struct strlist *sonames)
{
	if (memchr(text, '\0', len))
		return 0;
	struct lexer l = {text, text + len};
	const char *t;
	size_t n;
	if (!next_token(&l, &t, &n))
		return 0;
	static const char *const first[] = {"GROUP", "INPUT", "OUTPUT_FORMAT", "SEARCH_DIR",
					    "OUTPUT_ARCH"};
	int script = 0;
	for (size_t i = 0; i < ARRAY_LEN(first); i++)
		script |= tok_is(t, n, first[i]);
	if (!script)
		return 0;
	/* depth of parentheses inside a GROUP or INPUT command; 0 outside */
	int depth = 0, in_list = 0, pending = 0;
	do {
		if (!depth && (tok_is(t, n, "GROUP") || tok_is(t, n, "INPUT"))) {
			pending = 1;
		} else if (tok_is(t, n, "(")) {
			if (pending || in_list) {
				in_list = 1;
				depth++;
			}
			pending = 0;
		} else if (tok_is(t, n, ")")) {
			if (in_list && --depth == 0)
				in_list = 0;
		} else if (in_list && !tok_is(t, n, ",") && !tok_is(t, n, "AS_NEEDED") &&
			   !(n >= 2 && t[0] == '-' && t[1] == 'l')) {
			const char *base = t;
			for (const char *q = t; q < t + n; q++)
				if (*q == '/')
					base = q + 1;
			size_t bn = (size_t)(t + n - base);
			if (versioned_so(base, bn)) {
				char *s = xstrndup(base, bn);
				if (!sl_has(sonames, s))
					sl_push(sonames, s);
				free(s);
			}
		} else {
			pending = 0;
		}
	} while (next_token(&l, &t, &n));
	return 1;
}

int ldscript_file_sonames(const char *path, struct strlist *sonames)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		kr_err("%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	char *buf = xmalloc(LDSCRIPT_MAX);
	size_t len = 0;
	while (len < LDSCRIPT_MAX) {
		ssize_t r = read(fd, buf + len, LDSCRIPT_MAX - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			kr_err("%s: cannot read: %s", path, strerror(errno));
			close(fd);
			free(buf);
			return -1;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	int rc = ldscript_sonames(buf, len, sonames);
	free(buf);
	return rc;
}
