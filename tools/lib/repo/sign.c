/* sign.c - see sign.h */
#include "sign.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SIG_B64_LEN 88 /* 4 * ceil(64 / 3) */

static int key_id(EVP_PKEY *pkey, char out[KEYID_LEN + 1])
{
	unsigned char raw[32];
	size_t n = sizeof raw;
	char hex[SHA256_HEX_LEN + 1];
	if (EVP_PKEY_get_raw_public_key(pkey, raw, &n) != 1 || n != sizeof raw)
		return -1;
	sha256_hex(raw, n, hex);
	memcpy(out, hex, KEYID_LEN);
	out[KEYID_LEN] = 0;
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

int sign_pubkey_id(const char *pubpath, char id[KEYID_LEN + 1])
{
	EVP_PKEY *k = load_pem(pubpath, 0);
	int rc = k ? key_id(k, id) : -1;
	EVP_PKEY_free(k);
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
		EVP_PKEY *k = load_pem(path, 0);
		if (!k) {
			kr_warn("%s: skipped, not trusted", kr_errmsg());
			free(path);
			continue;
		}
		kr->v = xrealloc(kr->v, (kr->n + 1) * sizeof *kr->v);
		struct trusted_key *t = &kr->v[kr->n++];
		t->path = path;
		t->pkey = k;
		key_id(k, t->id);
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
		EVP_PKEY_free(kr->v[i].pkey);
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
	unsigned char raw[SIG_B64_LEN];
	char again[SIG_B64_LEN + 1];
	if (n != SIG_B64_LEN || EVP_DecodeBlock(raw, (const unsigned char *)v, (int)n) != 66)
		return -1;
	/* only the canonical encoding: no stray bits, no whitespace tricks */
	EVP_EncodeBlock((unsigned char *)again, raw, SIG_RAW_LEN);
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
	EVP_EncodeBlock((unsigned char *)b64, e->sig, SIG_RAW_LEN);
	sb_printf(out, "format: krill-signature-1\nalgorithm: ed25519\nkey-id: %s\nsignature: %s\n",
		  e->key_id, b64);
}

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
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, t->pkey) == 1 &&
		 EVP_DigestVerify(ctx, e.sig, SIG_RAW_LEN, data, len) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok) {
		kr_err("%s: bad signature: the signed file does not match the signature by key %s "
		       "(%s)",
		       src, e.key_id, path_basename(t->path));
		return -1;
	}
	if (keyid)
		memcpy(keyid, e.key_id, KEYID_LEN + 1);
	return 0;
}
