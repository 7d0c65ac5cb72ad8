/* test_sign.c - keys, envelopes, signing and verifying. The same file runs
 * against both crypto backends: OpenSSL (make check's unit tests) and,
 * with KRILL_CRYPTO_MBEDTLS, mbedTLS and libsodium (the lean build's;
 * tools/tests/integration/test_lean.sh compiles it so). Verification runs
 * on fixed vectors in both; keygen and signing exist on the host only. */
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

/* RFC 8032 section 7.1, test 2: the key pair as OpenSSL writes it (PKCS#8,
 * SubjectPublicKeyInfo), the message 0x72 and its signature. */
#define RFC_PEM                                                                                    \
	"-----BEGIN PRIVATE KEY-----\n"                                                            \
	"MC4CAQAwBQYDK2VwBCIEIEzNCJso/5banbbDRuwRTg9bijGfNaumJNqM9u1PuKb7\n"                       \
	"-----END PRIVATE KEY-----\n"
#define PUB_PEM(b64) "-----BEGIN PUBLIC KEY-----\n" b64 "\n-----END PUBLIC KEY-----\n"
#define RFC_PUB	     PUB_PEM("MCowBQYDK2VwAyEAPUAXw+hDiVqStwqnTRt+vJyYLM8uxJaMwM1V8Sr0Zgw=")
#define RFC_KEYID    "39f713d0a644253f" /* sha256 of the raw key, 16 digits */
#define RFC_SIG                                                                                    \
	"kqAJqfDUyrhyDoILX2QlQKKye1QWUD+Ps3YiI+vbadoIWsHkPhWZbkWPNhPQ8R2MOHsurrQwKu6wDSkWErsMAA=="
#define RFC_ENV                                                                                    \
	"format: krill-signature-1\nalgorithm: ed25519\nkey-id: " RFC_KEYID                        \
	"\nsignature: " RFC_SIG "\n"

static char *put(const char *name, const char *text, mode_t mode)
{
	char *f = p(name);
	if (write_file_atomic(f, text, strlen(text), mode) < 0)
		abort();
	return f;
}

TEST(known_key_verifies_rfc8032_signature)
{
	char *keys = p("rfc"), *pub;
	mkdir(keys, 0755);
	pub = put("rfc/a.pub", RFC_PUB, 0644);
	char id[17];
	CHECK(sign_pubkey_id(pub, id) == 0);
	CHECK_STR(id, RFC_KEYID);
	struct keyring kr;
	CHECK(keyring_load(&kr, keys) == 0);
	CHECK(kr.n == 1);
	CHECK_STR(kr.v[0].id, RFC_KEYID);
	const char *env = RFC_ENV;
	CHECK(sign_verify(&kr, "\x72", 1, env, strlen(env), "x.sig", id) == 0);
	CHECK_STR(id, RFC_KEYID);
	CHECK(sign_verify(&kr, "\x73", 1, env, strlen(env), "x.sig", NULL) < 0);
	CHECK(strstr(kr_errmsg(), "bad signature") != NULL);
	CHECK(sign_verify(&kr, "\x72\x72", 2, env, strlen(env), "x.sig", NULL) < 0);
	CHECK(sign_verify(&kr, "", 0, env, strlen(env), "x.sig", NULL) < 0);
	/* a changed signature byte, still canonical base64 */
	struct sig_envelope e;
	CHECK(sig_envelope_parse(env, strlen(env), "x.sig", &e) == 0);
	struct sb out = SB_INIT;
	sig_envelope_write(&e, &out);
	CHECK_STR(out.s, env);
	for (int i = 0; i < SIG_RAW_LEN; i += 21) {
		e.sig[i] ^= 1;
		sb_reset(&out);
		sig_envelope_write(&e, &out);
		CHECK(sign_verify(&kr, "\x72", 1, out.s, out.len, "x.sig", NULL) < 0);
		e.sig[i] ^= 1;
	}
	/* the same signature under another key id */
	e.key_id[0] = '4';
	sb_reset(&out);
	sig_envelope_write(&e, &out);
	CHECK(sign_verify(&kr, "\x72", 1, out.s, out.len, "x.sig", NULL) < 0);
	CHECK(strstr(kr_errmsg(), "not among the trusted keys") != NULL);
	sb_free(&out);
	keyring_free(&kr);
	free(keys);
	free(pub);
}

/* Public keys that are not Ed25519 SubjectPublicKeyInfo: refused by both
 * backends with the same message. */
TEST(not_ed25519_public_keys_refused)
{
	static const char *const bad[] = {
		/* X25519 (OID 1.3.101.110), same shape */
		PUB_PEM("MCowBQYDK2VuAyEAc+UFXJLQCjidFAtoCVAIPbu8urBmOzNztF4KHhTQXDo="),
		/* P-256 */
		PUB_PEM("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE2HOq/SUB3kChrwei+MX2pTOZOamD\n"
			"tRwY8jscUk4EIT2VtxTCCx9TgL3xYB9uF416eS8eMcErUH6qjbeWtNCyHQ=="),
		/* Ed25519 with 31 key bytes, with a NULL parameter, with 33 */
		PUB_PEM("MCkwBQYDK2VwAyAAPUAXw+hDiVqStwqnTRt+vJyYLM8uxJaMwM1V8Sr0Zg=="),
		PUB_PEM("MCwwBwYDK2VwBQADIQA9QBfD6EOJWpK3CqdNG368nJgszy7ElozAzVXxKvRmDA=="),
		PUB_PEM("MCswBQYDK2VwAyIAPUAXw+hDiVqStwqnTRt+vJyYLM8uxJaMwM1V8Sr0ZgwA"),
		/* the private key, and no PEM at all */
		RFC_PEM,
		"MCowBQYDK2VwAyEAPUAXw+hDiVqStwqnTRt+vJyYLM8uxJaMwM1V8Sr0Zgw=\n",
		"",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char *f = put("bad.pub", bad[i], 0644), id[17];
		CHECK(sign_pubkey_id(f, id) < 0);
		CHECK(strstr(kr_errmsg(), "not an Ed25519 public key in PEM form") != NULL);
		free(f);
	}
	char *f = p("no-such.pub"), id[17];
	CHECK(sign_pubkey_id(f, id) < 0 && strstr(kr_errmsg(), "cannot open"));
	free(f);
}

#ifndef KRILL_CRYPTO_MBEDTLS
/* The private key format and the signature bytes do not move: OpenSSL's
 * PKCS#8 file of the RFC key signs exactly the RFC's signature. */
TEST(rfc8032_private_key_signs_rfc_signature)
{
	char *priv = put("rfc.pem", RFC_PEM, 0600);
	struct sb env = SB_INIT;
	CHECK(sign_data(priv, "\x72", 1, &env) == 0);
	CHECK_STR(env.s, RFC_ENV);
	sb_free(&env);
	free(priv);
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

#endif /* !KRILL_CRYPTO_MBEDTLS */

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
	free(put("bad/good.pub", RFC_PUB, 0644));
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
	RUN(known_key_verifies_rfc8032_signature);
	RUN(not_ed25519_public_keys_refused);
#ifndef KRILL_CRYPTO_MBEDTLS
	RUN(rfc8032_private_key_signs_rfc_signature);
	RUN(keygen_writes_pair_and_refuses_overwrite);
	RUN(sign_and_verify);
	RUN(unknown_key_is_named);
	RUN(private_key_too_open_refused);
#endif
	RUN(envelope_parse_strict);
	RUN(keyring_rejects_garbage_and_empty);
	rm_rf(dir);
	DONE();
}
