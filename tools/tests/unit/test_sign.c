/* test_sign.c - keys, envelopes, signing and verifying. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sign.h"
#include "t.h"

static char dir[64];

static char *p(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

TEST(keygen_writes_pair_and_refuses_overwrite)
{
	CHECK(sign_keygen(dir, "a") == 0);
	char *priv = p("a.pem"), *pub = p("a.pub");
	struct stat st;
	CHECK(stat(priv, &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK(stat(pub, &st) == 0);
	CHECK(sign_keygen(dir, "a") < 0);
	CHECK(strstr(kr_errmsg(), "refusing to overwrite") != NULL);
	CHECK(sign_keygen(dir, "../x") < 0);
	free(priv);
	free(pub);
}

TEST(sign_and_verify)
{
	char *priv = p("a.pem"), *keys = p("trusted");
	mkdir(keys, 0755);
	char *pub = p("a.pub"), *tpub = xasprintf("%s/a.pub", keys);
	CHECK(copy_file(pub, tpub) == 0); /* the trust dir holds only the .pub */
	struct keyring kr;
	CHECK(keyring_load(&kr, keys) == 0);
	CHECK(kr.n == 1 && strlen(kr.v[0].id) == 16);
	struct sb env = SB_INIT;
	const char msg[] = "hello index\n";
	CHECK(sign_data(priv, msg, sizeof msg - 1, &env) == 0);
	char id[17];
	CHECK(sign_verify(&kr, msg, sizeof msg - 1, env.s, env.len, "x.sig", id) == 0);
	CHECK_STR(id, kr.v[0].id);
	/* one changed byte of the message */
	CHECK(sign_verify(&kr, "hello indey\n", sizeof msg - 1, env.s, env.len, "x.sig", NULL) < 0);
	CHECK(strstr(kr_errmsg(), "bad signature") != NULL);
	/* one changed signature character (still canonical base64) */
	char *sigline = strstr(env.s, "signature: ") + 11;
	sigline[3] = sigline[3] == 'A' ? 'B' : 'A';
	CHECK(sign_verify(&kr, msg, sizeof msg - 1, env.s, env.len, "x.sig", NULL) < 0);
	CHECK(strstr(kr_errmsg(), "bad signature") != NULL);
	sb_free(&env);
	keyring_free(&kr);
	free(priv);
	free(keys);
	free(pub);
	free(tpub);
}

TEST(unknown_key_is_named)
{
	CHECK(sign_keygen(dir, "b") == 0);
	char *bpriv = p("b.pem"), *keys = p("trusted");
	struct keyring kr;
	CHECK(keyring_load(&kr, keys) == 0);
	struct sb env = SB_INIT;
	CHECK(sign_data(bpriv, "x", 1, &env) == 0);
	CHECK(sign_verify(&kr, "x", 1, env.s, env.len, "x.sig", NULL) < 0);
	CHECK(strstr(kr_errmsg(), "not among the trusted keys") != NULL);
	sb_free(&env);
	keyring_free(&kr);
	free(bpriv);
	free(keys);
}

TEST(private_key_too_open_refused)
{
	char *priv = p("b.pem");
	chmod(priv, 0644);
	struct sb env = SB_INIT;
	CHECK(sign_data(priv, "x", 1, &env) < 0);
	CHECK(strstr(kr_errmsg(), "0600") != NULL);
	chmod(priv, 0600);
	sb_free(&env);
	free(priv);
}

static const char *envelope_err(const char *text)
{
	struct sig_envelope e;
	return sig_envelope_parse(text, strlen(text), "s", &e) < 0 ? kr_errmsg() : NULL;
}

#define SIG88                                                                                      \
	"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw=="

TEST(envelope_parse_strict)
{
	struct sig_envelope e;
	const char *good =
		"format: krill-signature-1\nalgorithm: ed25519\nkey-id: 0123456789abcdef\n"
		"signature: " SIG88 "\n";
	CHECK(sig_envelope_parse(good, strlen(good), "s", &e) == 0);
	CHECK(e.sig[0] == 0 && e.sig[63] == 63);
	struct sb out = SB_INIT;
	sig_envelope_write(&e, &out);
	CHECK_STR(out.s, good);
	sb_free(&out);
	const char *m;
	m = envelope_err("format: krill-signature-2\n");
	CHECK(m && strstr(m, "s:1: unknown format"));
	m = envelope_err("format: krill-signature-1\nalgorithm: rsa\n");
	CHECK(m && strstr(m, "s:2: unsupported algorithm"));
	m = envelope_err("format: krill-signature-1\nalgorithm: ed25519\nkey-id: 0123\n");
	CHECK(m && strstr(m, "s:3: malformed key id"));
	m = envelope_err(
		"format: krill-signature-1\nalgorithm: ed25519\nkey-id: 0123456789ABCDEF\n");
	CHECK(m && strstr(m, "s:3:"));
	m = envelope_err("format: krill-signature-1\nalgorithm: ed25519\nkey-id: 0123456789abcdef\n"
			 "signature: AAAA\n");
	CHECK(m && strstr(m, "s:4: malformed signature"));
	/* non-canonical last character (stray low bits) */
	m = envelope_err("format: krill-signature-1\nalgorithm: ed25519\nkey-id: 0123456789abcdef\n"
			 "signature: "
			 "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1N"
			 "jc4OTo7PD0+Pz==\n");
	CHECK(m && strstr(m, "s:4:"));
	m = envelope_err("format: krill-signature-1\nalgorithm: ed25519\nkey-id: 0123456789abcdef\n"
			 "signature: " SIG88);
	CHECK(m && strstr(m, "s:4:"));
	m = envelope_err("format: krill-signature-1\nalgorithm: ed25519\nkey-id: 0123456789abcdef\n"
			 "signature: " SIG88 "\nextra\n");
	CHECK(m && strstr(m, "s:5:"));
	m = envelope_err("algorithm: ed25519\n");
	CHECK(m && strstr(m, "s:1: expected 'format"));
}

TEST(keyring_rejects_garbage_and_empty)
{
	char *empty = p("empty"), *bad = p("bad"), *badpub = p("bad/x.pub");
	mkdir(empty, 0755);
	mkdir(bad, 0755);
	struct keyring kr;
	CHECK(keyring_load(&kr, empty) < 0 && strstr(kr_errmsg(), "no trusted keys"));
	CHECK(write_file_atomic(badpub, "junk\n", 5, 0644) == 0);
	/* garbage is skipped (with a warning), never trusted: alone, no keys */
	CHECK(keyring_load(&kr, bad) < 0 && strstr(kr_errmsg(), "no trusted keys"));
	/* beside a good key it cannot brick the directory */
	CHECK(sign_keygen(bad, "good") == 0);
	CHECK(keyring_load(&kr, bad) == 0 && kr.n == 1 && str_ends(kr.v[0].path, "good.pub"));
	keyring_free(&kr);
	free(empty);
	free(bad);
	free(badpub);
}

int main(void)
{
	strcpy(dir, "/tmp/krill-test-sign-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	RUN(keygen_writes_pair_and_refuses_overwrite);
	RUN(sign_and_verify);
	RUN(unknown_key_is_named);
	RUN(private_key_too_open_refused);
	RUN(envelope_parse_strict);
	RUN(keyring_rejects_garbage_and_empty);
	rm_rf(dir);
	DONE();
}
