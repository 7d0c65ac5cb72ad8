# test_client_safety.sh - crafted malicious packages, served from a properly
# signed repository (so only the installer stands between them and the
# host): each must be refused with the root unchanged and nothing written
# outside it.
. "$TOP/tools/tests/integration/client_lib.sh"
O=$T/outside
mkdir -p "$O"

pkg abs 1.0-r0 f:usr/ok=1 "f:$O/abs=x"
pkg dotdot 1.0-r0 f:usr/ok=1 f:usr/../../outside/dotdot=x
pkg slash 1.0-r0 l:s=/ "f:s$O/slash=x"
pkg hardabs 1.0-r0 h:etc/pw=/etc/passwd
pkg hardrel 1.0-r0 h:etc/pw=../../../../../../etc/passwd
pkg hardother 1.0-r0 h:etc/pw=etc/passwd
pkg device 1.0-r0 d:dev c:dev/mem2
pkg chain 1.0-r0 d:a l:a/b=../c "l:c=$O" f:a/b/chain=x
pkg linker 1.0-r0 "l:opt=$O"
pkg via 1.0-r0 d:opt f:opt/via=x
pkg planted 1.0-r0 d:usr d:usr/bin f:usr/bin/planted=x
pkg planted2 1.0-r0 f:usr/bin/planted2=x
pkg via2 1.0-r0 f:opt/via2=x
index
pw=$(sha256sum /etc/passwd)

# refused CASE WANT: adding CASE fails with WANT, root and outside unchanged
refused() {
	_r=$T/root-$1
	newroot "$_r"
	[ -n "${PLANT:-}" ] && ln -s "$O" "$_r/$PLANT"
	"$KRILL" update --root "$_r" >/dev/null
	_before=$(fingerprint "$_r")
	expect_fail "refuses_$1" "$2" "$KRILL" add --root "$_r" "$1"
	check_cmd "root_unchanged_$1" [ "$_before" = "$(fingerprint "$_r")" ]
	check_cmd "nothing_outside_$1" [ -z "$(ls -A "$O")" ]
	check_cmd "no_temp_left_$1" [ -z "$(find "$_r" -name '.krill-*')" ]
}

refused abs "absolute path '$O/abs' refused"
refused dotdot "has a '..' component, refused"
refused slash "'s$O/slash' goes through 's', a non-directory of slash"
refused hardabs "absolute path '/etc/passwd' refused"
refused hardrel "has a '..' component"
refused hardother "the target must be an earlier regular file of the same package"
refused device "device node"
refused chain "goes through 'a/b', a non-directory of chain"
PLANT=usr refused planted "'usr' is a symlink (never written through) in the root"
PLANT=usr refused planted2 "the way there goes through a symlink"
check_cmd passwd_untouched [ "$pw" = "$(sha256sum /etc/passwd)" ]

# a symlink out of the root is installed as is, but nothing is ever
# written through it later
R=$T/root-via
newroot "$R"
check_cmd symlink_installed_as_is "$KRILL" add --root "$R" linker
check_cmd symlink_target_kept [ "$(readlink "$R/opt")" = "$O" ]
before=$(fingerprint "$R")
expect_fail refuses_via "'opt' is a symlink (never written through)" "$KRILL" add --root "$R" via
expect_fail refuses_via2 "'opt/via2': the way there goes through a symlink" \
	"$KRILL" add --root "$R" via2
check_cmd root_unchanged_via [ "$before" = "$(fingerprint "$R")" ]
check_cmd nothing_outside_via [ -z "$(ls -A "$O")" ]
finish
