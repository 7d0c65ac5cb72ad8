# test_client_hostile.sh - the client against a hostile repository (HTTP
# server on 127.0.0.1 that misbehaves, validly signed indexes that lie) and
# hostile packages inside a validly signed repository: each attack of
# tools/doc/client.md's threat model that is not covered by
# test_client_safety/test_client_add is refused here, the root unchanged.
. "$TOP/tools/tests/integration/client_lib.sh"
. "$TOP/tools/tests/integration/repo_lib.sh"
trap 'unserve; rm -rf "$T"' EXIT INT TERM
K=$T/keys/test.pem

# resign DIR: sign DIR/INDEX (a plain file, maybe edited) with the test key
# as `krill index` would: pure Ed25519 over the bytes, key id = sha256 of
# the raw public key, first 16 hex digits.
resign() {
	_id=$(openssl pkey -in "$K" -pubout -outform DER | tail -c 32 | sha256sum | cut -c1-16)
	_sig=$(openssl pkeyutl -sign -inkey "$K" -rawin -in "$1/INDEX" | base64 -w0)
	printf 'format: krill-signature-1\nalgorithm: ed25519\nkey-id: %s\nsignature: %s\n' \
		"$_id" "$_sig" >"$1/INDEX.sig"
}
# crafted DIR: a copy of $T/repo with plain INDEX files (to be edited)
crafted() {
	rm -rf "$1" && mkdir -p "$1" && cp -L "$T/repo/INDEX" "$T/repo/INDEX.sig" "$T/repo/"*.zst "$1/"
}
# setfield DIR FILE KEY VALUE: in DIR/INDEX, set KEY of FILE's entry; resign
setfield() {
	awk -v f="file: $2" -v k="$3: " -v v="$4" '
		$0 == "" { inside = 0 } $0 == f { inside = 1 }
		inside && index($0, k) == 1 { $0 = k v } { print }' "$1/INDEX" >"$1/INDEX.new" &&
		mv "$1/INDEX.new" "$1/INDEX" && resign "$1"
}
# swapin DIR FILE NEWFILE: replace FILE with NEWFILE, listing its true size
# and sha256 in a re-signed index (a package that lies inside a signed repo)
swapin() {
	cp "$3" "$1/$2"
	setfield "$1" "$2" sha256 "$(sha256sum <"$1/$2" | cut -d' ' -f1)"
	setfield "$1" "$2" size "$(stat -c %s "$1/$2")"
}
# leftovers ROOT: partial or temporary downloads under the cache
leftovers() { find "$1/var/cache/krill" \( -name '*.part' -o -name '.fetch-*' -o -name '.tmp-*' \) 2>/dev/null; }
# quickly SECONDS CMD...: CMD exits within SECONDS (killed otherwise)
quickly() {
	_lim=$1
	shift
	timeout -s KILL "$_lim" "$@"
	_rc=$?
	[ $_rc -eq 137 ] && echo "still running after $_lim s: killed" >&2
	return $_rc
}

