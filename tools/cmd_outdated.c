/* cmd_outdated.c - `krill outdated`: for every port, the newest upstream
 * version the Debian source indices list and whether its file is served
 * (lib/fetch/outdated.h); --write updates the recipes whose new file
 * arrives. Reference: tools/doc/outdated.md. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "debsrc.h"
#include "fetch.h"
#include "jsonout.h"
#include "outdated.h"
#include "verbs.h"

static int run(int argc, char **argv);

const struct verb verb_outdated = {
	"outdated",
	"newest upstream versions in the Debian source indices, and whether they are served",
	"usage: krill outdated [OPTIONS] [PORT...]\n"
	"\n"
	"For every port (of each --ports folder; default: ports/ and bootstrap/), looks\n"
	"its pinned source up by sha256 in the Debian Sources indices of the suites the\n"
	"host's apt configuration reaches (the same private apt state as `krill fetch`),\n"
	"lists the upstream versions of that Debian source package, and asks the archive\n"
	"(HEAD request) whether the newer ones' files are served, newest first. Warns\n"
	"when a pinned file is listed in no suite, or served nowhere: a fresh machine\n"
	"could not fetch it. See tools/doc/outdated.md.\n"
	"\n"
	"  --cache DIR        cache folder (default: $KRILL_CACHE_DIR, else ~/.cache/krill)\n"
	"  --ports DIR        a folder of ports; repeatable\n"
	"  --json             one JSON document instead of the table\n"
	"  --write            for each port whose newer file is served: download it into the\n"
	"                     cache (sha256 verified), then set the recipe's version, the\n"
	"                     source's sha256 (and its debian: url / filename) and release: 1,\n"
	"                     changing those values only\n"
	"  --pre              also consider pre-releases (~rc) and snapshots\n"
	"  --no-probe         report listed versions only; ask the archive nothing\n"
	"  --update-debian-index  refresh the indices now (else: when older than a day)\n"
	"  --arch A           the arch ${arch} expands to in file names\n"
	"\n"
	"Exit status: 0 report written (and every --write done), 1 an error, 2 usage.\n",
	run,
};

struct args {
	char *cache;
	struct strlist dirs, only;
	int json, write, pre, no_probe, update;
	const char *arch;
};

static char *default_cache(void)
{
	const char *e = getenv("KRILL_CACHE_DIR"), *home = getenv("HOME");
	if (e && *e)
		return xstrdup(e);
	return xasprintf("%s/.cache/krill", home && *home ? home : ".");
}

static int load_dir(const char *dir, const struct strlist *only, struct recipe ***rs, size_t *n)
{
	struct strlist names = STRLIST_INIT;
	if (list_dir(dir, &names) < 0) {
		fprintf(stderr, "krill outdated: %s\n", kr_errmsg());
		return -1;
	}
	sl_sort(&names);
	int bad = 0;
	for (size_t i = 0; i < names.n; i++) {
		char *path = xasprintf("%s/%s/port.yaml", dir, names.v[i]);
		if (path_exists(path) && (!only->n || sl_has(only, names.v[i]))) {
			struct diags d = DIAGS_INIT;
			struct recipe *r = recipe_load(path, &d);
			if (!r || d.n) {
				if (!r)
					fprintf(stderr, "krill outdated: %s\n", kr_errmsg());
				diag_print(&d, stderr);
				recipe_free(r);
				bad = 1;
			} else {
				*rs = xrealloc(*rs, (*n + 1) * sizeof **rs);
				(*rs)[(*n)++] = r;
			}
			diag_free(&d);
		}
		free(path);
	}
	sl_free(&names);
	return bad ? -1 : 0;
}

static const char *pin_word(const struct od_port *p)
{
	if (p->source < 0)
		return "-";
	if (!p->pin_listed)
		return "DELISTED";
	switch (p->pin.served) {
	case 1: return "served";
	case 0: return "NOT SERVED";
	case -1: return "?";
	default: return "listed";
	}
}

static void print_table(const struct od_report *rep)
{
	printf("%-18s %-10s %-16s %-14s %-14s %-10s %s\n", "PORT", "VERSION", "DEBIAN PACKAGE",
	       "NEWEST LISTED", "NEWEST SERVED", "PINNED", "STATUS");
	for (size_t i = 0; i < rep->n; i++) {
		const struct od_port *p = &rep->ports[i];
		const char *listed = p->newest >= 0 ? p->cands[p->newest].upstream : "-";
		const char *served = p->served >= 0	       ? p->cands[p->served].upstream
				     : p->status == OD_CURRENT ? "="
							       : "-";
		printf("%-18s %-10s %-16s %-14s %-14s %-10s %s\n", p->r->name.s, p->r->version.s,
		       p->package ? p->package : "-", listed, served, pin_word(p),
		       od_status_name(p->status));
	}
	/* what was asked and not served, so the table's "-" is explained */
	int head = 0;
	for (size_t i = 0; i < rep->n; i++) {
		const struct od_port *p = &rep->ports[i];
		for (size_t j = 0; j < p->ncands; j++) {
			const struct od_file *f = &p->cands[j];
			if (f->served != 0 && f->served != -1)
				continue;
			if (!head++)
				printf("\nlisted, not served:\n");
			char *suites = sl_join(&f->suites, " ");
			printf("  %-18s %-14s %s [%s]: %s\n", p->r->name.s, f->upstream, f->name,
			       suites, f->why ? f->why : "?");
			free(suites);
		}
	}
}

