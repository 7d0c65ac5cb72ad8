#!/bin/sh
# The cheap index (tools/doc/repo.md "timestamp"): against a real nginx on
# 127.0.0.1, `krill update` of an unchanged repository fetches only the
# timestamp (a 304 where the ETag matches), a changed one the timestamp,
# a zstd delta and INDEX.sig; every attack on the new files is refused by
# the client and by `krill mirror sync`, which carries them (and each
# package's provenance). Bytes are nginx's $bytes_sent: headers and body.
set -u
: "${KRILL:?}" "${TOP:?}"
T=$(mktemp -d)
SERVER_PID= NGINX_PID=
trap 'unserve; unserve_nginx; rm -rf "$T"' EXIT
. "$TOP/tools/tests/integration/repo_lib.sh"
FAILED=0
setup_src || { echo "FAIL tuf_setup"; exit 1; }
serve_nginx "$T/www.d" || exit 1

# provenance for each package of $T/src (an in-toto statement naming it)
provenance() {
	for f in "$T"/src/*.pkg.tar.zst; do
		b=${f##*/}
		printf '{"_type": "https://in-toto.io/Statement/v1", "subject": [{"name": "%s", "digest": {"sha256": "%s"}}]}\n' \
			"$b" "$(sha "$f")" >"${f%.pkg.tar.zst}.provenance.json"
	done
}
# publish: what nginx serves ($T/www.d -> a plain copy of $T/src)
publish() {
	rm -rf "$T/www.new" && mkdir "$T/www.new" &&
		cp -L "$T"/src/INDEX* "$T"/src/*.pkg.tar.zst "$T/www.new/" &&
		{ [ ! -e "$T/src/timestamp" ] || { cp -L "$T/src/timestamp" "$T/www.new/" &&
			replayed "$T/www.new/timestamp"; }; } &&
		for p in "$T"/src/*.provenance.json; do [ -e "$p" ] && cp "$p" "$T/www.new/"; done
	rm -rf "$T/www.d" && mv "$T/www.new" "$T/www.d"
}
W=$T/www.d
upd() { "$KRILL" update --root "$1" --repo "$URL" --keys "$T/keys" >"$T/out" 2>&1; }
add() { r=$1; shift; "$KRILL" add --root "$r" --repo "$URL" --keys "$T/keys" "$@" >"$T/out" 2>&1; }
# got URI STATUS: the requests since the mark include that one
# nginx logs a request once it has finished it, which can be after the
# client has exited: wait (up to 2 s) for the line, then for the count
got() {
	_i=0
	until log_since | grep -q "^$1 $2 "; do
		[ $_i -lt 40 ] || return 1
		_i=$((_i + 1))
		sleep 0.05
	done
}
only() {
	_i=0
	while [ "$(log_since | wc -l)" -lt "$1" ] && [ $_i -lt 40 ]; do
		_i=$((_i + 1))
		sleep 0.05
	done
	sleep 0.05 # and no more than that
	[ "$(log_since | wc -l)" -eq "$1" ]
}
refuse() { # NAME PATTERN: the last client command failed saying PATTERN
	if [ "$3" -ne 0 ] && grep -q "$2" "$T/out"; then ok "$1"; else bad "$1" "rc $3: $(head -3 "$T/out")"; fi
}
# nginx's ETag is mtime-size: a file replaced within the same second by
# one of the same size would look unchanged (a 304), so a replayed file
# gets an mtime of its own
REPLAYED=0
replayed() { REPLAYED=$((REPLAYED + 1)); touch -d "@$((1700000000 + REPLAYED))" "$1"; }
provenance
publish

# krill verify checks the timestamp against INDEX and INDEX.zst
if "$KRILL" verify "$T/src" --keys "$T/keys" 2>&1 | grep -q 'OK: .*timestamp checked'; then
	ok verify_checks_timestamp; else bad verify_checks_timestamp "$("$KRILL" verify "$T/src" --keys "$T/keys" 2>&1)"; fi
mkdir "$T/vcopy" && cp -L "$T"/src/INDEX* "$T"/src/timestamp "$T"/src/*.pkg.tar.zst "$T/vcopy/" &&
	printf 'x' >>"$T/vcopy/INDEX.zst"
if ! "$KRILL" verify "$T/vcopy" --keys "$T/keys" >"$T/out" 2>&1 &&
	grep -q 'INDEX.zst: [0-9]* bytes, the timestamp lists' "$T/out"; then
	ok verify_refuses_index_zst_mismatch; else bad verify_refuses_index_zst_mismatch "$(cat "$T/out")"; fi

R=$T/r1
log_mark
if add "$R" a && got /timestamp 200 && got /INDEX.zst 200 && got /INDEX.sig 200 &&
	! log_since | grep -q '^/INDEX '; then
	ok cold_fetches_timestamp_and_index_zst; else bad cold_fetches_timestamp_and_index_zst "$(cat "$T/out"; log_since)"; fi

log_mark
if upd "$R" && only 1 && got /timestamp 304 && [ "$(log_bytes)" -le 1024 ]; then
	ok unchanged_fetches_only_timestamp_304; else bad unchanged_fetches_only_timestamp_304 "$(cat "$T/out"; log_since)"; fi
echo "  unchanged (304): $(log_bytes) bytes"
C=$R/var/cache/krill/main/x86_64
rm -f "$C/timestamp.http"
log_mark
if upd "$R" && only 1 && got /timestamp 200 && [ "$(log_bytes)" -le 1024 ]; then
	ok unchanged_unconditional_timestamp_only; else bad unchanged_unconditional_timestamp_only "$(cat "$T/out"; log_since)"; fi
echo "  unchanged (no ETag kept): $(log_bytes) bytes"

mkpkg "$T/src" c 1.0-r1
sign_src && provenance && publish
log_mark
if upd "$R" && got /timestamp 200 && log_since | grep -q '^/INDEX.from-[0-9a-f]*.zst 200' &&
	got /INDEX.sig 200 && ! got /INDEX.zst 200 && only 3 && cmp -s "$C/INDEX" "$T/src/INDEX"; then
	ok changed_fetches_delta; else bad changed_fetches_delta "$(cat "$T/out"; log_since)"; fi
echo "  changed (delta): $(log_bytes) bytes"
add "$R" c && ok changed_add_installs || bad changed_add_installs "$(cat "$T/out")"

# the cache is hostile too: a tampered cached timestamp after a 304, a
# tampered cached index; each is fetched again and the update succeeds
sed -i 's/^index-size: /index-size: 1/' "$C/timestamp"
log_mark
if upd "$R" && got /timestamp 304 && got /timestamp 200; then
	ok cached_timestamp_checked_after_304; else bad cached_timestamp_checked_after_304 "$(cat "$T/out"; log_since)"; fi
printf 'x' >>"$C/INDEX"
log_mark
if upd "$R" && got /INDEX.zst 200 && cmp -s "$C/INDEX" "$T/src/INDEX"; then
	ok cached_index_checked; else bad cached_index_checked "$(cat "$T/out"; log_since)"; fi

# attacks on the timestamp
cp "$W/timestamp" "$T/ts.good"
sed -i 's/^index-version: \([0-9]*\)/index-version: 9\1/' "$W/timestamp"
upd "$R"; refuse timestamp_tampered_refused 'bad signature' $?
cp "$T/ts.good" "$W/timestamp"
"$KRILL" index "$T/src" --key "$T/k/main.pem" --timestamp-only >/dev/null && publish
upd "$R" || bad timestamp_resigned_accepted "$(cat "$T/out")"
cp "$T/ts.good" "$W/timestamp" && replayed "$W/timestamp"
upd "$R"; refuse timestamp_rollback_refused 'timestamp version .* older than version .* (a rollback)' $?
"$KRILL" index "$T/src" --key "$T/k/main.pem" --timestamp-only \
	--timestamp-expires-at 2020-01-01T00:00:00Z >/dev/null && publish && replayed "$W/timestamp"
upd "$R"; refuse timestamp_expired_refused 'timestamp expired at 2020-01-01T00:00:00Z' $?
"$KRILL" index "$T/src" --key "$T/k/main.pem" --timestamp-only >/dev/null && publish
upd "$R" || bad timestamp_fresh_again "$(cat "$T/out")"

# the timestamp names other bytes than the index files served
cp "$W/INDEX.zst" "$T/zst.v2"
mkpkg "$T/src" d 1.0-r1
sign_src && provenance && publish
cp "$T/zst.v2" "$W/INDEX.zst"
add "$T/r2" a; refuse index_zst_digest_mismatch_refused 'sha256 mismatch' $?
for d in "$W"/INDEX.from-*.zst; do cp "$T/zst.v2" "$d"; done
upd "$R"; refuse delta_digest_mismatch_refused 'refused' $?
publish
head -c 300M /dev/zero | zstd -q -19 >"$W/INDEX.zst"
add "$T/r2" a; refuse zstd_bomb_refused 'larger than the [0-9]* bytes allowed' $?
publish
head -c $(($(wc -c <"$W/INDEX.zst") / 2)) "$T/src/INDEX.zst" >"$W/INDEX.zst"
add "$T/r2" a; refuse truncated_index_zst_refused 'sha256 mismatch' $?
publish
add "$T/r2" a && ok good_again || bad good_again "$(cat "$T/out")"

# an older repository (no timestamp): served as before to a new client,
# refused to one that accepted a timestamp from it (a downgrade)
rm -f "$W/timestamp" "$W"/INDEX.zst "$W"/INDEX.from-*
log_mark
if add "$T/r3" a && got /timestamp 404 && got /INDEX 200; then
	ok legacy_repository_served; else bad legacy_repository_served "$(cat "$T/out"; log_since)"; fi
upd "$R"; refuse timestamp_downgrade_refused 'a downgrade to the index alone' $?
publish

# a 304 nobody asked for (a fresh root sends no condition) is no file
NGURL=$URL
serve "$W" notmodified || exit 1
"$KRILL" add --root "$T/r5" --repo "$URL" --keys "$T/keys" a >"$T/out" 2>&1
refuse unsolicited_304_refused 'HTTP 304 (not modified) to an unconditional request' $?
unserve
URL=$NGURL

# ---- the mirror ----
STATE=
msync() { "$KRILL" mirror sync "$URL" "$T/dst" --keys "$T/keys" >"$T/out" 2>&1; }
if msync && dst_ok && for f in timestamp INDEX.zst INDEX.sig INDEX; do cmp -s "$W/$f" "$T/dst/$f" || exit 1; done &&
	for p in "$W"/*.provenance.json; do cmp -s "$p" "$T/dst/${p##*/}" || exit 1; done &&
	ls "$T/dst" | grep -q '^INDEX.from-'; then
	ok mirror_carries_timestamp_zst_delta_provenance; else bad mirror_carries_timestamp_zst_delta_provenance "$(cat "$T/out" "$T/vout" 2>/dev/null; ls "$T/dst")"; fi