pkg base 1.0-r0 d:usr d:usr/lib f:usr/lib/base.txt=base
pkg big 1.0-r0 d:usr "f:usr/big=$(head -c 30000 /dev/urandom | base64 -w0)"
pkg lie-name 1.0-r0 f:usr/lie=x
pkg lie-version 1.0-r0 f:usr/lie=x
pkg lie-arch 1.0-r0 f:usr/lie=x
pkg lie-origin 1.0-r0 f:usr/lie=x
pkg st-installed 1.0-r0 d:var d:var/lib d:var/lib/krill "f:var/lib/krill/installed=krill-db 1
repo 999999 main/x86_64
"
pkg st-new 1.0-r0 f:var/lib/krill/installed.new=x
pkg st-journal 1.0-r0 f:var/lib/krill/journal=x
pkg st-lock 1.0-r0 f:var/lib/krill/lock=x
pkg st-dir 1.0-r0 d:var/lib/krill/extra
pkg st-cache 1.0-r0 f:var/cache/krill/main/x86_64/INDEX=x
pkg key-thief 1.0-r0 d:etc d:etc/krill d:etc/krill/keys f:etc/krill/keys/test.pub=garbage
pkg key-adder 1.0-r0 f:etc/krill/keys/extra.pub=garbage
pkg suid 1.0-r0 d:usr d:usr/bin s:usr/bin/su=old-suid g:usr/bin/sg=old-sgid
pkg suid 2.0-r0 d:usr d:usr/bin f:usr/bin/su=new f:usr/bin/sg=new
pkg app 1.0-r0 --conffile etc/app.conf d:etc f:etc/app.conf=v1
pkg app 2.0-r0 --conffile etc/app.conf d:etc f:etc/app.conf=v2
pkg squat 1.0-r0 d:etc f:etc/app.conf.krill-new=squatter
pkg squatdir 1.0-r0 d:etc d:etc/app.conf.krill-new f:etc/app.conf.krill-new/x=1
pkg place 1.0-r0 d:opt f:opt/a=1 f:opt/b=2
pkg longname 1.0-r0 d:usr "f:usr/$(printf '%0300d' 0)=x"
pkg needy 1.0-r0 --depend base f:usr/needy=x
# bombs: honest packages in the index, swapped for the bombs later
for b in paxbomb sbombomb sbomdeep; do pkg $b 1.0-r0 d:usr; done
index
python3 "$TOP/tools/tests/integration/mkpkg.py" "$T/lie-name" base 9.0-r0 f:usr/lie=x
python3 "$TOP/tools/tests/integration/mkpkg.py" "$T/lie-version" lie-version 9.0-r0 f:usr/lie=x
python3 "$TOP/tools/tests/integration/mkpkg.py" "$T/lie-arch" lie-arch 1.0-r0 --info arch=aarch64 f:usr/lie=x
M=$TOP/tools/tests/integration/mkpkg.py
python3 "$M" "$T/paxbomb" paxbomb 1.0-r0 --pax-bomb 40:1000000
# (without .SHA256SUMS: the client parses the SBOM only then)
python3 "$M" "$T/sbombomb" sbombomb 1.0-r0 --sums no --sbom-bomb 5600000
python3 "$M" "$T/sbomdeep" sbomdeep 1.0-r0 --sums no --sbom-deep 100
python3 "$TOP/tools/tests/integration/mkpkg.py" "$T/lie-origin" lie-origin 1.0-r0 --info origin=base f:usr/lie=x
TRUST="--keys $T/trust"