static json_t *file_json(const struct od_file *f, int with_served)
{
	json_t *o =
		json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:s}", "version", f->upstream, "debian_version",
			  f->debver, "package", f->package, "file", f->name, "sha256", f->sha256,
			  "size", (json_int_t)f->size, "kind", od_kind_name(f->kind));
	json_t *s = json_array(), *u = json_array();
	for (size_t i = 0; i < f->suites.n; i++)
		json_array_append_new(s, json_string(f->suites.v[i]));
	for (size_t i = 0; i < f->urls.n; i++)
		json_array_append_new(u, json_string(f->urls.v[i]));
	json_object_set_new(o, "suites", s);
	json_object_set_new(o, "urls", u);
	if (with_served) {
		json_object_set_new(o, "served",
				    f->served == 1   ? json_true()
				    : f->served == 0 ? json_false()
						     : json_null());
		if (f->from)
			json_object_set_new(o, "served_from", json_string(f->from));
		if (f->why)
			json_object_set_new(o, "why", json_string(f->why));
	}
	return o;
}

static char *report_json(const struct od_report *rep, const int *written)
{
	json_t *ports = json_array(), *idx = json_array();
	for (size_t i = 0; i < rep->indices.n; i++)
		json_array_append_new(idx, json_string(rep->indices.v[i]));
	for (size_t i = 0; i < rep->n; i++) {
		const struct od_port *p = &rep->ports[i];
		json_t *o = json_pack("{s:s,s:s,s:s,s:i,s:s}", "name", p->r->name.s, "recipe",
				      p->r->path, "version", p->r->version.s, "release",
				      p->r->release, "status", od_status_name(p->status));
		json_object_set_new(o, "debian_package",
				    p->package ? json_string(p->package) : json_null());
		json_object_set_new(o, "found_by", p->how ? json_string(p->how) : json_null());
		if (p->source >= 0) {
			json_t *pin = p->pin_listed ? file_json(&p->pin, p->pin.served != -2)
						    : json_object();
			json_object_set_new(pin, "file",
					    json_string(p->pin_name ? p->pin_name : ""));
			json_object_set_new(pin, "sha256",
					    json_string(p->r->sources[p->source].sha256));
			json_object_set_new(pin, "listed", json_boolean(p->pin_listed));
			json_object_set_new(o, "pin", pin);
		}
		json_object_set_new(o, "newest_listed",
				    p->newest >= 0 ? file_json(&p->cands[p->newest], 0)
						   : json_null());
		json_object_set_new(o, "newest_served",
				    p->served >= 0 ? file_json(&p->cands[p->served], 1)
						   : json_null());
		json_t *asked = json_array();
		for (size_t j = 0; j < p->ncands; j++)
			if (p->cands[j].served != -2)
				json_array_append_new(asked, file_json(&p->cands[j], 1));
		json_object_set_new(o, "asked", asked);
		json_t *all = json_array();
		for (size_t j = 0; j < p->ncands; j++)
			json_array_append_new(all, json_string(p->cands[j].upstream));
		json_object_set_new(o, "listed_versions", all);
		json_object_set_new(o, "written", json_boolean(written[i]));
		json_array_append_new(ports, o);
	}
	return json_text(json_pack("{s:o,s:o}", "indices", idx, "ports", ports));
}

static void warn_pins(const struct od_report *rep)
{
	for (size_t i = 0; i < rep->n; i++) {
		const struct od_port *p = &rep->ports[i];
		if (p->source < 0)
			continue;
		const char *sha = p->r->sources[p->source].sha256;
		if (!p->pin_listed)
			fprintf(stderr,
				"krill outdated: WARNING: %s:%d:%d: the pinned %s (sha256 %.12s…) "
				"is listed in no Debian suite read: a fresh machine cannot fetch "
				"it "
				"(unless a mirror or distfiles folder has it)\n",
				p->r->path, p->r->sources[p->source].url.pos.line,
				p->r->sources[p->source].url.pos.col, p->pin_name, sha);
		else if (p->pin.served == 0)
			fprintf(stderr,
				"krill outdated: WARNING: %s:%d:%d: the pinned %s is listed but "
				"served at no place (%s): a fresh machine cannot fetch it\n",
				p->r->path, p->r->sources[p->source].url.pos.line,
				p->r->sources[p->source].url.pos.col, p->pin_name,
				p->pin.why ? p->pin.why : "?");
	}
}

