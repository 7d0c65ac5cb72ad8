# test_client_world.sh - the world file and the verbs that solve it (issue
# 15): add -t / del of a virtual package leaves the root exactly as before,
# del removes orphans, upgrade takes newer versions and new dependencies,
# audit and fix, a failed verb changes nothing, first-use configuration,
# --initdb, @TAG repositories, conflicts, replaces, search, policy.
. "$TOP/tools/tests/integration/client_lib.sh"

pkg base 1.0-r0 d:usr d:usr/lib f:usr/lib/base.txt=base
pkg libgmp 6.2-r0 d:usr d:usr/lib f:usr/lib/libgmp.so.10=gmp --provide so:libgmp.so.10
pkg gcc 12.2-r0 --depend so:libgmp.so.10 --depend base d:usr d:usr/bin f:usr/bin/gcc=gcc
pkg make 4.3-r0 d:usr d:usr/bin f:usr/bin/make=make
# top and 14 dependencies, a chain and a fan
deps=""
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14; do
	if [ $i -lt 8 ]; then next="--depend d$((i + 1))"; else next=""; fi
	pkg d$i 1.0-r0 $next d:usr d:usr/share f:usr/share/d$i=d$i
	deps="$deps --depend d$i"
done
pkg top 1.0-r0 $deps d:usr d:usr/share f:usr/share/top=top
pkg p1 1.0-r0 --depend dep1 d:usr d:usr/share f:usr/share/p1=one
pkg dep1 1.0-r0 d:usr d:usr/share f:usr/share/dep1=one
pkg conf 1.0-r0 --conffile etc/conf.cfg d:etc f:etc/conf.cfg=defaults d:usr d:usr/share \
	f:usr/share/conf.dat=data f:usr/share/conf.gone=gone
pkg clash 1.0-r0 d:usr d:usr/share f:usr/share/top=clash
pkg taker 1.0-r0 --replace top d:usr d:usr/share f:usr/share/top=taken
pkg svc-a 1.0-r0 --provide svc=1 d:usr d:usr/share f:usr/share/svc-a=a
pkg svc-b 1.0-r0 --provide svc=1 d:usr d:usr/share f:usr/share/svc-b=b
# file hashes: from .SHA256SUMS; in a package without it (written before
# it existed) from the SBOM when it lists the file, else hashed while
# written; a digest that lies is the signer's word, and audit shows it
pkg nosbom 1.0-r0 --sums no --sbom-empty 1 d:usr d:usr/share f:usr/share/nosbom=plain h:usr/share/nosbom.2=usr/share/nosbom
pkg liar 1.0-r0 --sums no --sbom-lie usr/share/liar.b d:usr d:usr/share f:usr/share/liar.a=a f:usr/share/liar.b=b
pkg sumsliar 1.0-r0 --sums-lie usr/share/sumsliar.b --sbom-lie usr/share/sumsliar.a d:usr d:usr/share \
	f:usr/share/sumsliar.a=a f:usr/share/sumsliar.b=b h:usr/share/sumsliar.c=usr/share/sumsliar.a
index

# tree: every path with type, mode, size, link target and content hash
# (the lock file included: it exists from the first run on)
tree() {
	(cd "$1" && find . -printf '%p %y %m %s %l\n' | LC_ALL=C sort &&
		find . -type f -exec sha256sum {} + | LC_ALL=C sort)
}

R=$T/root
newroot "$R"
check_cmd add_base "$KRILL" add --root "$R" -q --no-cache base
check_cmd world_written sh -c "[ \"\$(cat '$R/etc/krill/world')\" = base ]"
before=$(tree "$R")
check_cmd add_virtual "$KRILL" add --root "$R" -q --no-cache -t .build-deps gcc make
check_cmd virtual_installed_deps sh -c "[ -f '$R/usr/bin/gcc' ] && [ -f '$R/usr/bin/make' ] && [ -f '$R/usr/lib/libgmp.so.10' ]"
check_cmd virtual_in_world sh -c "[ \"\$(tr '\n' ' ' <'$R/etc/krill/world')\" = '.build-deps base ' ]"
check_cmd virtual_listed sh -c "'$KRILL' list --root '$R' --installed | grep -qx '.build-deps 0-r0'"
check_cmd del_virtual "$KRILL" del --root "$R" -q .build-deps
check_cmd virtual_round_trip_identical [ "$before" = "$(tree "$R")" ]

