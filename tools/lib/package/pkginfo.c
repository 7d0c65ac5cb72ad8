/* pkginfo.c - see pkginfo.h */
#include "pkginfo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dep.h"

enum kind { K_STR, K_U64, K_LIST, K_HASH };

struct field {
	const char *key;
	enum kind kind;
	size_t off;
	int required; /* 1 always, 2 index only */
};

#define F(k, kind, member, req)                                                                    \
	{                                                                                          \
		k, kind, offsetof(struct pkginfo, member), req                                     \
	}
static const struct field fields[] = {
	F("name", K_STR, name, 1),	     F("version", K_STR, version, 1),
	F("arch", K_STR, arch, 1),	     F("origin", K_STR, origin, 1),
	F("summary", K_STR, summary, 1),     F("license", K_STR, license, 1),
	F("homepage", K_STR, homepage, 0),   F("build-key", K_STR, build_key, 0),
	F("keyring", K_STR, keyring, 0),     F("installed-size", K_U64, installed_size, 1),
	F("depend", K_LIST, depends, 0),     F("provide", K_LIST, provides, 0),
	F("conffile", K_LIST, conffiles, 0), F("install-if", K_LIST, install_if, 0),
	F("replace", K_LIST, replaces, 0),   F("provider-priority", K_STR, provider_priority, 0),
	F("file", K_STR, file, 2),	     F("sha256", K_HASH, sha256, 2),
	F("size", K_U64, size, 2),
};
#undef F

static int parse_u64(const char *s, uint64_t *out)
{
	if (!*s || *s < '0' || *s > '9' || (s[0] == '0' && s[1]))
		return -1;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end || errno)
		return -1;
	*out = v;
	return 0;
}

int pkginfo_parse(const char *data, size_t len, size_t *pos, int *line, const char *src,
		  int index_fields, struct pkginfo *out)
{
	memset(out, 0, sizeof *out);
	out->has_index_fields = index_fields;
	unsigned seen[ARRAY_LEN(fields)] = {0};
	size_t p = *pos;
	/* skip leading blank lines */
	while (p < len && data[p] == '\n') {
		p++;
		(*line)++;
	}
	if (p >= len) {
		*pos = p;
		return 0;
	}
	int start_line = *line;
	while (p < len && data[p] != '\n') {
		const char *ls = data + p;
		const char *nl = memchr(ls, '\n', len - p);
		size_t ll = nl ? (size_t)(nl - ls) : len - p;
		const char *colon = memchr(ls, ':', ll);
		if (memchr(ls, 0, ll)) {
			kr_err("%s:%d: NUL byte, expected text", src, *line);
			goto fail;
		}
		if (!colon || colon + 1 >= ls + ll || colon[1] != ' ' || colon == ls) {
			kr_err("%s:%d: expected 'key: value'", src, *line);
			goto fail;
		}
		size_t kl = (size_t)(colon - ls);
		size_t i;
		for (i = 0; i < ARRAY_LEN(fields); i++)
			if (strlen(fields[i].key) == kl && !memcmp(fields[i].key, ls, kl))
				break;
		if (i == ARRAY_LEN(fields) || (fields[i].required == 2 && !index_fields)) {
			kr_err("%s:%d: unknown key '%.*s'", src, *line, (int)kl, ls);
			goto fail;
		}
		char *val = xstrndup(colon + 2, ll - kl - 2);
		void *slot = (char *)out + fields[i].off;
		if (!*val) {
			kr_err("%s:%d: empty value for '%s'", src, *line, fields[i].key);
			free(val);
			goto fail;
		}
		if (fields[i].kind != K_LIST && seen[i]) {
			kr_err("%s:%d: duplicate key '%s', expected it once", src, *line,
			       fields[i].key);
			free(val);
			goto fail;
		}
		seen[i]++;
		switch (fields[i].kind) {
		case K_STR:
			if (slot == (void *)&out->keyring && strcmp(val, "yes")) {
				kr_err("%s:%d: keyring is '%s', expected 'yes' (or no keyring "
				       "line)",
				       src, *line, val);
				free(val);
				goto fail;
			}
			if (slot == (void *)&out->provider_priority &&
			    (strspn(val, "0123456789") != strlen(val) || strlen(val) > 9 ||
			     (val[0] == '0' && val[1]))) {
				kr_err("%s:%d: provider-priority is '%s', expected a whole number "
				       "below 1000000000",
				       src, *line, val);
				free(val);
				goto fail;
			}
			*(char **)slot = val;
			val = NULL;
			break;
		case K_U64:
			if (parse_u64(val, slot) < 0) {
				kr_err("%s:%d: '%s' is '%s', expected a whole number", src, *line,
				       fields[i].key, val);
				free(val);
				goto fail;
			}
			break;
		case K_HASH:
			if (strlen(val) != 64 || !is_hex(val, 64)) {
				kr_err("%s:%d: malformed sha256 '%s', expected 64 lowercase hex "
				       "digits",
				       src, *line, val);
				free(val);
				goto fail;
			}
			memcpy(slot, val, 65);
			break;
		case K_LIST:
			sl_push_own(slot, val);
			val = NULL;
			break;
		}
		free(val);
		p += ll + (nl ? 1 : 0);
		(*line)++;
	}
	for (size_t i = 0; i < ARRAY_LEN(fields); i++)
		if (!seen[i] &&
		    (fields[i].required == 1 || (fields[i].required == 2 && index_fields))) {
			kr_err("%s:%d: missing required key '%s'", src, start_line, fields[i].key);
			goto fail;
		}
	/* the db also holds virtual packages (krill add -t .NAME) */
	if (!valid_pkgname(out->name) && (index_fields || !valid_virtual_name(out->name))) {
		kr_err("%s:%d: bad package name '%s'", src, start_line, out->name);
		goto fail;
	}
	if (index_fields && (strchr(out->file, '/') || out->file[0] == '.')) {
		kr_err("%s:%d: bad file name '%s', expected a plain file name", src, start_line,
		       out->file);
		goto fail;
	}
	while (p < len && data[p] == '\n') {
		p++;
		(*line)++;
	}
	*pos = p;
	return 1;
fail:
	pkginfo_free(out);
	return -1;
}