# ---- 1. mix-and-match: the URL that served main now serves legacy ----
MM=$T/mm
mkdir -p "$MM"
cp "$T/repo/base-1.0-r0.x86_64.pkg.tar.zst" "$MM/"
"$KRILL" index "$MM" --key "$K" --version 2 >/dev/null
R=$T/r1
check_cmd mix_first_update "$KRILL" update --root "$R" --repo "$MM" $TRUST
mkdir -p "$T/mm-copy" && cp -L "$MM"/* "$T/mm-copy/"
rm -rf "$MM" && mkdir -p "$MM" && cp "$T/repo/base-1.0-r0.x86_64.pkg.tar.zst" "$MM/"
"$KRILL" index "$MM" --key "$K" --name legacy --version 1 >/dev/null
before=$(fingerprint "$R")
expect_fail mix_name_refused "$MM: serves repository legacy/x86_64, but this URL is pinned to main/x86_64" \
	"$KRILL" add --root "$R" --repo "$MM" $TRUST base
expect_fail mix_name_refused_by_update "pinned to main/x86_64" "$KRILL" update --root "$R" --repo "$MM" $TRUST
check_cmd mix_root_unchanged [ "$before" = "$(fingerprint "$R")" ]
check_cmd mix_legacy_not_recorded sh -c "! grep -q legacy '$R/var/lib/krill/installed'"
# an arch change of the same name is the same attack
rm -rf "$MM" && mkdir -p "$MM"
python3 "$TOP/tools/tests/integration/mkpkg.py" "$MM/base-1.0-r0.aarch64.pkg.tar.zst" base 1.0-r0 \
	--info arch=aarch64 f:usr/lib/base.txt=base
"$KRILL" index "$MM" --key "$K" --arch aarch64 --version 3 >/dev/null
expect_fail mix_arch_refused "serves repository main/aarch64, but this URL is pinned to main/x86_64" \
	"$KRILL" update --root "$R" --repo "$MM" $TRUST
# the pin is per URL: another URL may serve another repository
check_cmd mix_other_url_fine "$KRILL" update --root "$R" --repo "$T/mm-copy/" $TRUST
check_cmd mix_pins_recorded sh -c "grep -qx 'pin main/x86_64 $MM' '$R/var/lib/krill/installed' && grep -qx 'pin main/x86_64 $T/mm-copy' '$R/var/lib/krill/installed'"

# ---- 2. unbounded downloads: sizes the signed index lists ----
C=$T/crafted
for case in zero:0 huge:18446744073709551615 over4g:4294967297; do
	name=${case%%:*} size=${case#*:}
	crafted "$C"
	setfield "$C" big-1.0-r0.x86_64.pkg.tar.zst size "$size"
	serve "$C" endless || exit 1
	expect_fail "size_${name}_refused" "size $size" quickly 60 "$KRILL" add --root "$T/r2-$name" --repo "$URL" $TRUST big
	check_cmd "size_${name}_nothing_fetched" sh -c "! grep -q 'GET /big' '$T/server.log'"
	unserve
done

# ---- 3. slow drip: a low-speed limit and a deadline from the listed size ----
serve "$T/repo" drip || exit 1
start=$(date +%s)
expect_fail drip_index_cut_off "too slow: less than 1024 bytes/s for 2 s" \
	quickly 60 env KRILL_LOW_SPEED_TIME=2 "$KRILL" update --root "$T/r3" --repo "$URL" $TRUST
check_cmd drip_index_within_seconds [ $(($(date +%s) - start)) -lt 20 ]
check_cmd drip_leaves_nothing [ -z "$(leftovers "$T/r3")" ]
unserve
"$KRILL" update --root "$T/r3b" --repo "$T/repo" $TRUST >/dev/null
serve "$T/repo" slow || exit 1
start=$(date +%s)
expect_fail slow_package_deadline "deadline" quickly 60 env KRILL_LOW_SPEED_LIMIT=10 \
	KRILL_DEADLINE_BASE=1 KRILL_DEADLINE_RATE=100000 "$KRILL" add --root "$T/r3b" --repo "$URL" $TRUST big
check_cmd slow_package_within_seconds [ $(($(date +%s) - start)) -lt 20 ]
check_cmd slow_package_leaves_nothing [ -z "$(leftovers "$T/r3b")" ]
unserve

# ---- 4. nothing partial survives a failed run ----
serve "$T/repo" truncindex || exit 1
expect_fail truncated_index_refused "INDEX" "$KRILL" update --root "$T/r4" --repo "$URL" $TRUST
check_cmd truncated_index_leaves_nothing [ -z "$(leftovers "$T/r4")" ]
unserve
serve "$T/repo" truncate || exit 1
"$KRILL" update --root "$T/r4" --repo "$URL" $TRUST >/dev/null
expect_fail truncated_package_refused "big" "$KRILL" add --root "$T/r4" --repo "$URL" $TRUST big
check_cmd truncated_package_leaves_nothing [ -z "$(leftovers "$T/r4")" ]
unserve
# killed mid-transfer: the next run (even one that fails) cleans up
serve "$T/repo" drip || exit 1
"$KRILL" update --root "$T/r4k" --repo "$URL" $TRUST >/dev/null 2>&1 &
pid=$!
i=0
while [ -z "$(leftovers "$T/r4k")" ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
sleep 1.5
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
check_cmd killed_left_partial [ -n "$(leftovers "$T/r4k")" ]
unserve
"$KRILL" update --root "$T/r4k" --repo "$T/nothere" $TRUST >/dev/null 2>&1
check_cmd next_run_cleans_partial [ -z "$(leftovers "$T/r4k")" ]

# ---- 5. packages may not write the client's state or its trust ----
R=$T/r5
newroot "$R"
"$KRILL" add --root "$R" base >/dev/null
for p in st-installed st-new st-journal st-lock st-dir; do
	before=$(fingerprint "$R")
	expect_fail "state_${p}_refused" "var/lib/krill.*the client's own state" "$KRILL" add --root "$R" "$p"
	check_cmd "state_${p}_root_unchanged" [ "$before" = "$(fingerprint "$R")" ]
done
expect_fail state_cache_refused "var/cache/krill.*the client's own state" "$KRILL" add --root "$R" st-cache
check_cmd state_db_intact sh -c "'$KRILL' list --root '$R' --installed | grep -qx 'base 1.0-r0'"
before=$(fingerprint "$R")
expect_fail key_replace_refused "etc/krill/keys/test.pub.*only the keyring package" "$KRILL" add --root "$R" key-thief
expect_fail key_add_refused "etc/krill/keys/extra.pub.*only the keyring package" "$KRILL" add --root "$R" key-adder
check_cmd keys_root_unchanged [ "$before" = "$(fingerprint "$R")" ]
# the keyring package may, and a malformed key it (or anyone) adds is
# skipped with a warning naming it: updates keep working
pkg keyring 1.0-r0 --info keyring=yes f:etc/krill/keys/bad.pub=garbage
index
check_cmd keyring_package_allowed "$KRILL" add --root "$R" keyring
"$KRILL" update --root "$R" >"$T/out" 2>"$T/err"
check_cmd bad_key_does_not_brick_update [ $? -eq 0 ]
check_cmd bad_key_warned sh -c "grep -q 'warning: .*etc/krill/keys/bad.pub: .*skipped' '$T/err'"
printf 'also garbage' >"$R/etc/krill/keys/local.pub"
check_cmd bad_local_key_does_not_brick_add "$KRILL" add --root "$R" needy

# ---- 6. .PKGINFO must match the signed index entry ----
for what in name version arch origin; do
	crafted "$C"
	swapin "$C" "lie-$what-1.0-r0.x86_64.pkg.tar.zst" "$T/lie-$what"
	R=$T/r6-$what
	newroot "$R"
	"$KRILL" add --root "$R" --repo "$C" base >/dev/null
	before=$(fingerprint "$R")
	expect_fail "lie_${what}_refused" "$what .* does not match the index entry" \
		"$KRILL" add --root "$R" --repo "$C" "lie-$what"
	check_cmd "lie_${what}_root_unchanged" [ "$before" = "$(fingerprint "$R")" ]
done
check_cmd lie_name_base_kept sh -c "'$KRILL' list --root '$T/r6-name' --installed | grep -qx 'base 1.0-r0'"

# ---- 7. setuid/setgid bits cleared before a file is replaced or removed ----
R=$T/r7
newroot "$R"
"$KRILL" add --root "$R" 'suid=1.0-r0' >/dev/null
ln "$R/usr/bin/su" "$R/su-link" && ln "$R/usr/bin/sg" "$R/sg-link"
check_cmd suid_upgrade "$KRILL" add --root "$R" 'suid=2.0-r0'
check_cmd suid_link_defused sh -c "[ \$(stat -c %a '$R/su-link') = 755 ] && [ ! -s '$R/su-link' ]"
check_cmd sgid_link_defused sh -c "[ \$(stat -c %a '$R/sg-link') = 755 ] && [ ! -s '$R/sg-link' ]"
check_cmd suid_new_content sh -c "[ \"\$(cat '$R/usr/bin/su')\" = new ]"
R=$T/r7d
newroot "$R"
"$KRILL" add --root "$R" 'suid=1.0-r0' >/dev/null
ln "$R/usr/bin/su" "$R/su-link"
check_cmd suid_del "$KRILL" del --root "$R" suid
check_cmd suid_del_link_defused sh -c "[ \$(stat -c %a '$R/su-link') = 755 ] && [ ! -s '$R/su-link' ]"

# ---- 8. .krill-new names: tracked, checked before the commit point ----
for sq in squat squatdir; do
	R=$T/r8-$sq
	newroot "$R"
	"$KRILL" add --root "$R" 'app=1.0-r0' "$sq" >/dev/null
	echo mine >"$R/etc/app.conf"
	before=$(fingerprint "$R")
	expect_fail "krill_new_${sq}_refused" "etc/app.conf.krill-new: conflict: already installed by $sq" \
		"$KRILL" add --root "$R" 'app=2.0-r0'
	check_cmd "krill_new_${sq}_root_unchanged" [ "$before" = "$(fingerprint "$R")" ]
	check_cmd "krill_new_${sq}_later_verbs_work" "$KRILL" list --root "$R" --installed
done
R=$T/r8
newroot "$R"
"$KRILL" add --root "$R" 'app=1.0-r0' >/dev/null
echo mine >"$R/etc/app.conf"
mkdir -p "$R/etc/app.conf.krill-new/sub"
expect_fail krill_new_dir_in_root_refused "etc/app.conf.krill-new' is a directory in the root" \
	"$KRILL" add --root "$R" 'app=2.0-r0'
rm -rf "$R/etc/app.conf.krill-new"
check_cmd krill_new_written "$KRILL" add --root "$R" 'app=2.0-r0'
check_cmd krill_new_tracked sh -c "grep -q ' etc/app.conf.krill-new\$' '$R/var/lib/krill/installed'"
check_cmd krill_new_other_pkg_conflicts sh -c "'$KRILL' add --root '$R' squat 2>&1 | grep -q 'etc/app.conf.krill-new: conflict: already installed by app'"
check_cmd krill_new_removed_by_del sh -c "'$KRILL' del --root '$R' app && [ ! -e '$R/etc/app.conf.krill-new' ] && [ -e '$R/etc/app.conf' ]"
# a failure after the commit point (injected: the path became a directory
# while the transaction was interrupted) is recovered, said, and forgotten
R=$T/r8c
newroot "$R"
"$KRILL" update --root "$R" >/dev/null
KRILL_TEST_CRASH=commit "$KRILL" add --root "$R" --quiet place >/dev/null 2>&1
mkdir -p "$R/opt/b/inside"
"$KRILL" list --root "$R" --installed >"$T/out" 2>"$T/err"
check_cmd after_commit_recovered [ $? -eq 0 ]
check_cmd after_commit_says_what sh -c "grep -q 'completed an interrupted transaction, except opt/b: ' '$T/err'"
check_cmd after_commit_no_false_claim sh -c "! grep -q 'cannot recover' '$T/err'"
check_cmd after_commit_later_verbs_work sh -c "'$KRILL' list --root '$R' --installed 2>&1 | grep -qx 'place 1.0-r0'"
check_cmd after_commit_db_forgets sh -c "grep -q ' opt/a\$' '$R/var/lib/krill/installed' && ! grep -q ' opt/b\$' '$R/var/lib/krill/installed'"
check_cmd after_commit_no_temp_left [ -z "$(find "$R" -name '.krill-*')" ]
check_cmd after_commit_del_works "$KRILL" del --root "$R" place

# ---- 9. bombs below the installed-size cap ----
R=$T/r9
newroot "$R"
crafted "$C"
for b in paxbomb sbombomb sbomdeep; do swapin "$C" "$b-1.0-r0.x86_64.pkg.tar.zst" "$T/$b"; done
for b in "paxbomb:a metadata bomb" "sbombomb:an SBOM bomb" "sbomdeep:nested more than 32 deep"; do
	name=${b%%:*} want=${b#*:}
	/usr/bin/time -f '%M' -o "$T/rss" "$KRILL" add --root "$R" --repo "$C" "$name" >"$T/out" 2>"$T/err"
	rc=$?
	check_cmd "${name}_refused" sh -c "[ $rc -eq 1 ] && grep -q '$want' '$T/err'"
	echo "# $name: peak RSS $(tail -1 "$T/rss") KiB"
	check_cmd "${name}_rss_bounded" [ "$(tail -1 "$T/rss")" -lt 500000 ]
done
mkdir -p "$T/ix"
cp "$T/sbombomb" "$T/ix/sbombomb-1.0-r0.x86_64.pkg.tar.zst"
/usr/bin/time -f '%M' -o "$T/rss" "$KRILL" index "$T/ix" --key "$K" >"$T/out" 2>"$T/err"
check_cmd index_sbom_bomb_refused sh -c "grep -q 'an SBOM bomb' '$T/err'"
check_cmd index_sbom_bomb_rss_bounded [ "$(tail -1 "$T/rss")" -lt 500000 ]

# ---- 10. messages ----
expect_fail long_component_named "over 255 bytes" "$KRILL" add --root "$T/r10" --repo "$T/repo" $TRUST longname
R=$T/r10
"$KRILL" add --root "$R" --repo "$T/repo" $TRUST needy >/dev/null
"$KRILL" del --root "$R" base >"$T/out" 2>"$T/err"
check_cmd del_refused_says_why sh -c "grep -q 'cannot remove base: needy depends on it' '$T/err'"
check_cmd del_refused_prints_no_removing sh -c "! grep -q Removing '$T/out'"
check_cmd del_prints_removing sh -c "'$KRILL' del --root '$R' needy | grep -Eqx '\\([12]/2\\) Removing needy 1.0-r0'"
finish
