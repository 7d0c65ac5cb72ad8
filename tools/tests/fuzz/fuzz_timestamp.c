/* fuzz_timestamp.c - libFuzzer target: the timestamp parser
 * (tools/lib/repo/tuf.c). A parsed timestamp must write back to exactly
 * the signed bytes (one spelling), and verify against a key made once
 * per process must fail (the signature is random). */
#include <openssl/evp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tuf.h"

int fuzz_timestamp(const uint8_t *data, size_t size)
{
	static EVP_PKEY *key;
	if (!key)
		key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	struct timestamp t;
	struct sig_envelope e;
	size_t body;
	if (timestamp_parse((const char *)data, size, "fuzz", &t, &e, &body) < 0)
		return 0;
	struct sb out = SB_INIT;
	timestamp_write(&t, &out);
	if (out.len != body || memcmp(out.s, data, body))
		abort();
	timestamp_free(&t);
	struct trusted_key k = {.path = "fuzz.pub", .pkey = key};
	memcpy(k.id, e.key_id, sizeof k.id);
	struct keyring kr = {&k, 1};
	if (timestamp_verify(&kr, (const char *)data, size, "fuzz", 0, &t) == 0)
		abort(); /* a forged signature verified */
	sb_free(&out);
	return 0;
}

#ifndef KRILL_FUZZ_DRIVER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_timestamp(data, size);
}
#endif
