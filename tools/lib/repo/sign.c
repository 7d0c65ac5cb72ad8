/* sign.c - see sign.h */
#include "sign.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef KRILL_CRYPTO_MBEDTLS
#include <mbedtls/asn1.h>
#include <mbedtls/base64.h>
#include <mbedtls/pem.h>
#include <sodium/core.h>
#include <sodium/crypto_sign_ed25519.h>
#else
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#endif

#define SIG_B64_LEN 88 /* 4 * ceil(64 / 3) */

static void key_id_raw(const unsigned char raw[32], char out[KEYID_LEN + 1])
{
	char hex[SHA256_HEX_LEN + 1];
	sha256_hex(raw, 32, hex);
	memcpy(out, hex, KEYID_LEN);
	out[KEYID_LEN] = 0;
}

/* ---- the crypto backend: public keys, verification, base64 ----
 * OpenSSL, or (KRILL_CRYPTO_MBEDTLS: the lean in-image build,
 * tools/doc/lean.md) mbedTLS for PEM, DER and base64 (its TLS links
 * them anyway) and libsodium for Ed25519. Both read the same files and
 * run the same tests (test_sign; test_lean for the second). A key is
 * opaque here: load_pub(), pub_raw(), pub_verify(), pub_free(). */
#ifdef KRILL_CRYPTO_MBEDTLS

static void sig_b64(const unsigned char sig[SIG_RAW_LEN], char out[SIG_B64_LEN + 1])
{
	size_t n;
	mbedtls_base64_encode((unsigned char *)out, SIG_B64_LEN + 1, &n, sig, SIG_RAW_LEN);
}

static int sig_unb64(const char *v, size_t n, unsigned char out[SIG_RAW_LEN])
{
	unsigned char raw[SIG_B64_LEN];
	size_t got;
	if (mbedtls_base64_decode(raw, sizeof raw, &got, (const unsigned char *)v, n) != 0 ||
	    got != SIG_RAW_LEN)
		return -1;
	memcpy(out, raw, SIG_RAW_LEN);
	return 0;
}

/* The DER of an Ed25519 SubjectPublicKeyInfo: SEQUENCE { SEQUENCE { OID
 * 1.3.101.112 } (no parameters, RFC 8410), BIT STRING (32 bytes) },
 * nothing after it. mbedTLS's ASN.1 reader walks it; its PK layer has no
 * Ed25519. Returns the key (32 bytes) or NULL. */
static unsigned char *spki_ed25519(const unsigned char *der, size_t len)
{
	unsigned char *p = (unsigned char *)der, *end = p + len;
	mbedtls_asn1_buf oid, params;
	size_t n;
	if (mbedtls_asn1_get_tag(&p, end, &n, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) ||
	    p + n != end || mbedtls_asn1_get_alg(&p, end, &oid, &params) || oid.len != 3 ||
	    memcmp(oid.p, "\x2b\x65\x70", 3) || params.tag != 0 ||
	    mbedtls_asn1_get_bitstring_null(&p, end, &n) || n != 32 || p + n != end)
		return NULL;
	unsigned char *k = xmalloc(32);
	memcpy(k, p, 32);
	return k;
}

static void *load_pub(const char *path)
{
	if (sodium_init() < 0) {
		kr_err("%s: libsodium could not start", path);
		return NULL;
	}
	char *text;
	size_t len, used;
	if (read_file(path, &text, &len) < 0)
		return NULL;
	mbedtls_pem_context pem;
	mbedtls_pem_init(&pem);
	unsigned char *k = NULL;
	if (!memchr(text, 0, len) &&
	    mbedtls_pem_read_buffer(&pem, "-----BEGIN PUBLIC KEY-----", "-----END PUBLIC KEY-----",
				    (const unsigned char *)text, NULL, 0, &used) == 0) {
		size_t derlen;
		const unsigned char *der = mbedtls_pem_get_buffer(&pem, &derlen);
		k = spki_ed25519(der, derlen);
	}
	mbedtls_pem_free(&pem);
	free(text);
	if (!k)
		kr_err("%s: not an Ed25519 public key in PEM form", path);
	return k;
}

static int pub_raw(const void *k, unsigned char raw[32])
{
	memcpy(raw, k, 32);
	return 0;
}

