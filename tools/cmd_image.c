/* cmd_image.c - `krill image`: build an OCI image from an image spec. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "verbs.h"

static int run(int argc, char **argv);

const struct verb verb_image = {
	"image",
	"build a deterministic multi-arch OCI image from an image spec",
	"usage: krill image SPEC --arch A [--arch B]... -o DIR [--repo URL]... [--keys DIR]\n"
	"                   [--image-repo URL]... [--compression gzip|zstd] [--tag NAME]\n"
	"                   [--revision REV] [--source URL] [--referrers index|layout]\n"
	"                   [--quiet]\n"
	"\n"
	"Reads the image spec SPEC (images/NAME.yaml, checked as strictly as\n"
	"`krill lint --images` does) and, for each arch, installs its packages into a\n"
	"fresh root exactly as `krill add` would: every repository's index signature,\n"
	"expiry and version checked, each package's size and sha256 checked against\n"
	"the signed index. The root gets the spec's accounts and paths,\n"
	"/etc/krill/keys/ (the keys that verified the repositories, nothing else) and\n"
	"/etc/krill/repositories, and keeps its package database in /var/lib/krill/.\n"
	"Writes DIR as an OCI image layout (oci-layout, index.json, blobs/sha256/):\n"
	"one layer, config and manifest per arch, an image index over them tagged\n"
	"NAME, and per arch an SPDX 2.3 SBOM and an in-toto/SLSA provenance attached\n"
	"as OCI 1.1 referrers, and the image's OpenVEX (in-toto) when the signed\n"
	"feeds of the repositories state something of its packages; and\n"
	"DIR.oci.tar, the same layout as one tar. Both are\n"
	"written under temp names and renamed into place only when complete: a\n"
	"failing run leaves an existing DIR and DIR.oci.tar as they were. The same\n"
	"inputs give the same bytes. See tools/doc/image.md.\n"
	"\n"
	"  --arch A, -a A         x86_64 or aarch64 (OCI amd64, arm64/v8); repeatable\n"
	"  -o DIR, --output DIR   the layout directory to write\n"
	"  --repo URL, -X URL     repository to install from (${arch} expanded);\n"
	"                         repeatable; default: the spec's contents.repositories\n"
	"  --keys DIR             trusted public keys when the spec lists no keyring\n"
	"  --image-repo URL       what the image's /etc/krill/repositories lists\n"
	"                         (${arch} expanded); repeatable; default: the spec's\n"
	"                         http(s) repositories\n"
	"  --compression C        gzip (default: libdeflate level 12, no name, mtime 0,\n"
	"                         OS 255) or zstd (level 19)\n"
	"  --tag NAME             the ref name in index.json (default: the spec's NAME)\n"
	"  --revision REV         org.opencontainers.image.revision (e.g. a git commit)\n"
	"  --source URL           org.opencontainers.image.source\n"
	"  --referrers WHERE      index (default): the SBOM, provenance and VEX manifests\n"
	"                         are listed in the image index beside the arch\n"
	"                         manifests (podman/docker load and skopeo read it);\n"
	"                         layout: untagged entries of index.json instead, the\n"
	"                         layout's auxiliary descriptors (umoci 0.4 needs the\n"
	"                         tag to reach exactly one manifest; podman 4 load\n"
	"                         needs index.json to hold exactly one entry)\n"
	"  --quiet, -q            no progress lines\n"
	"\n"
	"Environment: SOURCE_DATE_EPOCH, the image's creation time (config, history,\n"
	"annotations) and the clamp for every file's mtime; unset: the newest file\n"
	"mtime found in the installed packages, so the time too follows the inputs.\n"
	"\n"
	"Exit status: 0 written, 1 failure (outputs untouched), 2 usage.\n",
	run,
};

static int parse_sde(int64_t *out)
{
	const char *e = getenv("SOURCE_DATE_EPOCH");
	*out = -1;
	if (!e)
		return 0;
	char *end;
	long long v = strtoll(e, &end, 10);
	if (!*e || *end || v < 0 || strspn(e, "0123456789") != strlen(e)) {
		kr_err("SOURCE_DATE_EPOCH='%s', expected a whole number of seconds", e);
		return -1;
	}
	*out = v;
	return 0;
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
		{"arch", required_argument, NULL, 'a'},
		{"output", required_argument, NULL, 'o'},
		{"repo", required_argument, NULL, 'X'},
		{"keys", required_argument, NULL, 'k'},
		{"image-repo", required_argument, NULL, 'I'},
		{"compression", required_argument, NULL, 'c'},
		{"tag", required_argument, NULL, 't'},
		{"revision", required_argument, NULL, 'R'},
		{"source", required_argument, NULL, 'S'},
		{"referrers", required_argument, NULL, 'F'},
		{"quiet", no_argument, NULL, 'q'},
		{NULL, 0, NULL, 0},
	};
	struct image_opts o = {0};
	o.comp = PKGTAR_GZIP;
	o.tag = NULL;
	int c, rc = 0;
	const char *bad = NULL;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "a:o:X:q", opts, NULL)) != -1 && !bad) {
		switch (c) {
		case 'a':
			if (strcmp(optarg, "x86_64") && strcmp(optarg, "aarch64"))
				bad = "--arch: expected x86_64 or aarch64";
			else if (sl_has(&o.archs, optarg))
				bad = "--arch: an arch given twice";
			else
				sl_push(&o.archs, optarg);
			break;
		case 'o': o.out = optarg; break;
		case 'X': sl_push(&o.repos, optarg); break;
		case 'k': o.keys = optarg; break;
		case 'I': sl_push(&o.image_repos, optarg); break;
		case 'c':
			if (!strcmp(optarg, "gzip"))
				o.comp = PKGTAR_GZIP;
			else if (!strcmp(optarg, "zstd"))
				o.comp = PKGTAR_ZSTD;
			else
				bad = "--compression: expected gzip or zstd";
			break;
		case 't': o.tag = optarg; break;
		case 'R': o.revision = optarg; break;
		case 'S': o.source = optarg; break;
		case 'F':
			if (!strcmp(optarg, "index"))
				o.refs_in_layout = 0;
			else if (!strcmp(optarg, "layout"))
				o.refs_in_layout = 1;
			else
				bad = "--referrers: expected index or layout";
			break;
		case 'q': o.quiet = 1; break;
		default: bad = "unknown option"; break;
		}
	}
	if (!bad && optind != argc - 1)
		bad = "expected one SPEC";
	else if (!bad && !o.archs.n)
		bad = "expected at least one --arch";
	else if (!bad && (!o.out || !*o.out))
		bad = "expected -o DIR";
	else if (!bad && o.tag &&
		 (!*o.tag || strspn(o.tag, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					   "0123456789._-") != strlen(o.tag)))
		bad = "--tag: expected letters, digits, '.', '_' and '-'";
	if (bad) {
		rc = verb_usage_error(&verb_image, "%s", bad);
		goto out;
	}
	if (parse_sde(&o.sde) < 0) {
		fprintf(stderr, "krill image: %s\n", kr_errmsg());
		rc = 1;
		goto out;
	}
	struct diags d = DIAGS_INIT;
	struct imagespec *s = imagespec_load(argv[optind], &d);
	if (s && !o.tag)
		o.tag = s->name;
	if (d.n) {
		diag_sort(&d);
		diag_print(&d, stderr);
		fprintf(stderr, "krill image: %zu problem%s in %s, nothing written\n", d.n,
			d.n == 1 ? "" : "s", argv[optind]);
		rc = 1;
	} else if (image_build(s, &o) < 0) {
		fprintf(stderr, "krill image: %s\n", kr_errmsg());
		rc = 1;
	} else if (!o.quiet) {
		printf("image: %s (%s.oci.tar), tag %s\n", o.out, o.out, o.tag);
	}
	imagespec_free(s);
	diag_free(&d);
out:
	sl_free(&o.archs);
	sl_free(&o.repos);
	sl_free(&o.image_repos);
	return rc;
}
