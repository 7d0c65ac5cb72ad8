/* cmd_verify.c - `krill verify`: check a repository as a client would. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feeds.h"
#include "repo.h"
#include "tuf.h"
#include "verbs.h"

static int run(int argc, char **argv);

const struct verb verb_verify = {
	"verify",
	"check a repository: index signature, expiry, every package's size and sha256",
	"usage: krill verify REPO --keys DIR [--require-provenance]\n"
	"\n"
	"Checks REPO/INDEX.sig against the trusted public keys DIR/*.pub (the key id must\n"
	"be one of them and the Ed25519 signature must match the INDEX bytes), then\n"
	"parses INDEX strictly, checks it has not expired, and checks that every listed\n"
	"package file exists with the listed size and sha256. The build provenance\n"
	"published beside a package (NAME-VERSION-rN.ARCH.provenance.json) must name\n"
	"that package as its one subject with the same sha256; a provenance file whose\n"
	"package the index does not list is a failure too. Each failure is printed on\n"
	"its own line naming the file and what differs. When REPO has a timestamp, it\n"
	"must verify, be current and name this INDEX, INDEX.zst and the delta exactly.\n"
	"The security feeds the index names (secdb.json, openvex.json) must have the\n"
	"signed size and sha256 and the documented shape; one it does not name is a\n"
	"failure.\n"
	"\n"
	"  --require-provenance  a listed package without provenance beside it is a\n"
	"                        failure\n"
	"\n"
	"Exit status: 0 all good, 1 anything failed, 2 usage.\n",
	run,
};

static void report(const char *msg, void *arg)
{
	(void)arg;
	fprintf(stderr, "krill verify: %s\n", msg);
}

static int verify(const char *repo, const char *keys, int require_prov)
{
	struct keyring kr;
	struct index ix;
	if (keyring_load(&kr, keys) < 0) {
		report(kr_errmsg(), NULL);
		return 1;
	}
	char *ip = path_join(repo, INDEX_FILE), *sp = path_join(repo, INDEX_SIG_FILE);
	char *raw = NULL;
	size_t rawlen = 0;
	int rc = repo_read_verified(ip, sp, &kr, &ix, &raw, &rawlen, NULL);
	if (rc < 0) {
		report(kr_errmsg(), NULL);
		keyring_free(&kr);
		free(ip);
		free(sp);
		return 1;
	}
	size_t bad = 0;
	if (index_check_expiry(&ix, time(NULL), ip) < 0) {
		report(kr_errmsg(), NULL);
		bad++;
	}
	int has_ts;
	bad += timestamp_check_dir(repo, &kr, &ix, raw, rawlen, time(NULL), &has_ts, report, NULL);
	keyring_free(&kr);
	free(raw);
	bad += repo_check_packages(repo, &ix, report, NULL);
	size_t nprov;
	bad += repo_check_provenance(repo, &ix, require_prov, &nprov, report, NULL);
	bad += feeds_check_dir(repo, &ix, report, NULL);
	int nfeeds = (ix.feeds[FEED_SECDB].size != 0) + (ix.feeds[FEED_VEX].size != 0);
	char exp[21];
	rfc3339_format(ix.expires, exp);
	if (bad)
		fprintf(stderr, "krill verify: %s: %zu problem(s)\n", repo, bad);
	else
		printf("%s: OK: %s version %llu, %zu packages (%zu with provenance), expires "
		       "%s%s%s\n",
		       repo, ix.name, (unsigned long long)ix.version, ix.n, nprov, exp,
		       has_ts ? ", timestamp checked" : "",
		       nfeeds == 2   ? ", secdb and OpenVEX checked"
		       : nfeeds == 1 ? ", secdb checked"
				     : "");
	index_free(&ix);
	free(ip);
	free(sp);
	return bad ? 1 : 0;
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = {{"keys", required_argument, NULL, 'k'},
					     {"require-provenance", no_argument, NULL, 'p'},
					     {NULL, 0, NULL, 0}};
	const char *keys = NULL;
	int c, require_prov = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'k')
			keys = optarg;
		else if (c == 'p')
			require_prov = 1;
		else
			return verb_usage_error(&verb_verify, "unknown option");
	}
	if (optind != argc - 1)
		return verb_usage_error(&verb_verify, "expected one REPO directory");
	if (!keys)
		return verb_usage_error(&verb_verify, "--keys DIR is required");
	return verify(argv[optind], keys, require_prov);
}