static int pub_verify(const void *k, const unsigned char sig[SIG_RAW_LEN], const void *data,
		      size_t len)
{
	return crypto_sign_ed25519_verify_detached(sig, data, len, k) == 0;
}

static void pub_free(void *k)
{
	free(k);
}

#else /* OpenSSL */

static void sig_b64(const unsigned char sig[SIG_RAW_LEN], char out[SIG_B64_LEN + 1])
{
	EVP_EncodeBlock((unsigned char *)out, sig, SIG_RAW_LEN);
}

static int sig_unb64(const char *v, size_t n, unsigned char out[SIG_RAW_LEN])
{
	unsigned char raw[SIG_B64_LEN];
	/* 66: the two padding characters decode as zero bytes */
	if (EVP_DecodeBlock(raw, (const unsigned char *)v, (int)n) != 66)
		return -1;
	memcpy(out, raw, SIG_RAW_LEN);
	return 0;
}

static EVP_PKEY *load_pem(const char *path, int private)
{
	BIO *b = BIO_new_file(path, "r");
	if (!b) {
		kr_err("%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	EVP_PKEY *k = private ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL)
			      : PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);
	BIO_free(b);
	if (!k || !EVP_PKEY_is_a(k, "ED25519")) {
		kr_err("%s: not an Ed25519 %s key in PEM form", path,
		       private ? "private" : "public");
		EVP_PKEY_free(k);
		return NULL;
	}
	return k;
}

static void *load_pub(const char *path)
{
	return load_pem(path, 0);
}

static int pub_raw(const void *k, unsigned char raw[32])
{
	size_t n = 32;
	return EVP_PKEY_get_raw_public_key(k, raw, &n) == 1 && n == 32 ? 0 : -1;
}

static int pub_verify(const void *k, const unsigned char sig[SIG_RAW_LEN], const void *data,
		      size_t len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, (EVP_PKEY *)k) == 1 &&
		 EVP_DigestVerify(ctx, sig, SIG_RAW_LEN, data, len) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}

static void pub_free(void *k)
{
	EVP_PKEY_free(k);
}

static int key_id(EVP_PKEY *pkey, char out[KEYID_LEN + 1])
{
	unsigned char raw[32];
	if (pub_raw(pkey, raw) < 0)
		return -1;
	key_id_raw(raw, out);
	return 0;
}

/* Create path with exactly data; never replaces an existing file: write a
 * temp file, then link(2) it to the final name, which fails on EEXIST. */