# del top: top and its 14 dependencies go (apk removes all 15)
check_cmd add_top "$KRILL" add --root "$R" -q top
check_cmd top_installed sh -c "[ \$('$KRILL' list --root '$R' --installed | wc -l) -eq 16 ]"
check_cmd del_top sh -c "'$KRILL' del --root '$R' top | grep -qx 'OK: 15 packages removed, 1 in total'"
check_cmd del_top_removes_orphans sh -c "[ \"\$('$KRILL' list --root '$R' --installed)\" = 'base 1.0-r0' ] && [ ! -e '$R/usr/share/d8' ] && [ ! -e '$R/usr/share' ]"
# a dependency the world does not hold but another package needs
"$KRILL" add --root "$R" -q top
expect_fail del_needed_dependency "cannot remove d8: d7 depends on it (d8)" "$KRILL" del --root "$R" d8
expect_fail del_unknown "nothere: not installed" "$KRILL" del --root "$R" nothere
"$KRILL" del --root "$R" -q top

# del of a name only the world holds: fine
check_cmd add_world_conflict "$KRILL" add --root "$R" -q '!d8'
expect_fail world_conflict_refuses "the request !d8; because top needs d8" "$KRILL" add --root "$R" top
check_cmd del_world_only_name "$KRILL" del --root "$R" -q d8
check_cmd world_only_name_gone sh -c "! grep -q d8 '$R/etc/krill/world'"

# one owner per provided name; apk-spelled versions krill reads otherwise
expect_fail two_providers_refused "svc-a-1.0-r0 and svc-b-1.0-r0 both provide svc" \
	"$KRILL" add --root "$R" svc-a svc-b
expect_fail apk_rc_spelling_refused "version 1.0_rc1 is read differently by krill and apk" \
	"$KRILL" add --root "$R" 'base>=1.0_rc1'
expect_fail apk_leading_zero_refused "1.01 == 1.1" "$KRILL" add --root "$R" 'base>=1.01'

# replaces: taker may take over top's file; without it, a conflict
"$KRILL" add --root "$R" -q top
expect_fail conflict_without_replaces "conflict: already installed by top, also in clash" \
	"$KRILL" add --root "$R" clash
check_cmd replaces_takes_over "$KRILL" add --root "$R" -q taker
check_cmd replaced_content sh -c "[ \"\$(cat '$R/usr/share/top')\" = taken ]"
check_cmd del_replaced_keeps_file sh -c "'$KRILL' del --root '$R' -q top && [ \"\$(cat '$R/usr/share/top')\" = taken ]"
"$KRILL" del --root "$R" -q taker

# a failed add changes nothing, the db included: a repository the root has
# not seen, and a name nothing provides
mkdir -p "$T/repo2"
mv "$T/repo" "$T/repo1" && mv "$T/repo2" "$T/repo"
pkg other 1.0-r0 f:usr/share/other=x
"$KRILL" index "$T/repo" --key "$T/keys/test.pem" --name second >/dev/null
mv "$T/repo" "$T/repo2" && mv "$T/repo1" "$T/repo"
db_before=$(sha256sum <"$R/var/lib/krill/installed")
fp_before=$(fingerprint "$R")
expect_fail failed_add_new_repo "nothing provides nothere" \
	"$KRILL" add --root "$R" --repo "$T/repo" --repo "$T/repo2" nothere
check_cmd failed_add_db_identical [ "$db_before" = "$(sha256sum <"$R/var/lib/krill/installed")" ]
check_cmd failed_add_root_identical [ "$fp_before" = "$(fingerprint "$R")" ]
expect_fail failed_upgrade_latest "nothing provides nothere" \
	"$KRILL" add --root "$R" base nothere
check_cmd failed_add_world_identical [ "$fp_before" = "$(fingerprint "$R")" ]

# upgrade: a newer p1 with a newer dependency and a new one
check_cmd add_p1 "$KRILL" add --root "$R" -q p1
pkg p1 2.0-r0 --depend 'dep1>=1.1' --depend newdep d:usr d:usr/share f:usr/share/p1=two
pkg dep1 1.1-r0 d:usr d:usr/share f:usr/share/dep1=one-one
pkg newdep 1.0-r0 d:usr d:usr/share f:usr/share/newdep=new
index
check_cmd add_again_keeps_installed sh -c "'$KRILL' add --root '$R' p1 | grep -qx 'OK: 0 packages installed, 0 removed, 3 in total'"
check_cmd policy_lists_both sh -c "'$KRILL' policy --root '$R' p1 | tr '\n' '|' | grep -q '^p1 policy:|  1.0-r0:|    installed|    $T/repo|  2.0-r0:|    $T/repo|\$'"
check_cmd upgrade_runs "$KRILL" upgrade --root "$R" -q
check_cmd upgrade_newer_version sh -c "'$KRILL' list --root '$R' --installed | tr '\n' ' ' | grep -q 'dep1 1.1-r0 newdep 1.0-r0 p1 2.0-r0'"
check_cmd upgrade_files sh -c "[ \"\$(cat '$R/usr/share/p1')\" = two ] && [ \"\$(cat '$R/usr/share/newdep')\" = new ]"
check_cmd upgrade_world_unchanged sh -c "[ \"\$(tr '\n' ' ' <'$R/etc/krill/world')\" = 'base p1 ' ]"
check_cmd search_glob sh -c "[ \"\$('$KRILL' search --root '$R' 'dep*' | tr '\n' ' ')\" = 'dep1-1.1-r0 dep1-1.0-r0 ' ]"
check_cmd search_substring sh -c "'$KRILL' search --root '$R' newd | grep -qx 'newdep-1.0-r0'"

