/* test_tuf.c - the timestamp (strict parse, signature, expiry) and the
 * bounded zstd decompression of INDEX.zst and its delta. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zstd.h>

#include "repo.h"
#include "tuf.h"
#include "t.h"

static char dir[64];

#define H64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define BODY                                                                                       \
	"format: krill-timestamp-1\nrepository: main\narch: x86_64\nversion: 3\n"                  \
	"expires: 2030-01-01T00:00:00Z\nindex-version: 42\nindex-expires: 2030-02-01T00:00:00Z\n"  \
	"index-size: 1000\nindex-sha256: " H64 "\nzst-size: 300\nzst-sha256: " H64 "\n"
#define DELTA "delta-from: " H64 "\ndelta-size: 20\ndelta-sha256: " H64 "\n"
#define ENV                                                                                        \
	"\nformat: krill-signature-1\nalgorithm: ed25519\nkey-id: 0123456789abcdef\nsignature: "   \
	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==" \
	"\n"

static const char *parse_err(const char *text)
{
	struct timestamp t;
	struct sig_envelope e;
	size_t body;
	if (timestamp_parse(text, strlen(text), "timestamp", &t, &e, &body) == 0) {
		timestamp_free(&t);
		return NULL;
	}
	return kr_errmsg();
}

TEST(round_trip)
{
	const char *texts[] = {BODY ENV, BODY DELTA ENV};
	for (int i = 0; i < 2; i++) {
		struct timestamp t;
		struct sig_envelope e;
		size_t body;
		CHECK(timestamp_parse(texts[i], strlen(texts[i]), "ts", &t, &e, &body) == 0);
		CHECK(t.version == 3 && t.index_version == 42 && t.index_size == 1000);
		CHECK(t.zst_size == 300 && t.delta_size == (i ? 20u : 0u));
		CHECK_STR(t.name, "main");
		struct sb out = SB_INIT;
		timestamp_write(&t, &out);
		CHECK(out.len == body && !memcmp(out.s, texts[i], body));
		sb_free(&out);
		timestamp_free(&t);
	}
}

TEST(strict_parse)
{
	CHECK(parse_err(BODY ENV) == NULL);
	CHECK(strstr(parse_err(BODY), "no signature"));
	CHECK(strstr(parse_err("repository: main\n" ENV), ":1: expected 'format: VALUE'"));
	const char *bad[][2] = {
		{"version: 3\n", "version: 03\n"},
		{"version: 3\n", "version: 0\n"},
		{"index-size: 1000\n", "index-size: 0\n"},
		{"index-size: 1000\n", "index-size: 268435457\n"},
		{"zst-sha256: " H64 "\n", "zst-sha256: " H64 "0\n"},
		{"zst-sha256: 0", "zst-sha256: A"},
		{"arch: x86_64\n", "arch: X86\n"},
		{"repository: main\n", "repository: ../x\n"},
		{"expires: 2030-01-01T00:00:00Z\n", "expires: 2030-02-30T00:00:00Z\n"},
		{"format: krill-timestamp-1\n", "format: krill-timestamp-2\n"},
		{"arch: x86_64\nversion: 3\n", "version: 3\narch: x86_64\n"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char *t = xstrdup(BODY ENV), *p = strstr(t, bad[i][0]);
		CHECK(p != NULL);
		struct sb b = SB_INIT;
		sb_add(&b, t, (size_t)(p - t));
		sb_adds(&b, bad[i][1]);
		sb_adds(&b, p + strlen(bad[i][0]));
		const char *e = parse_err(b.s);
		CHECK(e && strstr(e, "timestamp:"));
		sb_free(&b);
		free(t);
	}
	/* the delta's three come together; nothing after them; one signature */
	CHECK(strstr(parse_err(BODY "delta-from: " H64 "\n" ENV), "come together"));
	CHECK(strstr(parse_err(BODY DELTA "extra: 1\n" ENV), "unexpected line"));
	CHECK(strstr(parse_err(BODY ENV ENV), "two signatures"));
	CHECK(strstr(parse_err(BODY "x: 1\n" ENV), "expected 'delta-from: VALUE'"));
	/* a timestamp may not outlive the index it names */
	char *t = xstrdup(BODY ENV);
	memcpy(strstr(t, "expires: 2030-01") + 14, "03", 2);
	CHECK(strstr(parse_err(t), "after the index it names"));
	free(t);
	/* NUL byte, oversize */
	char nul[] = BODY ENV;
	nul[30] = 0;
	struct timestamp ts;
	struct sig_envelope e;
	size_t body;
	CHECK(timestamp_parse(nul, sizeof nul - 1, "ts", &ts, &e, &body) < 0);
	char *big = xcalloc(1, TIMESTAMP_MAX_BYTES + 2);
	memset(big, 'a', TIMESTAMP_MAX_BYTES + 1);
	CHECK(timestamp_parse(big, TIMESTAMP_MAX_BYTES + 1, "ts", &ts, &e, &body) < 0);
	CHECK(strstr(kr_errmsg(), "expected at most 4096"));
	free(big);
}

#ifndef KRILL_CRYPTO_MBEDTLS
/* A timestamp signed as `krill index` does: body, blank line, envelope. */
static int signed_ts(const char *body, struct sb *out)
{
	char *key = xasprintf("%s/k.pem", dir);
	sb_adds(out, body);
	sb_addc(out, '\n');
	int rc = sign_data(key, body, strlen(body), out);
	free(key);
	return rc;
}