static int write_new_file(const char *path, const char *data, size_t len, mode_t mode)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	int rc = -1;
	if (fd < 0) {
		kr_err("%s: cannot create: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	if (fchmod(fd, mode) < 0 || write(fd, data, len) != (ssize_t)len || fsync(fd) < 0)
		kr_err("%s: write error: %s", tmp, strerror(errno));
	else if (link(tmp, path) < 0)
		kr_err("%s: %s", path,
		       errno == EEXIST ? "already exists, refusing to overwrite" : strerror(errno));
	else
		rc = 0;
	close(fd);
	unlink(tmp);
	free(tmp);
	return rc;
}

static char *bio_string(BIO *b, size_t *len)
{
	char *p;
	long n = BIO_get_mem_data(b, &p);
	*len = (size_t)n;
	return xstrndup(p, (size_t)n);
}

int sign_keygen(const char *dir, const char *name)
{
	if (!*name || strchr(name, '/') || name[0] == '.') {
		kr_err("bad key name '%s', expected a plain file name", name);
		return -1;
	}
	char *priv = xasprintf("%s/%s.pem", dir, name), *pub = xasprintf("%s/%s.pub", dir, name);
	int rc = -1;
	EVP_PKEY *pkey = NULL;
	BIO *bpriv = BIO_new(BIO_s_mem()), *bpub = BIO_new(BIO_s_mem());
	if (path_exists(priv) || path_exists(pub)) {
		kr_err("%s: already exists, refusing to overwrite", path_exists(priv) ? priv : pub);
		goto out;
	}
	pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (!pkey || !bpriv || !bpub ||
	    PEM_write_bio_PrivateKey(bpriv, pkey, NULL, NULL, 0, NULL, NULL) != 1 ||
	    PEM_write_bio_PUBKEY(bpub, pkey) != 1) {
		kr_err("%s: OpenSSL could not generate an Ed25519 key", priv);
		goto out;
	}
	size_t n1, n2;
	char *s1 = bio_string(bpriv, &n1), *s2 = bio_string(bpub, &n2);
	if (write_new_file(priv, s1, n1, 0600) == 0) {
		if (write_new_file(pub, s2, n2, 0644) == 0)
			rc = 0;
		else
			unlink(priv); /* no private key without its public half */
	}
	OPENSSL_cleanse(s1, n1);
	free(s1);
	free(s2);
out:
	BIO_free(bpriv);
	BIO_free(bpub);
	EVP_PKEY_free(pkey);
	free(priv);
	free(pub);
	return rc;
}

#endif /* the backend */

int sign_pubkey_id(const char *pubpath, char id[KEYID_LEN + 1])
{
	void *k = load_pub(pubpath);
	unsigned char raw[32];
	int rc = k && pub_raw(k, raw) == 0 ? 0 : -1;
	if (rc == 0)
		key_id_raw(raw, id);
	pub_free(k);
	return rc;
}

int keyring_load(struct keyring *kr, const char *dir)
{
	struct strlist names = STRLIST_INIT;
	memset(kr, 0, sizeof *kr);
	if (list_dir(dir, &names) < 0)
		return -1;
	for (size_t i = 0; i < names.n; i++) {
		if (!str_ends(names.v[i], ".pub"))
			continue;
		char *path = path_join(dir, names.v[i]);
		void *k = load_pub(path);
		unsigned char raw[32];
		if (!k || pub_raw(k, raw) < 0) {
			pub_free(k);
			kr_warn("%s: skipped, not trusted", kr_errmsg());
			free(path);
			continue;
		}
		kr->v = xrealloc(kr->v, (kr->n + 1) * sizeof *kr->v);
		struct trusted_key *t = &kr->v[kr->n++];
		t->path = path;
		t->pkey = k;
		key_id_raw(raw, t->id);
	}
	sl_free(&names);
	if (!kr->n) {
		kr_err("%s: no trusted keys (*.pub files, Ed25519 PEM) in this directory", dir);
		return -1;
	}
	return 0;
}

void keyring_free(struct keyring *kr)
{
	for (size_t i = 0; i < kr->n; i++) {
		pub_free(kr->v[i].pkey);
		free(kr->v[i].path);
	}
	free(kr->v);
	memset(kr, 0, sizeof *kr);
}

/* ---- envelope ---- */

static const char *const env_keys[] = {"format", "algorithm", "key-id", "signature"};

/* Next line of the envelope as "key: value": checks the key and returns the
 * value (not NUL-terminated) and its length. */
static const char *env_line(const char *data, size_t len, size_t *pos, int line, const char *src,
			    size_t *vlen)
{
	const char *key = env_keys[line - 1];
	const char *ls = data + *pos;
	const char *nl = memchr(ls, '\n', len - *pos);
	size_t klen = strlen(key);
	if (!nl) {
		kr_err("%s:%d: expected a '%s: ...' line ending in a newline", src, line, key);
		return NULL;
	}
	size_t ll = (size_t)(nl - ls);
	if (ll < klen + 2 || memcmp(ls, key, klen) || ls[klen] != ':' || ls[klen + 1] != ' ') {
		kr_err("%s:%d: expected '%s: ...'", src, line, key);
		return NULL;
	}
	*pos += ll + 1;
	*vlen = ll - klen - 2;
	return ls + klen + 2;
}

static int value_is(const char *v, size_t n, const char *want)
{
	return n == strlen(want) && !memcmp(v, want, n);
}

static int decode_sig(const char *v, size_t n, unsigned char out[SIG_RAW_LEN])
{
	unsigned char raw[SIG_RAW_LEN];
	char again[SIG_B64_LEN + 1];
	if (n != SIG_B64_LEN || sig_unb64(v, n, raw) < 0)
		return -1;
	/* only the canonical encoding: no stray bits, no whitespace tricks */
	sig_b64(raw, again);
	if (memcmp(again, v, SIG_B64_LEN))
		return -1;
	memcpy(out, raw, SIG_RAW_LEN);
	return 0;
}

int sig_envelope_parse(const char *data, size_t len, const char *src, struct sig_envelope *out)
{
	size_t pos = 0, n;
	const char *v;
	memset(out, 0, sizeof *out);
	if (memchr(data, 0, len)) {
		kr_err("%s: NUL byte, expected a text signature envelope", src);
		return -1;
	}
	if (!(v = env_line(data, len, &pos, 1, src, &n)))
		return -1;
	if (!value_is(v, n, "krill-signature-1")) {
		kr_err("%s:1: unknown format '%.*s', expected 'krill-signature-1'", src, (int)n, v);
		return -1;
	}
	if (!(v = env_line(data, len, &pos, 2, src, &n)))
		return -1;
	if (!value_is(v, n, "ed25519")) {
		kr_err("%s:2: unsupported algorithm '%.*s', expected 'ed25519'", src, (int)n, v);
		return -1;
	}
	if (!(v = env_line(data, len, &pos, 3, src, &n)))
		return -1;
	memcpy(out->key_id, v, n < KEYID_LEN ? n : KEYID_LEN);
	if (n != KEYID_LEN || !is_hex(out->key_id, KEYID_LEN)) {
		kr_err("%s:3: malformed key id '%.*s', expected 16 lowercase hex digits", src,
		       (int)n, v);
		return -1;
	}
	if (!(v = env_line(data, len, &pos, 4, src, &n)))
		return -1;
	if (decode_sig(v, n, out->sig) < 0) {
		kr_err("%s:4: malformed signature, expected %d base64 characters of a 64-byte "
		       "Ed25519 signature",
		       src, SIG_B64_LEN);
		return -1;
	}
	if (pos != len) {
		kr_err("%s:5: unexpected text after the signature line, expected the end of the "
		       "file",
		       src);
		return -1;
	}
	return 0;
}

void sig_envelope_write(const struct sig_envelope *e, struct sb *out)
{
	char b64[SIG_B64_LEN + 1];
	sig_b64(e->sig, b64);
	sb_printf(out, "format: krill-signature-1\nalgorithm: ed25519\nkey-id: %s\nsignature: %s\n",
		  e->key_id, b64);
}

#ifndef KRILL_CRYPTO_MBEDTLS
/* Signing is the build host's: OpenSSL only (the lean build verifies). */
int sign_data(const char *keypath, const void *data, size_t len, struct sb *out)
{
	struct stat st;
	if (stat(keypath, &st) < 0) {
		kr_err("%s: cannot read signing key: %s", keypath, strerror(errno));
		return -1;
	}
	if (st.st_mode & 077) {
		kr_err("%s: private key is readable by others (mode %04o), expected mode 0600",
		       keypath, (unsigned)(st.st_mode & 07777));
		return -1;
	}
	EVP_PKEY *k = load_pem(keypath, 1);
	if (!k)
		return -1;
	struct sig_envelope e;
	size_t slen = SIG_RAW_LEN;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx && key_id(k, e.key_id) == 0 &&
		 EVP_DigestSignInit(ctx, NULL, NULL, NULL, k) == 1 &&
		 EVP_DigestSign(ctx, e.sig, &slen, data, len) == 1 && slen == SIG_RAW_LEN;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(k);
	if (!ok) {
		kr_err("%s: OpenSSL could not sign with this key", keypath);
		return -1;
	}
	sig_envelope_write(&e, out);
	return 0;
}

#endif

int sign_verify(const struct keyring *kr, const void *data, size_t len, const char *env,
		size_t envlen, const char *src, char keyid[KEYID_LEN + 1])
{
	struct sig_envelope e;
	if (sig_envelope_parse(env, envlen, src, &e) < 0)
		return -1;
	const struct trusted_key *t = NULL;
	for (size_t i = 0; i < kr->n && !t; i++)
		if (!strcmp(kr->v[i].id, e.key_id))
			t = &kr->v[i];
	if (!t) {
		kr_err("%s: signed by key %s, which is not among the trusted keys", src, e.key_id);
		return -1;
	}
	if (!pub_verify(t->pkey, e.sig, data, len)) {
		kr_err("%s: bad signature: the signed file does not match the signature by key %s "
		       "(%s)",
		       src, e.key_id, path_basename(t->path));
		return -1;
	}
	if (keyid)
		memcpy(keyid, e.key_id, KEYID_LEN + 1);
	return 0;
}
