/* fuzz_sig.c - libFuzzer target: the signature envelope parser and the
 * verifier behind it. A parsed envelope is verified against a key made
 * once per process whose id is set to the envelope's, so the Ed25519 path
 * runs on every parsable input; a forged signature must never pass. */
#include <openssl/evp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sign.h"

int fuzz_sig(const uint8_t *data, size_t size)
{
	static EVP_PKEY *key;
	if (!key)
		key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	struct sig_envelope e;
	if (sig_envelope_parse((const char *)data, size, "fuzz", &e) < 0)
		return 0;
	struct sb out = SB_INIT;
	sig_envelope_write(&e, &out);
	if (out.len != size || memcmp(out.s, data, size)) /* one canonical form */
		abort();
	struct trusted_key t = {.path = "fuzz.pub", .pkey = key};
	memcpy(t.id, e.key_id, sizeof t.id);
	struct keyring kr = {&t, 1};
	if (sign_verify(&kr, "message", 7, (const char *)data, size, "fuzz", NULL) == 0)
		abort(); /* a random signature verified: impossible unless broken */
	sb_free(&out);
	return 0;
}

#ifndef KRILL_FUZZ_DRIVER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_sig(data, size);
}
#endif
