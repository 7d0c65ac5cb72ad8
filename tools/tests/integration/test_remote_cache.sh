#!/bin/sh
# The remote result cache (tools/doc/remotecache.md) against a real nginx
# (WebDAV PUT) on 127.0.0.1, with two checkouts at different paths and
# empty CACHE_DIRs of their own: the first builds the test ports and
# uploads; the second builds nothing (every port `cached (remote)`) and
# gets the same bytes. A tampered entry, one signed by an unknown key, one
# whose manifest was edited and a truncated upload are each refused, named,
# and the port built locally with the right bytes (and `make index` then
# holds only the right ones); a server killed mid-download leaves nothing
# partial in the local cache. Also the file:// backend and a read-only cache.
set -u
. "$TOP/tools/tests/integration/lib.sh"
. "$TOP/tools/tests/integration/greet_ports.sh"
. "$TOP/tools/tests/integration/nginx_lib.sh"

t=$T
export SOURCE_DATE_EPOCH=1700000000 KRILL_HEARTBEAT=0
unset KRILL_REMOTE_CACHE KRILL_BUILDER_KEY KRILL_BUILDER_KEYS KRILL_REMOTE_CACHE_PUSH
greet_ports "$t"
# a port with a 1.5 MB package: long enough a download to kill the server in
head -c 1500000 /dev/urandom >"$t/blob"
printf 'build:\n  style: none\n  post-install: |\n    install -D -m 644 $FILESDIR/blob $DESTDIR/usr/share/greet-big/blob\n' |
	greet_mkport "$t" greet-big ""
mkdir -p "$t/ports/greet-big/files" && cp "$t/blob" "$t/ports/greet-big/files/blob"

# keys: the builder's (trusted) and a rogue one
"$KRILL" keygen builder --dir "$t/k" >/dev/null && "$KRILL" keygen rogue --dir "$t/k" >/dev/null
mkdir -p "$t/trust" && cp "$t/k/builder.pub" "$t/trust/"

nginx_start nginx "$t/srv" || exit 1
URL=$NGINX_URL/cache

# checkout NAME: a copy of the ports at its own path
checkout() { mkdir -p "$t/$1" && cp -r "$t/ports" "$t/$1/ports"; }
# kmake CHECKOUT CACHE ARGS...: make ports from that checkout, own CACHE_DIR
kmake() {
	_co=$1 _c=$2
	shift 2
	make -C "$TOP" ARCH=host SAN="${SAN:-0}" PORTS_DIR="$t/$_co/ports" CACHE_DIR="$t/$_c" \
		ARCH_BUILD="$t/$_co/build" BUILDER_KEYS="$t/trust" "$@"
}
sums() { (cd "$t/$1/results" && find . -name '*.pkg.tar.zst' -exec sha256sum {} + | sort); }
key_of() { basename "$(dirname "$(find "$t/c1/results" -name "$1-1.0-r1.host.pkg.tar.zst")")"; }
srvstate() { (cd "$t/srv" && find . -type f | sort | xargs sha256sum) | sha256sum; }

# --- checkout a: builds everything and uploads
checkout a
KRILL_BUILDER_KEY=$t/k/builder.pem kmake a c1 ports REMOTE_CACHE="$URL" >"$t/a.out" 2>&1
rc=$?
check_cmd "first checkout builds the ports" test $rc -eq 0
[ $rc -eq 0 ] || tail -30 "$t/a.out"
check_cmd "each port built here and pushed" test "$(grep -c '\.\.\. ok .*pushed [0-9]* bytes$' "$t/a.out")" -eq 4
check_cmd "the server holds four entries, each with its marker" \
	test "$(find "$t/srv/cache" -name RESULT | wc -l)" -eq 4
kg=$(key_of greet)
check_cmd "an entry holds the result's files" sh -c "test -f '$t/srv/cache/$kg/greet-1.0-r1.host.pkg.tar.zst' && test -f '$t/srv/cache/$kg/done'"
check_cmd "its marker is signed by the builder key" grep -q "^key-id: " "$t/srv/cache/$kg/RESULT"
sums c1 >"$t/sums1"
check_cmd "packages exist" test "$(wc -l <"$t/sums1")" -ge 5

# --- checkout b, elsewhere, an empty cache, read-only: builds nothing
checkout b
before=$(srvstate)
kmake b c2 ports REMOTE_CACHE="$URL" KRILL_REMOTE_CACHE_PUSH=0 >"$t/b.out" 2>&1
check_cmd "second checkout succeeds" test $? -eq 0
check_cmd "every port cached (remote)" test "$(grep -c '\.\.\. cached (remote) .*, [0-9]* bytes fetched$' "$t/b.out")" -eq 4
check_cmd "nothing built in the second checkout" sh -c "! grep -q '\.\.\. ok ' '$t/b.out' && ! ls '$t/b/build/logs' 2>/dev/null | grep -q ."
big=$(grep '\] greet-big ' "$t/b.out" | sed 's/.*, \([0-9]*\) bytes fetched$/\1/')
check_cmd "bytes fetched counted (greet-big: ${big:-?} bytes)" test "${big:-0}" -gt 1500000
sums c2 >"$t/sums2"
check_cmd "byte-identical packages from the remote cache" cmp "$t/sums1" "$t/sums2"
check_cmd "KRILL_REMOTE_CACHE_PUSH=0: nothing written to the server" test "$before" = "$(srvstate)"
kmake b c2 ports REMOTE_CACHE="$URL" >"$t/b2.out" 2>&1
check_cmd "then a no-op" sh -c "! grep -q '^\[' '$t/b2.out'"

