#!/bin/sh
# The lean in-image krill (ports/krill, mk/lean.mk), built as the ARCH=host
# port with its static libraries (mbedtls-static, libsodium-static,
# curl-static, ...) in the sandbox: results are cached in CACHE_DIR, so only
# the first run on a machine builds them. Runs the unit tests of its crypto
# backend (test_sign, test_util with KRILL_CRYPTO_MBEDTLS), checks its link
# set (glibc alone), that no build-side verb is in it, and that it installs
# from a signed repository over http and https (TLS 1.2 and 1.3) on
# 127.0.0.1 (a test CA bound over the CA bundle).
. "$TOP/tools/tests/integration/client_lib.sh"
. "$TOP/tools/tests/integration/repo_lib.sh"

# --- the port (cached after the first run)
make -C "$TOP" krill ARCH=host SAN="${SAN:-0}" ARCH_BUILD="$T/build" >"$T/make.out" 2>&1
rc=$?
check_cmd lean_port_builds test $rc -eq 0
[ $rc -eq 0 ] || { tail -30 "$T/make.out"; exit 1; }
key=$(sed -n 's/^KR_KEY_krill := //p' "$T/build/graph.mk")
cache=${CACHE_DIR:-$HOME/.cache/krill}
pkgf=$(ls "$cache/results/$key"/krill-*.pkg.tar.zst 2>/dev/null | head -1)
check_cmd lean_package_exists test -f "$pkgf"
mkdir -p "$T/pkg" && tar --zstd -xf "$pkgf" -C "$T/pkg"
K="$T/pkg/usr/bin/krill"

# --- the lean crypto backend (mbedTLS SHA-256/PEM/base64, libsodium
# Ed25519) runs the same unit tests as the host's OpenSSL one: test_sign
# and test_util compiled with KRILL_CRYPTO_MBEDTLS against the port's own
# static libraries (PASS/FAIL lines prefixed lean_mbedtls_)
mkdir -p "$T/static"
for p in mbedtls-static libsodium-static; do
	k=$(sed -n "s/^KR_KEY_$p := //p" "$T/build/graph.mk")
	tar --zstd -xf "$(ls "$cache/results/$k/$p"-[0-9]*.pkg.tar.zst | head -1)" -C "$T/static"
done
s=$T/static/usr/lib/krill-static
san=
[ "${SAN:-0}" = 1 ] && san="-fsanitize=address,undefined -fno-omit-frame-pointer"
u=$TOP/tools/tests/unit
l=$TOP/tools/lib
for t in sign util; do
	# shellcheck disable=SC2086 # $san is a list of flags
	if cc -std=c11 -D_GNU_SOURCE -DKRILL_CRYPTO_MBEDTLS -Wall -Wextra -Werror -Wno-unused-parameter \
		-O2 -g $san -I"$u" -I"$l/base" -I"$l/repo" -I"$s/include" -o "$T/lean_$t" "$u/test_$t.c" \
		"$l/repo/sign.c" "$l/base/util.c" "$l/base/strmap.c" "$l/base/diag.c" \
		"$s/lib/libmbedcrypto.a" "$s/lib/libsodium.a" -pthread >"$T/cc.out" 2>&1; then
		"$T/lean_$t" >"$T/lean_$t.out" 2>&1
		rc=$?
		sed -n 's/^\(PASS\|FAIL\) /\1 lean_mbedtls_/p' "$T/lean_$t.out"
		WHY="exit $rc: $(tail -3 "$T/lean_$t.out")" check "lean_mbedtls_test_${t}_runs" \
			'[ $rc -eq 0 ] && grep -q "^PASS " "$T/lean_$t.out"'
	else
		fail "lean_mbedtls_test_${t}_builds" "$(head -5 "$T/cc.out")"
		_fails=$((_fails + 1))
	fi
done