static int parse(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{"cache", required_argument, NULL, 'c'},
		{"ports", required_argument, NULL, 'p'},
		{"json", no_argument, NULL, 'j'},
		{"write", no_argument, NULL, 'w'},
		{"pre", no_argument, NULL, 'P'},
		{"no-probe", no_argument, NULL, 'N'},
		{"update-debian-index", no_argument, NULL, 'u'},
		{"arch", required_argument, NULL, 'a'},
		{NULL, 0, NULL, 0},
	};
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			free(a->cache);
			a->cache = xstrdup(optarg);
			break;
		case 'p': sl_push(&a->dirs, optarg); break;
		case 'j': a->json = 1; break;
		case 'w': a->write = 1; break;
		case 'P': a->pre = 1; break;
		case 'N': a->no_probe = 1; break;
		case 'u': a->update = 1; break;
		case 'a': a->arch = optarg; break;
		default: return -1;
		}
	}
	for (int i = optind; i < argc; i++)
		sl_push(&a->only, argv[i]);
	return 0;
}

static int run(int argc, char **argv)
{
	struct args a = {0};
	struct recipe **rs = NULL;
	size_t n = 0;
	struct od_report rep = {0};
	int rc = 1, *written = NULL;
	if (parse(argc, argv, &a) < 0) {
		rc = verb_usage_error(&verb_outdated, "bad option");
		goto out;
	}
	if (a.write && a.no_probe) {
		rc = verb_usage_error(&verb_outdated,
				      "--write needs the archive asked: not with --no-probe");
		goto out;
	}
	if (!a.cache)
		a.cache = default_cache();
	if (!a.dirs.n) {
		sl_push(&a.dirs, "ports");
		if (is_dir("bootstrap"))
			sl_push(&a.dirs, "bootstrap");
	}
	if (!a.arch) {
		static struct utsname u;
		a.arch = uname(&u) == 0 ? u.machine : "x86_64";
	}
	int bad = 0;
	for (size_t i = 0; i < a.dirs.n; i++)
		bad |= load_dir(a.dirs.v[i], &a.only, &rs, &n) < 0;
	if (bad)
		goto out;
	for (size_t i = 0; i < a.only.n; i++) {
		int hit = 0;
		for (size_t j = 0; j < n; j++)
			hit |= !strcmp(rs[j]->name.s, a.only.v[i]);
		if (!hit) {
			rc = verb_usage_error(&verb_outdated, "no port '%s' in the ports folders",
					      a.only.v[i]);
			goto out;
		}
	}
	struct fetch_opts fo;
	fetch_opts_init(&fo, a.cache);
	if (a.update && debsrc_update(a.cache, fo.apt_etc, 1) < 0)
		fprintf(stderr, "krill outdated: warning: %s\n", kr_errmsg());
	struct od_opts o = {a.cache, fo.apt_etc, a.arch, a.pre, !a.no_probe};
	if (outdated_scan(&o, rs, n, &rep) < 0) {
		fprintf(stderr, "krill outdated: %s\n", kr_errmsg());
		fetch_opts_free(&fo);
		goto out;
	}
	written = xcalloc(n ? n : 1, sizeof *written);
	rc = 0;
	for (size_t i = 0; a.write && i < rep.n; i++) {
		const struct od_port *p = &rep.ports[i];
		if (p->status != OD_NEWER)
			continue;
		if (outdated_write(p, &fo) < 0) {
			fprintf(stderr, "krill outdated: %s\n", kr_errmsg());
			rc = 1;
			continue;
		}
		written[i] = 1;
		fprintf(stderr, "krill outdated: wrote %s: %s -> %s (%s)\n", p->r->path,
			p->r->version.s, p->cands[p->served].upstream, p->cands[p->served].name);
	}
	fetch_opts_free(&fo);
	if (a.json) {
		char *j = report_json(&rep, written);
		fputs(j, stdout);
		free(j);
	} else {
		print_table(&rep);
	}
	warn_pins(&rep);
out:
	od_report_free(&rep);
	for (size_t i = 0; i < n; i++)
		recipe_free(rs[i]);
	free(rs);
	free(written);
	free(a.cache);
	sl_free(&a.dirs);
	sl_free(&a.only);
	return rc;
}
