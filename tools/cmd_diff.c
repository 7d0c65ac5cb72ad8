/* cmd_diff.c - `krill diff`: which packages, files and bytes differ
 * between two builds (the logic is tools/lib/diff/diff.c). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "diff.h"
#include "verbs.h"

static int run(int argc, char **argv);

const struct verb verb_diff = {
	"diff",
	"compare two builds: which packages, files and bytes differ",
	"usage: krill diff [--json | --quiet] [--verbose] [--max-lines N]\n"
	"                  [--html FILE [--no-diffoscope]] A B\n"
	"\n"
	"A and B are each a package file (.pkg.tar.zst) or a directory of them (a repo\n"
	"such as out/ARCH/repo, or a build's output folder). Packages are paired by the\n"
	"name in their .PKGINFO (and by version where a side holds several versions of\n"
	"a name). Reported: packages only in A or only in B, the number of\n"
	"byte-identical packages (their names with --verbose) and, for each pair that\n"
	"differs: the .PKGINFO fields that differ, the differing lines of .PKGINFO,\n"
	".SBOM.spdx.json and the NAME-VERSION-rN.ARCH.provenance.json beside the package,\n"
	"and per member: added, removed, type, mode, owner, mtime, link target, and\n"
	"contents (sizes, sha256 of both, the first differing byte offset, the number of\n"
	"differing bytes when the sizes match, and for ELF files the sections whose bytes\n"
	"differ). When every member matches but the package files do not, it says\n"
	"whether the tar streams differ or only their compression.\n"
	"\n"
	"  --json         print the report as JSON (format in tools/doc/diff.md)\n"
	"  --quiet, -q    print nothing; only the exit status\n"
	"  --verbose, -v  also list the identical packages\n"
	"  --max-lines N  differing text lines shown per document (default 200)\n"
	"  --html FILE    also write the report as one self-contained HTML page\n"
	"                 (no scripts, nothing fetched): the verdict per package and,\n"
	"                 per differing file, the text report's detail plus a deep\n"
	"                 diff. The deep diff is diffoscope's text report when\n"
	"                 `diffoscope` is on PATH (Debian package diffoscope-minimal),\n"
	"                 else krill's own (the differing lines of a text file, the\n"
	"                 bytes at the first difference of a binary one); each section\n"
	"                 says which tool wrote it\n"
	"  --no-diffoscope  krill's own deep diff even when diffoscope is installed\n"
	"\n"
	"Exit status: 0 identical, 1 differences found, 2 usage or read error.\n",
	run,
};

/* The page written in one go under a temp name, then renamed. */
static int write_html(const char *path, const json_t *report)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m) {
		kr_err("%s: out of memory", path);
		return -1;
	}
	diff_html(report, m);
	fclose(m);
	int rc = write_file_atomic(path, buf, len, 0644);
	free(buf);
	return rc;
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
					     {"quiet", no_argument, NULL, 'q'},
					     {"verbose", no_argument, NULL, 'v'},
					     {"max-lines", required_argument, NULL, 'm'},
					     {"html", required_argument, NULL, 'H'},
					     {"no-diffoscope", no_argument, NULL, 'D'},
					     {NULL, 0, NULL, 0}};
	struct diff_opts o = {0};
	int json = 0, quiet = 0, verbose = 0, use_diffoscope = 1, c;
	const char *html = NULL;
	char *end;
	opterr = 0; /* one message, ours, naming the option */
	while ((c = getopt_long(argc, argv, ":qv", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'q': quiet = 1; break;
		case 'v': verbose = 1; break;
		case 'H': html = optarg; break;
		case 'D': use_diffoscope = 0; break;
		case 'm':
			o.max_lines = strtoul(optarg, &end, 10);
			if (*end || !o.max_lines || *optarg == '-')
				return verb_usage_error(&verb_diff,
							"--max-lines: '%s', expected a number > 0",
							optarg);
			break;
		case ':':
			return verb_usage_error(&verb_diff, "option '%s' needs a value",
						argv[optind - 1]);
		default:
			if (optopt)
				return verb_usage_error(&verb_diff, "unknown option '-%c'", optopt);
			return verb_usage_error(&verb_diff, "unknown option '%s'",
						argv[optind - 1]);
		}
	}
	if (json && quiet)
		return verb_usage_error(&verb_diff, "--json and --quiet exclude each other");
	if (optind != argc - 2)
		return verb_usage_error(&verb_diff, "expected two arguments, A and B");
	char *label = NULL;
	if (html) {
		o.deep = 1;
		o.verbose = 1; /* the page gives every package's verdict */
		if (use_diffoscope && (label = diff_diffoscope_label("diffoscope"))) {
			o.diffoscope = "diffoscope";
			o.diffoscope_label = label;
		}
	} else
		o.verbose = verbose;
	json_t *report;
	int rc = diff_paths(argv[optind], argv[optind + 1], &o, &report);
	free(label);
	if (rc < 0) {
		fprintf(stderr, "krill diff: %s\n", kr_errmsg());
		return 2;
	}
	if (html && write_html(html, report) < 0) {
		fprintf(stderr, "krill diff: %s\n", kr_errmsg());
		json_decref(report);
		return 2;
	}
	if (html && !verbose)
		json_object_del(report, "identical_packages");
	if (json) {
		char *s = json_dumps(report, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (s)
			printf("%s\n", s);
		free(s);
	} else if (!quiet)
		diff_print(report, stdout);
	json_decref(report);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "krill diff: cannot write the report\n");
		return 2;
	}
	return rc;
}