void pkginfo_write(const struct pkginfo *p, struct sb *out)
{
	for (size_t i = 0; i < ARRAY_LEN(fields); i++) {
		const struct field *f = &fields[i];
		if (f->required == 2 && !p->has_index_fields)
			continue;
		const void *slot = (const char *)p + f->off;
		switch (f->kind) {
		case K_STR:
			if (*(char *const *)slot)
				sb_printf(out, "%s: %s\n", f->key, *(char *const *)slot);
			break;
		case K_U64:
			sb_printf(out, "%s: %llu\n", f->key,
				  (unsigned long long)*(const uint64_t *)slot);
			break;
		case K_HASH: sb_printf(out, "%s: %s\n", f->key, (const char *)slot); break;
		case K_LIST: {
			struct strlist l = STRLIST_INIT;
			const struct strlist *src = slot;
			for (size_t j = 0; j < src->n; j++)
				sl_push(&l, src->v[j]);
			sl_sort(&l);
			sl_uniq(&l);
			for (size_t j = 0; j < l.n; j++)
				sb_printf(out, "%s: %s\n", f->key, l.v[j]);
			sl_free(&l);
			break;
		}
		}
	}
	if (p->has_index_fields)
		sb_addc(out, '\n');
}

void pkginfo_free(struct pkginfo *p)
{
	free(p->name);
	free(p->version);
	free(p->arch);
	free(p->origin);
	free(p->summary);
	free(p->license);
	free(p->homepage);
	free(p->build_key);
	free(p->keyring);
	sl_free(&p->depends);
	sl_free(&p->provides);
	sl_free(&p->conffiles);
	sl_free(&p->install_if);
	sl_free(&p->replaces);
	free(p->provider_priority);
	free(p->file);
	memset(p, 0, sizeof *p);
}

char *pkginfo_filename(const struct pkginfo *p)
{
	return xasprintf("%s-%s.%s.pkg.tar.zst", p->name, p->version, p->arch);
}

int pkginfo_satisfies(const struct pkginfo *p, const char *dep)
{
	return dep_satisfied_by(dep, p->name, p->version, &p->provides);
}
