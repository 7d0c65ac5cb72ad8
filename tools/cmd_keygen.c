/* cmd_keygen.c - `krill keygen`: make an Ed25519 signing key pair. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "sign.h"
#include "verbs.h"

static int run(int argc, char **argv);

const struct verb verb_keygen = {
	"keygen",
	"generate an Ed25519 key pair for signing repository indexes",
	"usage: krill keygen NAME [--dir DIR]\n"
	"\n"
	"Writes DIR/NAME.pem (the private key, PKCS#8 PEM, mode 0600) and DIR/NAME.pub\n"
	"(the public key, PEM) and prints the key id (the first 16 hex digits of the\n"
	"sha256 of the raw public key). Refuses to overwrite either file. DIR (default:\n"
	"the current directory) is created with mode 0700 if missing.\n"
	"\n"
	"Trust a key by copying NAME.pub into a keys directory (keys/ in the tree,\n"
	"/etc/krill/keys/ in an image). The private key never goes there.\n"
	"\n"
	"Exit status: 0 written, 1 failure, 2 usage.\n",
	run,
};

static int run(int argc, char **argv)
{
	static const struct option opts[] = {{"dir", required_argument, NULL, 'd'},
					     {NULL, 0, NULL, 0}};
	const char *dir = ".";
	int c;
	while ((c = getopt_long(argc, argv, "d:", opts, NULL)) != -1) {
		if (c != 'd')
			return verb_usage_error(&verb_keygen, "unknown option");
		dir = optarg;
	}
	if (optind != argc - 1)
		return verb_usage_error(&verb_keygen, "expected one key NAME");
	const char *name = argv[optind];
	char id[KEYID_LEN + 1];
	char *pub = xasprintf("%s/%s.pub", dir, name);
	int rc = 1;
	if (mkdir_p(dir, 0700) == 0 && sign_keygen(dir, name) == 0 &&
	    sign_pubkey_id(pub, id) == 0) {
		printf("%s/%s.pem: private key (keep it secret)\n%s: public key, key id %s\n", dir,
		       name, pub, id);
		rc = 0;
	} else {
		fprintf(stderr, "krill keygen: %s\n", kr_errmsg());
	}
	free(pub);
	return rc;
}