TEST(verify_signature_then_expiry)
{
	struct keyring kr;
	CHECK(sign_keygen(dir, "k") == 0);
	CHECK(keyring_load(&kr, dir) == 0);
	struct sb s = SB_INIT;
	CHECK(signed_ts(BODY DELTA, &s) == 0);
	struct timestamp t;
	CHECK(timestamp_verify(&kr, s.s, s.len, "ts", 1700000000, &t) == 0);
	CHECK(t.delta_size == 20);
	timestamp_free(&t);
	/* expired: 2030-01-01 is past at 2030-01-01T00:00:00Z */
	CHECK(timestamp_verify(&kr, s.s, s.len, "ts", 1893456000, &t) < 0);
	CHECK(strstr(kr_errmsg(), "timestamp expired at 2030-01-01T00:00:00Z"));
	/* one byte of the body changed: the signature fails, nothing parsed */
	char *x = strstr(s.s, "version: 3");
	x[9] = '4';
	CHECK(timestamp_verify(&kr, s.s, s.len, "ts", 1700000000, &t) < 0);
	CHECK(strstr(kr_errmsg(), "bad signature"));
	sb_free(&s);
	keyring_free(&kr);
}
#endif

TEST(zst_round_trip_and_delta)
{
	struct sb a = SB_INIT, b = SB_INIT, z = SB_INIT, d = SB_INIT;
	for (int i = 0; i < 2000; i++)
		sb_printf(&a, "name: pkg%05d\nsha256: %08x%08x\n\n", i, i * 2654435761u, i);
	sb_add(&b, a.s, a.len);
	memcpy(strstr(b.s, "pkg01000"), "pkgX", 4);
	CHECK(zst_compress(b.s, b.len, NULL, 0, 19, &z) == 0);
	CHECK(zst_compress(b.s, b.len, a.s, a.len, 19, &d) == 0);
	CHECK(d.len < 100 && z.len > d.len);
	char *out;
	CHECK(zst_decompress(z.s, z.len, NULL, 0, b.len, "z", &out) == 0);
	CHECK(!memcmp(out, b.s, b.len));
	free(out);
	CHECK(zst_decompress(d.s, d.len, a.s, a.len, b.len, "d", &out) == 0);
	CHECK(!memcmp(out, b.s, b.len));
	free(out);
	/* the same bytes each time (the timestamp names them by sha256) */
	struct sb z2 = SB_INIT;
	CHECK(zst_compress(b.s, b.len, NULL, 0, 19, &z2) == 0);
	CHECK(z2.len == z.len && !memcmp(z2.s, z.s, z.len));
	/* truncated, trailing bytes, another size than the signed one */
	CHECK(zst_decompress(z.s, z.len / 2, NULL, 0, b.len, "z", &out) < 0);
	CHECK(strstr(kr_errmsg(), "z: truncated or not a zstd frame"));
	sb_addc(&z, 0);
	CHECK(zst_decompress(z.s, z.len, NULL, 0, b.len, "z", &out) < 0);
	CHECK(strstr(kr_errmsg(), "1 bytes after the zstd frame"));
	CHECK(zst_decompress(z.s, z.len - 1, NULL, 0, b.len + 1, "z", &out) < 0);
	CHECK(strstr(kr_errmsg(), "the signed timestamp"));
	CHECK(zst_decompress("garbage!", 8, NULL, 0, 8, "g", &out) < 0);
	sb_free(&a);
	sb_free(&b);
	sb_free(&z);
	sb_free(&z2);
	sb_free(&d);
}

/* A real bomb: 300 MiB of zeros in a few KiB, refused from its header
 * before anything is allocated; and a frame that hides its size. */
TEST(zst_bomb_and_unsized_frame_refused)
{
	ZSTD_CCtx *c = ZSTD_createCCtx();
	size_t total = 300u << 20, chunk = 1u << 20, cap = 1u << 20;
	char *zeros = xcalloc(1, chunk), *buf = xmalloc(cap);
	ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 1);
	ZSTD_CCtx_setPledgedSrcSize(c, total);
	ZSTD_outBuffer o = {buf, cap, 0};
	for (size_t done = 0; done < total; done += chunk) {
		ZSTD_inBuffer in = {zeros, chunk, 0};
		ZSTD_EndDirective e = done + chunk == total ? ZSTD_e_end : ZSTD_e_continue;
		size_t r;
		do
			r = ZSTD_compressStream2(c, &o, &in, e);
		while (!ZSTD_isError(r) && (in.pos < in.size || (e == ZSTD_e_end && r)));
		CHECK(!ZSTD_isError(r));
	}
	char *out;
	CHECK(o.pos < 64 * 1024);
	CHECK(zst_decompress(buf, o.pos, NULL, 0, total, "INDEX.zst", &out) < 0);
	CHECK(strstr(kr_errmsg(), "INDEX.zst: zstd bomb: the frame declares 314572800 bytes"));
	/* a frame that does not say how big it is */
	ZSTD_CCtx_reset(c, ZSTD_reset_session_and_parameters);
	ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 0);
	size_t n = ZSTD_compress2(c, buf, cap, "hello", 5);
	CHECK(!ZSTD_isError(n));
	CHECK(zst_decompress(buf, n, NULL, 0, 5, "s", &out) < 0);
	CHECK(strstr(kr_errmsg(), "does not declare its size"));
	ZSTD_freeCCtx(c);
	free(zeros);
	free(buf);
}

int main(void)
{
	strcpy(dir, "/tmp/krill-test-tuf-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	RUN(round_trip);
	RUN(strict_parse);
#ifndef KRILL_CRYPTO_MBEDTLS
	RUN(verify_signature_then_expiry);
#endif
	RUN(zst_round_trip_and_delta);
	RUN(zst_bomb_and_unsized_frame_refused);
	rm_rf(dir);
	DONE();
}
