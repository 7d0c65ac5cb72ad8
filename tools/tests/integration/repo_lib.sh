# repo_lib.sh - helpers sourced by test_repo_*.sh and test_mirror_*.sh (not a
# test itself): synthetic packages, a repository, a local HTTP server.

# mkpkg OUTDIR NAME VERSION [CONTENT]: a valid package built with tar + zstd:
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
origin: $_n
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
