# test_client_add.sh - krill add/del/info/list/update against a local signed
# repository: dependencies, conffiles, conflicts, tampering, expiry, rollback,
# http, usage errors.
. "$TOP/tools/tests/integration/client_lib.sh"

pkg base 1.0-r0 d:usr d:usr/lib f:usr/lib/base.txt=base
pkg libfoo 1.0-r0 --depend base --provide so:libfoo.so.1 d:usr d:usr/lib f:usr/lib/libfoo.so.1=foo1
pkg libfoo 1.1-r0 --depend base --provide so:libfoo.so.1 d:usr d:usr/lib f:usr/lib/libfoo.so.1=foo11
pkg app 2.0-r0 --depend so:libfoo.so.1 --depend 'base>=1.0' --conffile etc/app.conf \
	d:etc f:etc/app.conf=defaults d:usr d:usr/bin f:usr/bin/app=app2 l:usr/bin/app-link=app
pkg broken 1.0-r0 --depend app --depend nothere f:usr/share/broken=x
pkg clash 1.0-r0 d:usr d:usr/bin f:usr/bin/app=clash f:usr/bin/clash=x
index

R=$T/root
newroot "$R"
check_cmd add_with_deps "$KRILL" add --root "$R" app
check_cmd add_newest_provider sh -c "[ \"\$(cat '$R/usr/lib/libfoo.so.1')\" = foo11 ]"
check_cmd add_all_files sh -c "[ -f '$R/usr/lib/base.txt' ] && [ -L '$R/usr/bin/app-link' ] && [ -f '$R/etc/app.conf' ]"
check_cmd list_installed sh -c "[ \"\$('$KRILL' list --root '$R' --installed | tr '\n' ' ')\" = 'app 2.0-r0 base 1.0-r0 libfoo 1.1-r0 ' ]"
check_cmd info_installed sh -c "'$KRILL' info --root '$R' app | grep -qx 'file: /usr/bin/app'"
check_cmd info_available sh -c "'$KRILL' info --root '$R' clash | grep -qx 'installed: no'"
check_cmd list_available sh -c "'$KRILL' list --root '$R' | grep -qx 'clash 1.0-r0'"
check_cmd update_prints_repo sh -c "'$KRILL' update --root '$R' | grep -q '^main 1 6 packages'"
check_cmd index_cached sh -c "ls '$R'/var/cache/krill/main/x86_64/INDEX '$R'/var/cache/krill/main/x86_64/INDEX.sig"
# a local repository's packages are read in place (into memory), never copied
check_cmd local_packages_not_copied sh -c "[ -z \"\$(find '$R/var/cache/krill' -name '*.pkg.tar.zst')\" ]"
check_cmd progress_lines sh -c "'$KRILL' add --root '$T/r2' --repo '$T/repo' --keys '$T/trust' --no-cache app | grep -qx '(3/3) Installing app 2.0-r0'"
check_cmd no_cache_leaves_none sh -c "[ -z \"\$(ls -A '$T/r2/var/cache/krill')\" ]"

expect_fail unsatisfiable_names_chain "broken: nothing provides nothere" \
	"$KRILL" add --root "$R" broken
"$KRILL" add >/dev/null 2>&1
check_cmd add_without_names_is_usage [ $? -eq 2 ]

# a file owned by app: refused, naming both, root unchanged (after an
# update, so the cached index and accepted version are already recorded)
"$KRILL" update --root "$R" >/dev/null
before=$(fingerprint "$R")
expect_fail conflict_refused "usr/bin/app: conflict: already installed by app, also in clash" \
	"$KRILL" add --root "$R" clash
check_cmd conflict_root_unchanged [ "$before" = "$(fingerprint "$R")" ]

# del: a modified conffile stays, everything else of the package goes
echo mine >"$R/etc/app.conf"
expect_fail del_needed_refused "cannot remove base: libfoo depends on it (base)" "$KRILL" del --root "$R" base
check_cmd del_keeps_modified_conffile sh -c "'$KRILL' del --root '$R' app | grep -qx 'kept modified config file /etc/app.conf'"
check_cmd del_conffile_content sh -c "[ \"\$(cat '$R/etc/app.conf')\" = mine ]"
# and with it the dependencies nothing else needs (orphans): libfoo, base
check_cmd del_removed_rest sh -c "[ ! -e '$R/usr/bin/app' ] && [ ! -e '$R/usr/bin/app-link' ] && [ ! -d '$R/usr/bin' ] && [ ! -e '$R/usr/lib/libfoo.so.1' ] && [ ! -e '$R/usr/lib/base.txt' ]"
check_cmd del_db_updated sh -c "! '$KRILL' list --root '$R' --installed | grep -q '^app '"
expect_fail del_unknown "nothere: not installed" "$KRILL" del --root "$R" nothere

# tampered package: the index lists another hash; nothing is extracted
R3=$T/root3
newroot "$R3"
cp "$T/repo/clash-1.0-r0.x86_64.pkg.tar.zst" "$T/clash.saved"
python3 "$TOP/tools/tests/integration/mkpkg.py" "$T/repo/clash-1.0-r0.x86_64.pkg.tar.zst" \
	clash 1.0-r0 f:usr/bin/clash=evil
"$KRILL" update --root "$R3" >/dev/null
before=$(fingerprint "$R3")
expect_fail tampered_package_refused "sha256 mismatch" "$KRILL" add --root "$R3" --no-cache clash
check_cmd tampered_root_unchanged [ "$before" = "$(fingerprint "$R3")" ]
cp "$T/clash.saved" "$T/repo/clash-1.0-r0.x86_64.pkg.tar.zst"

# wrong key
mkdir -p "$T/other"
"$KRILL" keygen other --dir "$T/other" >/dev/null
rm "$T/other/other.pem"
expect_fail wrong_key_refused "timestamp: signed by key [0-9a-f]*, which is not among the trusted keys" "$KRILL" add --root "$T/r4" --repo "$T/repo" --keys "$T/other" base

# rollback: keep version 1, publish version 2, accept it, then serve 1 again
mkdir -p "$T/old"
cp -L "$T/repo/INDEX" "$T/repo/INDEX.sig" "$T/old/"
cp "$T/repo/"*.pkg.tar.zst "$T/old/"
index
R5=$T/root5
check_cmd accept_v2 "$KRILL" update --root "$R5" --repo "$T/repo" --keys "$T/trust"
expect_fail rollback_refused "index version 1 of repository main/x86_64 is older than version 2" \
	"$KRILL" add --root "$R5" --repo "$T/old" --keys "$T/trust" base
check_cmd rollback_nothing_installed sh -c "[ -z \"\$('$KRILL' list --root '$R5' --installed)\" ]"

# expired (a frozen repository)
index --expires-at 2020-01-01T00:00:00Z 2>/dev/null
expect_fail expired_refused "expired at 2020-01-01T00:00:00Z" \
	"$KRILL" add --root "$T/r6" --repo "$T/repo" --keys "$T/trust" base
index

# over http from 127.0.0.1
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$T/repo" "$port" >/dev/null 2>&1 &
srv=$!
i=0
until python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 100 ] && break
	sleep 0.05
done
check_cmd add_over_http "$KRILL" add --root "$T/r7" --repo "http://127.0.0.1:$port/" --keys "$T/trust" app
# downloads are kept in the cache (fix, and the next add, need no network)
check_cmd http_packages_cached sh -c "[ \"\$(find '$T/r7/var/cache/krill' -name '*.pkg.tar.zst' | wc -l)\" = 3 ]"
kill $srv 2>/dev/null
wait $srv 2>/dev/null
finish
