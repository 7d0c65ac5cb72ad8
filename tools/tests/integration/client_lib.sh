# client_lib.sh - helpers sourced by test_client_*.sh (not a test itself):
# a signing key, a local signed repository of packages made by mkpkg.py,
# a root configured to use them, and a fingerprint of a root's contents.
. "$TOP/tools/tests/integration/lib.sh"
set -u
T=$(mktemp -d "${TMPDIR:-/tmp}/krill-client.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
mkdir -p "$T/keys" "$T/trust" "$T/repo"
"$KRILL" keygen test --dir "$T/keys" >/dev/null || { echo "FAIL setup: keygen"; exit 1; }
cp "$T/keys/test.pub" "$T/trust/"

# pkg NAME VERSION [mkpkg.py args]: a package in $T/repo
pkg() {
	_n=$1 _v=$2
	shift 2
	python3 "$TOP/tools/tests/integration/mkpkg.py" "$T/repo/$_n-$_v.x86_64.pkg.tar.zst" \
		"$_n" "$_v" "$@"
}

# index [krill index options]: (re)sign $T/repo
index() { "$KRILL" index "$T/repo" --key "$T/keys/test.pem" "$@" >/dev/null; }

# newroot DIR: an empty root whose repositories file and keys point at $T/repo
newroot() {
	mkdir -p "$1/etc/krill/keys"
	cp "$T/trust/test.pub" "$1/etc/krill/keys/"
	printf '# test repository\n%s\n' "$T/repo" >"$1/etc/krill/repositories"
}

# fingerprint DIR: every path with its type and content hash, except the
# lock file (any run creates it) and the download cache
fingerprint() {
	(cd "$1" && find . -path ./var/cache -prune -o ! -path ./var/lib/krill/lock \
		-printf '%p %y %l\n' | LC_ALL=C sort &&
		find . -path ./var/cache -prune -o -type f ! -path ./var/lib/krill/lock \
			-exec sha256sum {} + | LC_ALL=C sort)
}

# expect_fail NAME WANT CMD...: CMD must exit 1 with WANT in its stderr
expect_fail() {
	_name=$1 _want=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	_rc=$?
	if [ $_rc -eq 1 ] && grep -q -- "$_want" "$T/err"; then
		echo "PASS $_name"
	else
		echo "FAIL $_name: exit $_rc, stderr: $(head -c 400 "$T/err")"
		_fails=$((_fails + 1))
	fi
}
