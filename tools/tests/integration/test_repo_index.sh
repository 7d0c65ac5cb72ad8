#!/bin/sh
# krill keygen / index / verify on a repository of synthetic packages.
set -u
: "${KRILL:?}" "${TOP:?}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$TOP/tools/tests/integration/repo_lib.sh"
FAILED=0
R=$T/repo
mkdir -p "$R" "$T/keys" "$T/other"

# keygen
if "$KRILL" keygen main --dir "$T/k" >"$T/out" 2>&1 && [ "$(stat -c %a "$T/k/main.pem")" = 600 ] &&
	grep -q 'key id [0-9a-f]\{16\}' "$T/out"; then ok keygen_pair_0600; else bad keygen_pair_0600 "$(cat "$T/out")"; fi
before=$(sha "$T/k/main.pem")
if ! "$KRILL" keygen main --dir "$T/k" >"$T/out" 2>&1 && grep -q 'refusing to overwrite' "$T/out" &&
	[ "$(sha "$T/k/main.pem")" = "$before" ]; then ok keygen_refuses_overwrite; else bad keygen_refuses_overwrite "$(cat "$T/out")"; fi
cp "$T/k/main.pub" "$T/keys/"
"$KRILL" keygen other --dir "$T/k" >/dev/null && cp "$T/k/other.pub" "$T/other/"

mkpkg "$R" alpha 1.0-r1
mkpkg "$R" beta 2.1-r3
mkpkg "$R" beta 2.10-r1
if "$KRILL" index "$R" --key "$T/k/main.pem" >"$T/out" 2>&1 && "$KRILL" verify "$R" --keys "$T/keys" >>"$T/out" 2>&1 &&
	grep -q '^version: 1$' "$R/INDEX" && grep -q 'OK: main version 1, 3 packages' "$T/out"; then
	ok index_then_verify
else bad index_then_verify "$(cat "$T/out")"; fi
# version order, not string order: 2.1 before 2.10
if [ "$(grep '^version: 2' "$R/INDEX" | tr '\n' ' ')" = "version: 2.1-r3 version: 2.10-r1 " ]; then
	ok index_sorted_by_version; else bad index_sorted_by_version "$(grep '^version' "$R/INDEX")"; fi

"$KRILL" index "$R" --key "$T/k/main.pem" >/dev/null 2>&1
if grep -q '^version: 2$' "$R/INDEX" && "$KRILL" verify "$R" --keys "$T/keys" >/dev/null 2>&1; then
	ok version_increments; else bad version_increments "$(head -5 "$R/INDEX")"; fi
if ! "$KRILL" index "$R" --key "$T/k/main.pem" --version 2 >"$T/out" 2>&1 && grep -q 'not greater' "$T/out" &&
	grep -q '^version: 2$' "$R/INDEX"; then ok version_must_grow; else bad version_must_grow "$(cat "$T/out")"; fi

