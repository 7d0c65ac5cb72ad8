# repo_lib.sh - helpers sourced by test_repo_*.sh and test_mirror_*.sh (not a
# test itself): synthetic packages, a repository, a local HTTP server.

# mkpkg OUTDIR NAME VERSION [CONTENT]: a valid package built with tar + zstd
# (origin $MKPKG_ORIGIN, else NAME):
# .PKGINFO first, .SBOM.spdx.json second, then the files; owner 0, fixed
# mtime, sorted.
mkpkg() {
	_out=$1 _n=$2 _v=$3 _c=${4:-"hello from $2 $3"}
	_d=$(mktemp -d "$_out/.mkpkg.XXXXXX")
	mkdir -p "$_d/usr/share/$_n"
	printf '%s\n' "$_c" >"$_d/usr/share/$_n/data"
	_sz=$(wc -c <"$_d/usr/share/$_n/data")
	cat >"$_d/.PKGINFO" <<EOI
name: $_n
version: $_v
arch: x86_64
origin: ${MKPKG_ORIGIN:-$_n}
summary: synthetic test package $_n
license: MIT
installed-size: $((_sz))
EOI
	printf '{"spdxVersion": "SPDX-2.3", "name": "%s"}\n' "$_n" >"$_d/.SBOM.spdx.json"
	(cd "$_d" && find usr | LC_ALL=C sort >.files &&
		tar -cf - --owner=0 --group=0 --numeric-owner --mtime=@1700000000 \
			--no-recursion .PKGINFO .SBOM.spdx.json -T .files) |
		zstd -q -c >"$_out/$_n-$_v.x86_64.pkg.tar.zst"
	rm -rf "$_d"
}

# free_port: a TCP port nobody listens on right now (127.0.0.1).
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# serve DIR [MODE]: start tools/tests/integration/repo_server.py on a free
# port; sets SERVER_PID and URL. MODE is passed to the server (see there).
serve() {
	_port=$(free_port)
	python3 "$TOP/tools/tests/integration/repo_server.py" "$_port" "$1" "${2:-normal}" \
		>"$T/server.log" 2>&1 &
	SERVER_PID=$!
	URL="http://127.0.0.1:$_port"
	_i=0
	while ! python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $_port), 1)" \
		2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -gt 100 ] && { echo "FAIL server: did not start"; return 1; }
		sleep 0.05
	done
}

unserve() {
	[ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
	SERVER_PID=
}

# sha of a file
sha() { sha256sum "$1" | cut -d' ' -f1; }

ok() { echo "PASS $1"; }
bad() { echo "FAIL $1: $2"; FAILED=1; }

# setup_src: keys in $T/k (main, other), trusted $T/keys, a signed repo
# $T/src at version 1 with packages a, b.
setup_src() {
	mkdir -p "$T/src" "$T/keys"
	"$KRILL" keygen main --dir "$T/k" >/dev/null && "$KRILL" keygen other --dir "$T/k" >/dev/null &&
		cp "$T/k/main.pub" "$T/keys/" || return 1
	mkpkg "$T/src" a 1.0-r1 "$(head -c 3000 /dev/urandom | base64)"
	mkpkg "$T/src" b 1.0-r1 "$(head -c 3000 /dev/urandom | base64)"
	"$KRILL" index "$T/src" --key "$T/k/main.pem" >/dev/null
}

# sign_src [ARGS]: re-index $T/src with the main key.
sign_src() { "$KRILL" index "$T/src" --key "$T/k/main.pem" "$@" >/dev/null 2>&1; }

# dst_state: a fingerprint of what DST serves (index bytes + package names).
dst_state() { { cat "$T/dst/INDEX" "$T/dst/INDEX.sig"; ls "$T/dst"; } 2>/dev/null | sha256sum; }

# sync [SRC]: krill mirror sync into $T/dst; output in $T/out.
sync() { "$KRILL" mirror sync "${1:-$URL}" "$T/dst" --keys "$T/keys" >"$T/out" 2>&1; }

dst_ok() { "$KRILL" verify "$T/dst" --keys "$T/keys" >"$T/vout" 2>&1; }

# refused NAME PATTERN: the last sync failed, said PATTERN, DST unchanged
# (same fingerprint as $STATE) and still verifiable.
refused() {
	if grep -q "$2" "$T/out" && [ "$(dst_state)" = "$STATE" ] && dst_ok; then ok "$1"
	else bad "$1" "$(cat "$T/out" "$T/vout" 2>/dev/null | head -5)"; fi
}

# serve_nginx DIR: a real nginx (Debian's) serving DIR on a free 127.0.0.1
# port, with ETag and Last-Modified as it offers them for static files;
# sets NGINX_PID, URL and NGINX_LOG, one line per request:
# "URI STATUS BYTES_SENT" (bytes_sent: headers and body).
serve_nginx() {
	command -v nginx >/dev/null 2>&1 || { echo "FAIL nginx: not installed (Debian package nginx)"; return 1; }
	_port=$(free_port)
	NGINX_LOG=$T/nginx.access
	mkdir -p "$T/nginx.tmp"
	# as root, nginx's workers would drop to nobody, who cannot read $T
	_user=""
	[ "$(id -u)" = 0 ] && _user="user root;"
	cat >"$T/nginx.conf" <<EON
daemon off;
$_user
worker_processes 1;
pid $T/nginx.pid;
error_log $T/nginx.err;
events { worker_connections 64; }
http {
  log_format bytes '\$uri \$status \$bytes_sent';
  access_log $NGINX_LOG bytes;
  client_body_temp_path $T/nginx.tmp;
  proxy_temp_path $T/nginx.tmp;
  fastcgi_temp_path $T/nginx.tmp;
  uwsgi_temp_path $T/nginx.tmp;
  scgi_temp_path $T/nginx.tmp;
  server { listen 127.0.0.1:$_port; root $1; }
}
EON
	: >"$NGINX_LOG"
	nginx -c "$T/nginx.conf" -p "$T" &
	NGINX_PID=$!
	URL="http://127.0.0.1:$_port"
	_i=0
	while ! python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $_port), 1)" \
		2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -gt 100 ] && { echo "FAIL nginx: did not start: $(cat "$T/nginx.err")"; return 1; }
		sleep 0.05
	done
}

unserve_nginx() {
	[ -n "${NGINX_PID:-}" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
	NGINX_PID=
}

# log_mark / log_since: the nginx requests since the mark; log_bytes: their
# total bytes_sent.
log_mark() { LOG_MARK=$(wc -l <"$NGINX_LOG"); }
log_since() { tail -n +$((LOG_MARK + 1)) "$NGINX_LOG"; }
log_bytes() { log_since | awk '{ n += $3 } END { print n + 0 }'; }