# --- link set: glibc's own libraries only (libc, the loader, and libm /
# libpthread, which are glibc too); never OpenSSL, curl, libarchive,
# jansson, zstd, libyaml, libelf or liblzma
needed=$(readelf -d "$K" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
outside=$(printf '%s\n' $needed | grep -v -E '^(libc\.so\.6|libm\.so\.6|libpthread\.so\.0|ld-linux[-a-z0-9_]*\.so\.[0-9]+)$')
WHY="DT_NEEDED outside glibc: $outside (all: $needed)" check lean_needs_glibc_only '[ -z "$outside" ] && [ -n "$needed" ]'
check lean_is_stripped '! readelf -S "$K" | grep -q "\.symtab"'

# --- verbs: the client ones, no build-side one
v=$("$K" --version)
WHY="got '$v'" check lean_version 'test "$v" = "krill $(cat "$TOP/tools/VERSION")"'
verbs=$("$K" help | sed -n 's/^  \([a-z][a-z]*\) .*/\1/p' | tr '\n' ' ')
WHY="got '$verbs'" check lean_help_lists_client_verbs_only 'test "$verbs" = "verify add del info list update upgrade fix audit search policy "'
"$K" build --help >"$T/o" 2>&1
rc=$?
WHY="exit $rc: $(head -1 "$T/o")" check lean_has_no_build_verb '[ $rc -eq 2 ] && grep -q "no such verb .build." "$T/o"'
for b in graph lint fetch keygen index image mirror diff; do
	"$K" $b >/dev/null 2>&1
	[ $? -eq 2 ] || { fail lean_has_no_build_verbs "$b runs"; _fails=$((_fails + 1)); }
done

# --- a signed repository of packages, served on 127.0.0.1
pkg base 1.0-r0 d:usr d:usr/share f:usr/share/base.txt=base
pkg app 2.0-r0 --depend base d:usr d:usr/bin f:usr/bin/app=app2
index
check_cmd lean_verify_repo "$K" verify "$T/repo" --keys "$T/trust"
printf 'x' >>"$T/repo/app-2.0-r0.x86_64.pkg.tar.zst"
expect_fail lean_verify_catches_tampering "app-2.0-r0.x86_64.pkg.tar.zst" "$K" verify "$T/repo" --keys "$T/trust"
pkg app 2.0-r0 --depend base d:usr d:usr/bin f:usr/bin/app=app2
index

serve "$T/repo"
check_cmd lean_add_over_http "$K" add --root "$T/r1" --repo "$URL/" --keys "$T/trust" app
check lean_http_installed 'test "$(cat "$T/r1/usr/bin/app")" = app2 && test -f "$T/r1/usr/share/base.txt"'
"$K" info --root "$T/r1" >"$T/info" 2>&1
check lean_info_lists_installed 'grep -qx app "$T/info" && grep -qx base "$T/info"'
"$K" info --root "$T/r1" app >"$T/info" 2>&1
check lean_info_shows_package 'grep -qx "version: 2.0-r0" "$T/info" && grep -qx "installed: yes" "$T/info"'
"$K" list --root "$T/r1" --repo "$URL/" --keys "$T/trust" >"$T/list" 2>&1
check lean_list_offers_packages 'grep -q "^app 2.0-r0" "$T/list" && grep -q "^base 1.0-r0" "$T/list"'
check_cmd lean_del "$K" del --root "$T/r1" app
check lean_del_removed '! test -e "$T/r1/usr/bin/app"'
# a key the root does not trust: refused, nothing installed
mkdir -p "$T/other" && "$KRILL" keygen other --dir "$T/other" >/dev/null && rm "$T/other/other.pem"
"$K" add --root "$T/r2" --repo "$URL/" --keys "$T/other" app >/dev/null 2>&1
rc=$?
check lean_untrusted_key_refused '[ $rc -ne 0 ] && ! test -e "$T/r2/usr/bin/app"'
unserve

# --- https: a test CA, a certificate for 127.0.0.1, the CA bound over the
# bundle path built into the binary (/etc/ssl/certs/ca-certificates.crt)
if command -v bwrap >/dev/null && command -v openssl >/dev/null; then
	c=$T/tls
	mkdir -p "$c"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=krill-test-ca \
		-keyout "$c/ca.key" -out "$c/ca.crt" -days 2 >/dev/null 2>&1
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=127.0.0.1 \
		-keyout "$c/srv.key" -out "$c/srv.csr" >/dev/null 2>&1
	printf 'subjectAltName=IP:127.0.0.1\n' >"$c/ext"
	openssl x509 -req -in "$c/srv.csr" -CA "$c/ca.crt" -CAkey "$c/ca.key" -CAcreateserial \
		-days 2 -extfile "$c/ext" -out "$c/srv.crt" >/dev/null 2>&1
	# another CA, for the refusal
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=stranger \
		-keyout "$c/x.key" -out "$c/x.crt" -days 2 >/dev/null 2>&1
	# one server per protocol version: TLS 1.2 only, TLS 1.3 only
	tls_serve() { # VERSION
		port=$(free_port)
		python3 -c '
import http.server, ssl, sys, functools
port, root, cert, key, v = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=root)
h.log_message = lambda *a: None
s = http.server.ThreadingHTTPServer(("127.0.0.1", port), h)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.minimum_version = ctx.maximum_version = getattr(ssl.TLSVersion, v)
ctx.load_cert_chain(cert, key)
s.socket = ctx.wrap_socket(s.socket, server_side=True)
s.serve_forever()
' "$port" "$T/repo" "$c/srv.crt" "$c/srv.key" "$1" >"$T/tls.log" 2>&1 &
		SERVER_PID=$!
		i=0
		while ! python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null; do
			i=$((i + 1))
			[ $i -gt 100 ] && break
			sleep 0.05
		done
	}
	# the binary's own CA path, holding one CA: bwrap binds a file over it
	inca() {
		_ca=$1
		shift
		bwrap --dev-bind / / --ro-bind "$_ca" /etc/ssl/certs/ca-certificates.crt "$@"
	}
	for v in TLSv1_2 TLSv1_3; do
		tls_serve $v
		rm -rf "$T/r3" "$T/r4"
		check_cmd lean_add_over_https_$v inca "$c/ca.crt" "$K" add --root "$T/r3" \
			--repo "https://127.0.0.1:$port/" --keys "$T/trust" app
		check lean_https_installed_$v 'test "$(cat "$T/r3/usr/bin/app")" = app2'
		inca "$c/x.crt" "$K" add --root "$T/r4" --repo "https://127.0.0.1:$port/" \
			--keys "$T/trust" app >"$T/o" 2>&1
		rc=$?
		WHY="exit $rc: $(head -c 300 "$T/o")" check lean_https_untrusted_ca_refused_$v \
			'[ $rc -ne 0 ] && ! test -e "$T/r4/usr/bin/app" && grep -qi "certificate" "$T/o"'
		unserve
	done
else
	fail lean_https "bwrap or openssl missing"
	_fails=$((_fails + 1))
fi
finish