"$KRILL" add --root "$T/r4" --repo "$T/dst" --keys "$T/keys" d >"$T/out" 2>&1 &&
	ok client_from_mirror || bad client_from_mirror "$(cat "$T/out")"
STATE=$(dst_state)
cp "$W/timestamp" "$T/ts.m"
sed -i 's/^index-version: \([0-9]*\)/index-version: 9\1/' "$W/timestamp"
msync; refused mirror_timestamp_tampered 'bad signature'
"$KRILL" index "$T/src" --key "$T/k/main.pem" --timestamp-only >/dev/null && publish
msync && dst_ok || bad mirror_timestamp_resigned "$(cat "$T/out")"
STATE=$(dst_state)
cp "$T/ts.m" "$W/timestamp" && replayed "$W/timestamp"
msync; refused mirror_timestamp_rollback 'timestamp rollback refused'
"$KRILL" index "$T/src" --key "$T/k/main.pem" --timestamp-only \
	--timestamp-expires-at 2020-01-01T00:00:00Z >/dev/null && publish
msync; refused mirror_timestamp_expired 'timestamp expired'
mkpkg "$T/src" e 1.0-r1
sign_src && provenance && publish
cp "$T/zst.v2" "$W/INDEX.zst"
msync; refused mirror_index_zst_digest_mismatch 'sha256 mismatch'
head -c 300M /dev/zero | zstd -q -19 >"$W/INDEX.zst"
msync; refused mirror_zstd_bomb 'larger than the [0-9]* bytes allowed'
publish
head -c $(($(wc -c <"$W/INDEX.zst") / 2)) "$T/src/INDEX.zst" >"$W/INDEX.zst"
msync; refused mirror_truncated_index_zst 'sha256 mismatch'
publish
sed -i 's/"digest": {"sha256": "./"digest": {"sha256": "0/' "$W/e-1.0-r1.x86_64.provenance.json"
msync; refused mirror_provenance_tampered 'provenance refused'
publish
rm -f "$W/timestamp"
msync; refused mirror_timestamp_downgrade 'a downgrade to the index alone'
publish
if msync && dst_ok && cmp -s "$W/timestamp" "$T/dst/timestamp" && [ -e "$T/dst/e-1.0-r1.x86_64.provenance.json" ]; then
	ok mirror_good_again; else bad mirror_good_again "$(cat "$T/out" "$T/vout" 2>/dev/null)"; fi
exit $FAILED
