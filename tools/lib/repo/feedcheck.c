/* feedcheck.c - feed_check and feeds_check_dir of feeds.h: the shape of
 * the security feeds, as krill verify (lean too) checks them. The OpenVEX
 * JSON schema itself is applied in make check (tools/tests/openvex/). */
#include "feeds.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "dep.h"
#include "vulnid.h"

static int bad(const char *src, const char *fmt, ...) KR_PRINTF(2, 3);
static int bad(const char *src, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char buf[512];
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	kr_err("%s: %s", src, buf);
	return -1;
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Only the keys allowed (NULL-terminated list). */
static int only_keys(json_t *o, const char *const *keys, const char *what, const char *src)
{
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
	{
		size_t i;
		for (i = 0; keys[i] && strcmp(keys[i], k); i++)
			;
		if (!keys[i])
			return bad(src, "unknown key '%s' in %s", k, what);
	}
	return 0;
}

static int id_ok(const char *id, const char *where, const char *src)
{
	const char *why;
	if (!id)
		return bad(src, "%s: expected a vulnerability id string", where);
	if (!vuln_id_valid(id, &why))
		return bad(src, "%s: bad vulnerability id '%s', expected %s", where, id, why);
	return 0;
}

static int check_secdb(json_t *doc, const struct index *ix, const char *src)
{
	static const char *const keys[] = {"apkurl",   "archs",	   "reponame", "urlprefix",
					   "packages", "distroversion", NULL};
	if (only_keys(doc, keys, "the secdb", src) < 0)
		return -1;
	if (!str(doc, "urlprefix") || !str(doc, "apkurl"))
		return bad(src, "expected strings urlprefix and apkurl");
	if (!str(doc, "reponame") || strcmp(str(doc, "reponame"), ix->name))
		return bad(src, "reponame is not the index's '%s'", ix->name);
	json_t *archs = json_object_get(doc, "archs"), *x;
	size_t i, j;
	int has = 0;
	if (!json_is_array(archs))
		return bad(src, "expected an array archs");
	json_array_foreach(archs, i, x)
	{
		if (!json_is_string(x))
			return bad(src, "archs[%zu]: expected a string", i);
		has |= !strcmp(json_string_value(x), ix->arch);
	}
	if (!has)
		return bad(src, "archs does not name the index's arch '%s'", ix->arch);
	json_t *pkgs = json_object_get(doc, "packages");
	if (!json_is_array(pkgs))
		return bad(src, "expected an array packages");
	json_array_foreach(pkgs, i, x)
	{
		static const char *const pk[] = {"pkg", NULL}, *const pkk[] = {"name", "secfixes",
									       NULL};
		json_t *p = json_object_get(x, "pkg");
		if (!json_is_object(x) || only_keys(x, pk, "a packages entry", src) < 0 ||
		    !json_is_object(p) || only_keys(p, pkk, "pkg", src) < 0)
			return bad(src, "packages[%zu]: expected {\"pkg\": {name, secfixes}}", i);
		const char *name = str(p, "name");
		json_t *fx = json_object_get(p, "secfixes"), *ids;
		if (!name || !valid_pkgname(name) || !json_is_object(fx))
			return bad(src, "packages[%zu]: expected a package name and a secfixes object",
				   i);
		const char *ver;
		json_object_foreach(fx, ver, ids)
		{
			if (strcmp(ver, "0") && !valid_full_version(ver))
				return bad(src, "%s: secfixes key '%s', expected VERSION-rN or 0",
					   name, ver);
			if (!json_is_array(ids) || !json_array_size(ids))
				return bad(src, "%s %s: expected a non-empty array of ids", name,
					   ver);
			json_array_foreach(ids, j, x)
			{
				char where[300];
				snprintf(where, sizeof where, "%s %s", name, ver);
				if (id_ok(json_string_value(x), where, src) < 0)
					return -1;
			}
		}
	}
	return 0;
}

static int check_statement(json_t *s, size_t i, const char *src)
{
	static const char *const keys[] = {"@id",
					   "version",
					   "vulnerability",
					   "timestamp",
					   "last_updated",
					   "products",
					   "status",
					   "supplier",
					   "status_notes",
					   "justification",
					   "impact_statement",
					   "action_statement",
					   "action_statement_timestamp",
					   NULL};
	char where[64];
	snprintf(where, sizeof where, "statements[%zu]", i);
	if (!json_is_object(s))
		return bad(src, "%s: expected an object", where);
	if (only_keys(s, keys, where, src) < 0)
		return -1;
	json_t *v = json_object_get(s, "vulnerability");
	if (!json_is_object(v) || id_ok(str(v, "name"), where, src) < 0)
		return json_is_object(v) ? -1 : bad(src, "%s: expected a vulnerability object", where);
	const char *status = str(s, "status");
	static const char *const statuses[] = {"not_affected", "affected", "fixed",
					       "under_investigation"};
	size_t k;
	for (k = 0; status && k < ARRAY_LEN(statuses) && strcmp(status, statuses[k]); k++)
		;
	if (!status || k == ARRAY_LEN(statuses))
		return bad(src, "%s: expected status not_affected, affected, fixed or "
				"under_investigation",
			   where);
	const char *just = str(s, "justification");
	if (json_object_get(s, "justification") && (!just || !vex_justification_valid(just)))
		return bad(src, "%s: justification is not one of OpenVEX's", where);
	if (!strcmp(status, "not_affected") && !just && !str(s, "impact_statement"))
		return bad(src, "%s: not_affected without a justification or impact_statement",
			   where);
	if (!strcmp(status, "affected") && !str(s, "action_statement"))
		return bad(src, "%s: affected without an action_statement", where);
	json_t *prods = json_object_get(s, "products"), *p;
	if (prods && !json_is_array(prods))
		return bad(src, "%s: products is not an array", where);
	json_array_foreach(prods, k, p)
	{
		json_t *ids = json_object_get(p, "identifiers");
		if (!json_is_object(p) || (!str(p, "@id") && !json_is_object(ids)))
			return bad(src, "%s: products[%zu]: expected an @id or identifiers", where,
				   k);
	}
	return 0;
}

static int check_vex(json_t *doc, const char *src)
{
	static const char *const keys[] = {"@context",	   "@id",     "author",	    "role",
					   "timestamp",	   "last_updated", "version", "tooling",
					   "statements",   NULL};
	if (only_keys(doc, keys, "the OpenVEX document", src) < 0)
		return -1;
	const char *ctx = str(doc, "@context");
	if (!ctx || strncmp(ctx, OPENVEX_CONTEXT_PREFIX, strlen(OPENVEX_CONTEXT_PREFIX)))
		return bad(src, "@context is not OpenVEX's (" OPENVEX_CONTEXT_PREFIX "...)");
	time_t t;
	if (!str(doc, "@id") || !str(doc, "author") || !str(doc, "timestamp") ||
	    rfc3339_parse(str(doc, "timestamp"), &t) < 0)
		return bad(src, "expected strings @id and author and a timestamp "
				"YYYY-MM-DDTHH:MM:SSZ");
	json_t *ver = json_object_get(doc, "version");
	if (!json_is_integer(ver) || json_integer_value(ver) < 1)
		return bad(src, "expected a version from 1");
	json_t *st = json_object_get(doc, "statements"), *s;
	size_t i;
	if (!json_is_array(st) || !json_array_size(st))
		return bad(src, "expected a non-empty array statements");
	json_array_foreach(st, i, s)
	if (check_statement(s, i, src) < 0)
		return -1;
	return 0;
}

int feed_check(int which, const char *data, size_t len, const struct index *ix, const char *src)
{
	json_error_t e;
	if (len > INDEX_FEED_MAX)
		return bad(src, "%zu bytes, more than the %u a feed may have", len, INDEX_FEED_MAX);
	json_t *doc = json_loadb(data, len, JSON_REJECT_DUPLICATES, &e);
	if (!doc)
		return bad(src, "%d:%d: not valid JSON: %s", e.line, e.column, e.text);
	int rc = !json_is_object(doc)	  ? bad(src, "expected a JSON object")
		 : which == FEED_SECDB ? check_secdb(doc, ix, src)
				       : check_vex(doc, src);
	json_decref(doc);
	return rc;
}

size_t feeds_check_dir(const char *dir, const struct index *ix,
		       void (*report)(const char *msg, void *arg), void *arg)
{
	size_t nbad = 0;
	for (int f = 0; f < FEED_N; f++) {
		char *path = path_join(dir, index_feed_files[f]), *data = NULL;
		const struct index_feed *x = &ix->feeds[f];
		size_t len;
		struct stat st;
		int serr = stat(path, &st) == 0 ? 0 : errno, there = serr != ENOENT;
		char *msg = NULL;
		if (serr && serr != ENOENT)
			msg = xasprintf("%s: cannot stat: %s", path, strerror(serr));
		else if (!x->size && there)
			msg = xasprintf("%s: a security feed the signed index does not name", path);
		else if (x->size && !there)
			msg = xasprintf("%s: missing, the signed index names it", path);
		else if (x->size && st.st_size != (off_t)x->size)
			msg = xasprintf("%s: %lld bytes, the signed index names %llu: tampered",
					path, (long long)st.st_size, (unsigned long long)x->size);
		else if (x->size && read_file(path, &data, &len) < 0)
			msg = xasprintf("%s: cannot read: %s", path, kr_errmsg());
		else if (x->size) {
			char hex[SHA256_HEX_LEN + 1];
			sha256_hex(data, len, hex);
			if (len != x->size || strcmp(hex, x->sha256))
				msg = xasprintf("%s: %zu bytes with sha256 %s, the signed index "
						"names %llu bytes with sha256 %s: tampered",
						path, len, hex, (unsigned long long)x->size,
						x->sha256);
			else if (feed_check(f, data, len, ix, path) < 0)
				msg = xstrdup(kr_errmsg());
		}
		if (msg) {
			report(msg, arg);
			nbad++;
		}
		free(msg);
		free(data);
		free(path);
	}
	return nbad;
}
