#!/bin/sh
# krill mirror sync from a directory and a file:// URL: retention of dropped
# packages for the grace period, then pruning; other repositories refused.
set -u
: "${KRILL:?}" "${TOP:?}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$TOP/tools/tests/integration/repo_lib.sh"
FAILED=0
setup_src || { echo "FAIL mirror_setup"; exit 1; }

# as if a first sync had been killed just before its switch: links dangle
mkdir -p "$T/dst/.krill/snap/v1-x.tmp"
ln -s .krill/current/INDEX "$T/dst/INDEX"
ln -s .krill/current/INDEX.sig "$T/dst/INDEX.sig"
if sync "$T/src" && dst_ok && [ -L "$T/dst/a-1.0-r1.x86_64.pkg.tar.zst" ] && [ ! -e "$T/dst/.krill/snap/v1-x.tmp" ]; then
	ok mirror_from_path
else bad mirror_from_path "$(cat "$T/out" "$T/vout")"; fi
rm "$T/src/a-1.0-r1.x86_64.pkg.tar.zst"
sign_src
if sync "file://$T/src" && dst_ok && grep -q '1 retained' "$T/out" && [ -f "$T/dst/a-1.0-r1.x86_64.pkg.tar.zst" ] &&
	! grep -q '^name: a$' "$T/dst/INDEX"; then ok mirror_keeps_dropped_for_grace
else bad mirror_keeps_dropped_for_grace "$(cat "$T/out" "$T/vout")"; fi
if "$KRILL" mirror sync "$T/src" "$T/dst" --keys "$T/keys" --grace 0 >"$T/out" 2>&1 && dst_ok &&
	grep -q '0 retained.*1 pruned' "$T/out" && [ ! -e "$T/dst/a-1.0-r1.x86_64.pkg.tar.zst" ] &&
	[ "$(ls "$T/dst/.krill/pool" | wc -l)" = 1 ] && [ "$(ls "$T/dst/.krill/snap" | wc -l)" = 1 ]; then
	ok mirror_prunes_after_grace
else bad mirror_prunes_after_grace "$(cat "$T/out"; ls -la "$T/dst" "$T/dst/.krill/pool")"; fi

STATE=$(dst_state)
mkdir "$T/other"
mkpkg "$T/other" z 1-r1
"$KRILL" index "$T/other" --key "$T/k/main.pem" --name other --version 99 >/dev/null 2>&1
sync "$T/other"
refused mirror_other_repository 'offers repository other/x86_64 but .* mirrors main/x86_64'

# a file in DST that krill does not manage is never replaced
mkpkg "$T/src" y 1-r1
sign_src
echo mine >"$T/dst/y-1-r1.x86_64.pkg.tar.zst"
STATE=$(dst_state)
sync "$T/src"
refused mirror_keeps_foreign_file 'not a link managed by krill'
[ "$(cat "$T/dst/y-1-r1.x86_64.pkg.tar.zst")" = mine ] || bad mirror_keeps_foreign_file "file changed"
exit $FAILED