# reproducible: same inputs, same bytes, in two different directories
for d in r1 r2; do
	mkdir -p "$T/$d" && cp "$R"/*.pkg.tar.zst "$T/$d/"
	"$KRILL" index "$T/$d" --key "$T/k/main.pem" --expires-at 2030-01-01T00:00:00Z --version 5 >/dev/null 2>&1
done
if cmp -s "$T/r1/INDEX" "$T/r2/INDEX" && cmp -s "$T/r1/INDEX.sig" "$T/r2/INDEX.sig"; then
	ok index_reproducible; else bad index_reproducible "INDEX or INDEX.sig differ"; fi

# a first index killed before its switch leaves dangling links: rerun works
mkdir -p "$T/dl" && cp "$R/alpha-1.0-r1.x86_64.pkg.tar.zst" "$T/dl/"
ln -s .krill/current/INDEX "$T/dl/INDEX"
if "$KRILL" index "$T/dl" --key "$T/k/main.pem" >"$T/out" 2>&1 && "$KRILL" verify "$T/dl" --keys "$T/keys" >>"$T/out" 2>&1; then
	ok index_after_interrupted_first_run; else bad index_after_interrupted_first_run "$(cat "$T/out")"; fi

# a tampered package (same size, one byte changed)
cp -r "$R" "$T/tp"
f=$T/tp/alpha-1.0-r1.x86_64.pkg.tar.zst
printf 'X' | dd of="$f" bs=1 seek=100 conv=notrunc 2>/dev/null
if ! "$KRILL" verify "$T/tp" --keys "$T/keys" >"$T/out" 2>&1 && grep -q "alpha-1.0-r1.x86_64.pkg.tar.zst: sha256 .*, the index lists" "$T/out"; then
	ok verify_tampered_package; else bad verify_tampered_package "$(cat "$T/out")"; fi
rm "$T/tp/beta-2.1-r3.x86_64.pkg.tar.zst"
echo more >>"$T/tp/beta-2.10-r1.x86_64.pkg.tar.zst"
if ! "$KRILL" verify "$T/tp" --keys "$T/keys" >"$T/out" 2>&1 && grep -q 'beta-2.1-r3.x86_64.pkg.tar.zst: missing' "$T/out" &&
	grep -q 'beta-2.10-r1.x86_64.pkg.tar.zst: size' "$T/out" && grep -q '3 problem' "$T/out"; then
	ok verify_reports_every_failure; else bad verify_reports_every_failure "$(cat "$T/out")"; fi

# a tampered index (one changed byte through the INDEX link)
cp -r "$R" "$T/ti"
sed 's/^summary: synthetic test package alpha/summary: synthetic test package alphb/' "$T/ti/INDEX" >"$T/x" && cat "$T/x" >"$T/ti/INDEX"
if ! "$KRILL" verify "$T/ti" --keys "$T/keys" >"$T/out" 2>&1 && grep -q 'INDEX.sig: bad signature' "$T/out"; then
	ok verify_tampered_index; else bad verify_tampered_index "$(cat "$T/out")"; fi
if ! "$KRILL" verify "$R" --keys "$T/other" >"$T/out" 2>&1 && grep -q 'not among the trusted keys' "$T/out"; then
	ok verify_wrong_key; else bad verify_wrong_key "$(cat "$T/out")"; fi

# expired
cp -r "$R" "$T/ex"
"$KRILL" index "$T/ex" --key "$T/k/main.pem" --expires-at 2020-01-01T00:00:00Z >/dev/null 2>&1
if ! "$KRILL" verify "$T/ex" --keys "$T/keys" >"$T/out" 2>&1 && grep -q 'expired at 2020-01-01T00:00:00Z' "$T/out"; then
	ok verify_expired; else bad verify_expired "$(cat "$T/out")"; fi

# bad packages stop the index and leave the old one in place
before=$(sha "$R/INDEX")
cp "$R/alpha-1.0-r1.x86_64.pkg.tar.zst" "$R/alpha-9-r1.x86_64.pkg.tar.zst"
if ! "$KRILL" index "$R" --key "$T/k/main.pem" >"$T/out" 2>&1 && grep -q 'file name must be alpha-1.0-r1.x86_64.pkg.tar.zst' "$T/out" &&
	[ "$(sha "$R/INDEX")" = "$before" ]; then ok index_refuses_misnamed; else bad index_refuses_misnamed "$(cat "$T/out")"; fi
rm "$R/alpha-9-r1.x86_64.pkg.tar.zst"
echo junk >"$R/junk-1-r1.x86_64.pkg.tar.zst"
if ! "$KRILL" index "$R" --key "$T/k/main.pem" >"$T/out" 2>&1 && grep -q 'junk-1-r1.x86_64.pkg.tar.zst' "$T/out" &&
	[ "$(sha "$R/INDEX")" = "$before" ]; then ok index_refuses_garbage; else bad index_refuses_garbage "$(cat "$T/out")"; fi
rm "$R/junk-1-r1.x86_64.pkg.tar.zst"
chmod 644 "$T/k/main.pem"
if ! "$KRILL" index "$R" --key "$T/k/main.pem" >"$T/out" 2>&1 && grep -q 'expected mode 0600' "$T/out"; then
	ok index_refuses_open_key; else bad index_refuses_open_key "$(cat "$T/out")"; fi
chmod 600 "$T/k/main.pem"
exit $FAILED
