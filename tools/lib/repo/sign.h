/* sign.h - Ed25519 keys and detached signature envelopes: OpenSSL 3 EVP,
 * or with KRILL_CRYPTO_MBEDTLS (the lean in-image build) mbedTLS and
 * libsodium, verification only (no sign_keygen or sign_data there).
 *
 * Keys are PEM files: NAME.pem (PKCS#8 private key, mode 0600) and NAME.pub
 * (SubjectPublicKeyInfo). A key id is the first 16 hex digits of the
 * sha256 of the raw 32-byte public key. A trusted-keys directory holds
 * *.pub files only.
 *
 * The envelope (tools/doc/repo.md) is four "key: value" lines, in order:
 *   format: krill-signature-1
 *   algorithm: ed25519
 *   key-id: 0123456789abcdef
 *   signature: BASE64 (the 64-byte pure-Ed25519 signature over the file)
 */
#ifndef KRILL_SIGN_H
#define KRILL_SIGN_H

#include <stddef.h>

#include "util.h"

#define KEYID_LEN   16
#define SIG_RAW_LEN 64

/* Write DIR/NAME.pem (0600) and DIR/NAME.pub; refuses to overwrite either. */
int sign_keygen(const char *dir, const char *name);

/* Key id of the public key in a PEM file. */
int sign_pubkey_id(const char *pubpath, char id[KEYID_LEN + 1]);

struct trusted_key {
	char id[KEYID_LEN + 1];
	char *path;
	void *pkey; /* the backend's: EVP_PKEY *, or the raw 32 bytes */
};
struct keyring {
	struct trusted_key *v;
	size_t n;
};

/* Load every DIR/ *.pub; a file that is not an Ed25519 public key is
 * skipped with a warning naming it (never trusted, and it cannot brick
 * every later update); a directory without one good key is an error. */
int keyring_load(struct keyring *kr, const char *dir);
void keyring_free(struct keyring *kr);

struct sig_envelope {
	char key_id[KEYID_LEN + 1];
	unsigned char sig[SIG_RAW_LEN];
};

/* Strict parse; errors are "src:line: ...". */
int sig_envelope_parse(const char *data, size_t len, const char *src, struct sig_envelope *out);
void sig_envelope_write(const struct sig_envelope *e, struct sb *out);

/* Sign data with the private key at keypath; appends the envelope to out. */
int sign_data(const char *keypath, const void *data, size_t len, struct sb *out);

/* Check an envelope (text, named src) over data against the keyring. On
 * success copies the key id used into keyid (if non-NULL). */
int sign_verify(const struct keyring *kr, const void *data, size_t len, const char *env,
		size_t envlen, const char *src, char keyid[KEYID_LEN + 1]);

#endif