# audit and fix: a changed and a deleted file
check_cmd add_conf "$KRILL" add --root "$R" -q conf
check_cmd audit_clean "$KRILL" audit --root "$R"
echo tampered >"$R/usr/share/conf.dat"
rm "$R/usr/share/conf.gone"
"$KRILL" audit --root "$R" >"$T/audit" 2>/dev/null
check_cmd audit_exit_1 [ $? -eq 1 ]
check_cmd audit_reports sh -c "[ \"\$(tr '\n' '|' <'$T/audit')\" = 'U /usr/share/conf.dat|X /usr/share/conf.gone|' ]"
check_cmd fix_runs sh -c "'$KRILL' fix --root '$R' | grep -qx '(1/1) Reinstalling conf 1.0-r0'"
check_cmd fix_restored sh -c "[ \"\$(cat '$R/usr/share/conf.dat')\" = data ] && [ \"\$(cat '$R/usr/share/conf.gone')\" = gone ]"
check_cmd audit_clean_after_fix "$KRILL" audit --root "$R"
check_cmd fix_named "$KRILL" fix --root "$R" -q conf

# the database's sha256 of each file: the SBOM's, or computed
check_cmd add_nosbom_liar "$KRILL" add --root "$R" -q nosbom liar sumsliar
dbsum() { awk -v p="$1" '$1 == "R" && $3 == p { print $2 }' "$R/var/lib/krill/installed"; }
# (sumsliar's SBOM lies about .a, unread: its .SHA256SUMS is what counts)
for f in usr/share/nosbom usr/share/nosbom.2 usr/share/liar.a usr/share/sumsliar.a usr/share/sumsliar.c; do
	WHY="db $(dbsum $f), file $(sha256sum "$R/$f")"
	check "db_sha256_true_$f" '[ "$(dbsum $f)" = "$(sha256sum "$R/$f" | cut -d" " -f1)" ]'
done
"$KRILL" audit --root "$R" >"$T/audit" 2>/dev/null
WHY="$(cat "$T/audit")"
check audit_shows_the_lies '[ "$(tr "\n" "|" <"$T/audit")" = "U /usr/share/liar.b|U /usr/share/sumsliar.b|" ]'
check_cmd del_nosbom_liar "$KRILL" del --root "$R" -q nosbom liar sumsliar

# first use: --repo and --keys are written to the root
R2=$T/fresh
check_cmd first_use_add "$KRILL" add --root "$R2" -q --repo "$T/repo" --keys "$T/trust" base
check_cmd first_use_repositories sh -c "[ \"\$(cat '$R2/etc/krill/repositories')\" = '$T/repo' ] && [ -f '$R2/etc/krill/keys/test.pub' ]"
check_cmd first_use_list_needs_no_flags "$KRILL" list --root "$R2"
check_cmd first_use_update sh -c "'$KRILL' update --root '$T/fresh2' -q --repo '$T/repo' --keys '$T/trust' && '$KRILL' list --root '$T/fresh2' | grep -q '^base '"
R3=$T/initdb
check_cmd initdb "$KRILL" add --root "$R3" -q --initdb --repo "$T/repo" --keys "$T/trust"
check_cmd initdb_files sh -c "[ -f '$R3/etc/krill/world' ] && [ ! -s '$R3/etc/krill/world' ] && [ -f '$R3/etc/krill/repositories' ] && [ -f '$R3/etc/krill/keys/test.pub' ] && [ -d '$R3/var/lib/krill' ]"

# @TAG: a tagged repository serves only requests pinned to it
R4=$T/tagged
newroot "$R4"
printf '@second %s\n' "$T/repo2" >>"$R4/etc/krill/repositories"
expect_fail untagged_not_from_tag "nothing provides other" "$KRILL" add --root "$R4" other
check_cmd pinned_from_tag "$KRILL" add --root "$R4" -q other@second
check_cmd pinned_world_entry sh -c "grep -qx 'other@second' '$R4/etc/krill/world'"
check_cmd policy_shows_tag sh -c "'$KRILL' policy --root '$R4' other | grep -qx '    @second $T/repo2'"
finish
