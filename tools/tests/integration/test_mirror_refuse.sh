#!/bin/sh
# krill mirror sync over HTTP (a server on 127.0.0.1): each attack is refused
# and DST keeps serving its last good, verifiable repository.
set -u
: "${KRILL:?}" "${TOP:?}"
T=$(mktemp -d)
SERVER_PID=
trap 'unserve; rm -rf "$T"' EXIT
. "$TOP/tools/tests/integration/repo_lib.sh"
FAILED=0
setup_src || { echo "FAIL mirror_setup: $(cat "$T/out" 2>/dev/null)"; exit 1; }
serve "$T/src" || exit 1

if sync && dst_ok && grep -q 'now at version 1 (was 0): 2 packages, 2 fetched' "$T/out"; then
	ok mirror_first_sync; else bad mirror_first_sync "$(cat "$T/out" "$T/vout")"; fi
if sync && grep -q 'already at version 1 (was 1): 2 packages, 0 fetched, 2 already here' "$T/out"; then
	ok mirror_nothing_new; else bad mirror_nothing_new "$(cat "$T/out")"; fi
mkpkg "$T/src" c 1.0-r1
sign_src
if sync && dst_ok && grep -q 'now at version 2 (was 1): 3 packages, 1 fetched, 2 already here' "$T/out"; then
	ok mirror_fetches_only_new; else bad mirror_fetches_only_new "$(cat "$T/out" "$T/vout")"; fi
cp -L "$T/src/INDEX" "$T/v2.INDEX" && cp -L "$T/src/INDEX.sig" "$T/v2.sig" &&
	cp -L "$T/src/INDEX.zst" "$T/v2.zst" && cp -L "$T/src/timestamp" "$T/v2.ts"
STATE=$(dst_state)

# a tampered package: same name, other bytes, index unchanged (v3 lists the old hash)
mkpkg "$T/src" d 1.0-r1
sign_src
cp "$T/src/d-1.0-r1.x86_64.pkg.tar.zst" "$T/d.good"
printf 'X' | dd of="$T/src/d-1.0-r1.x86_64.pkg.tar.zst" bs=1 seek=200 conv=notrunc 2>/dev/null
sync
refused mirror_tampered_package 'd-1.0-r1.x86_64.pkg.tar.zst: package refused: .*sha256 mismatch'
cp "$T/d.good" "$T/src/d-1.0-r1.x86_64.pkg.tar.zst"

# a tampered index: one byte changed, signature kept, in INDEX and in
# INDEX.zst (the file the mirror reads: the timestamp names its sha256)
cp -L "$T/src/INDEX" "$T/good.INDEX" && cp -L "$T/src/INDEX.zst" "$T/good.INDEX.zst"
sed 's/^summary: synthetic test package c/summary: synthetic test package C/' "$T/good.INDEX" >"$T/src/INDEX"
zstd -q -c "$T/src/INDEX" >"$T/src/INDEX.zst"
sync
refused mirror_tampered_index 'INDEX.zst: sha256 mismatch'
# INDEX alone tampered: the mirror serves the INDEX it checked (from INDEX.zst)
cat "$T/good.INDEX.zst" >"$T/src/INDEX.zst"
sync
if dst_ok && cmp -s "$T/good.INDEX" "$T/dst/INDEX"; then ok mirror_tampered_plain_index_not_served
else bad mirror_tampered_plain_index_not_served "$(cat "$T/out" "$T/vout")"; fi
STATE=$(dst_state)
# without a timestamp (an older repository) INDEX's signature refuses it
mv "$T/src/timestamp" "$T/timestamp.saved"
"$KRILL" mirror sync "$URL" "$T/dst.legacy" --keys "$T/keys" >"$T/out" 2>&1
if grep -q 'INDEX.sig: bad signature' "$T/out"; then ok mirror_tampered_index_legacy
else bad mirror_tampered_index_legacy "$(cat "$T/out")"; fi
mv "$T/timestamp.saved" "$T/src/timestamp"
cat "$T/good.INDEX" >"$T/src/INDEX"

# signed with a key DST does not trust
"$KRILL" index "$T/src" --key "$T/k/other.pem" >/dev/null 2>&1
sync
refused mirror_wrong_key 'not among the trusted keys'

# expired (a freeze attack replays an old index until it expires)
sign_src --expires-at 2021-06-01T00:00:00Z
sync
refused mirror_expired 'expired at 2021-06-01T00:00:00Z'

# now a good v6 goes through ...
sign_src
if sync && dst_ok && grep -q 'now at version 6 (was 3)' "$T/out"; then
	ok mirror_good_after_refusals; else bad mirror_good_after_refusals "$(cat "$T/out" "$T/vout")"; fi
STATE=$(dst_state)
# ... and the old, validly signed v2 is a rollback
cp -L "$T/src/timestamp" "$T/v6.ts"
# (INDEX and INDEX.sig alone: the mirror reads the index from INDEX.zst,
# which the current timestamp names, so v2's signature does not match it)
cat "$T/v2.INDEX" >"$T/src/INDEX" && cat "$T/v2.sig" >"$T/src/INDEX.sig"
sync
refused mirror_rollback 'INDEX.sig: bad signature'
# the same with v2's timestamp and INDEX.zst: the timestamp's version is
# checked first, before any index file is fetched
cat "$T/v2.zst" >"$T/src/INDEX.zst" && cat "$T/v2.ts" >"$T/src/timestamp"
sync
refused mirror_rollback_timestamp 'timestamp rollback refused: offers timestamp version 2, .* already has 6'
cat "$T/v6.ts" >"$T/src/timestamp"
# the same version with other content is refused too
mkpkg "$T/src" e 1.0-r1
sign_src --version 6
sync
refused mirror_same_version_other_content 'index version 6 differs'

# a package larger than listed: the server appends junk
mkpkg "$T/src" f 1.0-r1
sign_src --version 7
unserve
serve "$T/src" oversize || exit 1
sync
refused mirror_package_larger_than_listed 'larger than the [0-9]* bytes allowed'
unserve
exit $FAILED