# refused NAME CACHE OUT WHAT: the port was refused with a message naming
# its key and WHAT, rebuilt here, and the others came from the cache
refused() {
	_k=$(key_of "$1")
	check_cmd "$4: refused, naming the key and the file" sh -c \
		"grep 'remote cache: .*refused' '$t/$3' | grep -q '$_k' && grep 'remote cache: .*refused' '$t/$3' | grep -q '$5'"
	check_cmd "$4: built locally" grep -q "\] $1 1.0 host \.\.\. ok " "$t/$3"
	check_cmd "$4: the other ports from the cache" test "$(grep -c 'cached (remote)' "$t/$3")" -eq 3
	sums "$2" >"$t/sums.$2"
	check_cmd "$4: the right bytes" cmp "$t/sums1" "$t/sums.$2"
}
entry=$t/srv/cache/$kg
pkg=greet-1.0-r1.host.pkg.tar.zst
cp -a "$entry" "$t/good-entry"
restore() { rm -rf "$entry" && cp -a "$t/good-entry" "$entry"; }

# --- a tampered package: valid layout, same size, other bytes
python3 - "$entry/$pkg" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0xFF
open(p, "wb").write(b)
PY
checkout c
KRILL_REMOTE_CACHE_PUSH=0 kmake c c3 index REMOTE_CACHE="$URL" OUT="$t/out3" KEY="$t/k/local.pem" >"$t/c.out" 2>&1
check_cmd "tampered: make index succeeds" test $? -eq 0
refused greet c3 c.out tampered "$pkg: sha256 mismatch"
(cd "$t/out3/host/repo" && sha256sum *.pkg.tar.zst | sort -k2) >"$t/repo3"
(cd "$t/c1/results" && for f in */*.pkg.tar.zst; do sha256sum "$f" | sed 's| [^ ]*/| |'; done | sort -k2) >"$t/want3"
check_cmd "tampered: the repository holds only the right bytes" cmp "$t/want3" "$t/repo3"
check_cmd "tampered: the repository verifies" "$KRILL" verify "$t/out3/host/repo" --keys "$t/k"
restore

# --- an entry signed by an unknown key: wrong bytes, consistent manifest
# resign DIR KEY: replace DIR/RESULT's envelope with one by KEY over the
# manifest (recomputing the digest of every file first)
resign() {
	(cd "$1" && {
		printf 'format: krill-result-1\nkey: %s\n' "$(basename "$1")"
		for f in $(ls | grep -v '^RESULT$' | LC_ALL=C sort); do
			printf 'file: %s\nsize: %s\nsha256: %s\n' "$f" "$(stat -c %s "$f")" "$(sha256sum "$f" | cut -c1-64)"
		done
	} >"$t/manifest")
	openssl pkeyutl -sign -inkey "$2" -rawin -in "$t/manifest" -out "$t/sig.bin" &&
		id=$(openssl pkey -in "$2" -pubout -outform DER | tail -c 32 | sha256sum | cut -c1-16) &&
		{ cat "$t/manifest"; printf 'format: krill-signature-1\nalgorithm: ed25519\nkey-id: %s\nsignature: %s\n' \
			"$id" "$(base64 -w0 "$t/sig.bin")"; } >"$1/RESULT"
}
printf 'poisoned' >>"$entry/$pkg"
resign "$entry" "$t/k/rogue.pem"
rogue_id=$(openssl pkey -in "$t/k/rogue.pem" -pubout -outform DER | tail -c 32 | sha256sum | cut -c1-16)
checkout d
KRILL_REMOTE_CACHE_PUSH=0 kmake d c4 ports REMOTE_CACHE="$URL" >"$t/d.out" 2>&1
check_cmd "unknown key: make succeeds" test $? -eq 0
refused greet c4 d.out "unknown key" "signed by key $rogue_id, which is not among the trusted keys"
# the same entry re-signed by the trusted key is accepted: the test above
# failed for the key alone
restore
resign "$entry" "$t/k/builder.pem"
check_cmd "control: the resign helper makes entries the client accepts" \
	"$KRILL" build --arch host --key "$kg" --out "$t/ctl/$kg" --cache "$t/ctl" --remote-cache "$URL" \
	--builder-keys "$t/trust" --no-push "$t/a/ports/greet"
restore

# --- an edited manifest (another digest) under the old signature
python3 - "$entry/RESULT" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
i = s.index("sha256: ") + 8
s = s[:i] + ("1" if s[i] == "0" else "0") + s[i + 1:]
open(p, "w").write(s)
PY
KRILL_REMOTE_CACHE_PUSH=0 kmake d c5 ports REMOTE_CACHE="$URL" >"$t/e.out" 2>&1
check_cmd "edited manifest: make succeeds" test $? -eq 0
refused greet c5 e.out "edited manifest" "bad signature"
restore

# --- a truncated upload: the package cut short, the marker as it was; an
# honest builder (push on) replaces the refused entry
head -c 1000 "$t/good-entry/$pkg" >"$entry/$pkg"
KRILL_BUILDER_KEY=$t/k/builder.pem kmake d c6 ports REMOTE_CACHE="$URL" >"$t/f.out" 2>&1
check_cmd "truncated: make succeeds" test $? -eq 0
refused greet c6 f.out truncated "$pkg"
check_cmd "truncated: the entry was replaced by the local build" cmp "$t/good-entry/$pkg" "$entry/$pkg"
# an upload that died before its marker is no entry at all: built, not refused
rm "$entry/RESULT"
KRILL_REMOTE_CACHE_PUSH=0 kmake d c7 ports REMOTE_CACHE="$URL" >"$t/g.out" 2>&1
check_cmd "no marker: a miss, built locally, nothing refused" sh -c \
	"grep -q '\] greet 1.0 host \.\.\. ok ' '$t/g.out' && ! grep -q refused '$t/g.out'"
restore

# --- the server dies mid-download
nginx_start slow "$t/srv" "limit_rate 100k;" || exit 1
kb=$(key_of greet-big)
KRILL_REMOTE_CACHE_PUSH=0 kmake d c8 ports REMOTE_CACHE="$NGINX_URL/cache" JOBS=1 >"$t/h.out" 2>&1 &
mk=$!
i=0 seen=
while [ $i -lt 300 ]; do
	part=$(find "$t/c8/results" -path "*/$kb.tmp.*/*.part" -size +100k 2>/dev/null | head -1)
	[ -n "$part" ] && { seen=$part; break; }
	i=$((i + 1))
	sleep 0.1
done
check_cmd "mid-download: caught greet-big's download in a temp dir" test -n "$seen"
check_cmd "mid-download: nothing at the result's name meanwhile" test ! -e "$t/c8/results/$kb"
kill -9 "$NGINX_PID"
wait "$mk"
check_cmd "mid-download: make succeeds (built locally)" test $? -eq 0
check_cmd "mid-download: the failed transfer is named" sh -c "grep 'remote cache: ' '$t/h.out' | grep -q 'greet-big-1.0-r1.host.pkg.tar.zst'"
check_cmd "mid-download: no temp dir or .part left in the cache" sh -c "! find '$t/c8/results' -name '*.tmp.*' -o -name '*.part' | grep -q ."
check_cmd "mid-download: every result has its stamp" sh -c "for d in '$t'/c8/results/*/; do test -f \"\$d/done\" || exit 1; done"
sums c8 >"$t/sums8"
check_cmd "mid-download: the right bytes" cmp "$t/sums1" "$t/sums8"

# --- file:// (a shared filesystem) as the cache, and its layout
KRILL_BUILDER_KEY=$t/k/builder.pem kmake a c1 ports REMOTE_CACHE="file://$t/shared" >/dev/null 2>&1
check_cmd "file://: nothing to push when every result is local" test ! -e "$t/shared"
KRILL_BUILDER_KEY=$t/k/builder.pem kmake a c9 ports REMOTE_CACHE="file://$t/shared" >"$t/i.out" 2>&1
check_cmd "file://: pushed four entries" test "$(find "$t/shared" -name RESULT | wc -l)" -eq 4
check_cmd "file://: no temp names left" sh -c "! find '$t/shared' -name '*.tmp.*' | grep -q ."
kmake b c10 ports REMOTE_CACHE="file://$t/shared" KRILL_REMOTE_CACHE_PUSH=0 >"$t/j.out" 2>&1
check_cmd "file://: every port cached (remote)" test "$(grep -c 'cached (remote)' "$t/j.out")" -eq 4
sums c10 >"$t/sums10"
check_cmd "file://: the right bytes" cmp "$t/sums1" "$t/sums10"
# no trusted key at all: nothing is fetched
mkdir -p "$t/notrust"
KRILL_REMOTE_CACHE_PUSH=0 kmake b c11 greet-data REMOTE_CACHE="file://$t/shared" BUILDER_KEYS="$t/notrust" >"$t/k.out" 2>&1
check_cmd "no trusted builder keys: refused, built locally" sh -c \
	"grep -q 'no trusted keys' '$t/k.out' && grep -q '\] greet-data 1.0 host \.\.\. ok ' '$t/k.out'"

nginx_stop_all
finish
