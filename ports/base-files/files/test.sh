# base-files' test: the users, groups and host names as glibc's NSS reads
# them in a root whose / is the test root ($INROOT; its nsswitch.conf).
set -eu
r=$ROOT
test "$($INROOT id nonroot)" = "uid=65532(nonroot) gid=65532(nonroot) groups=65532(nonroot)"
test "$($INROOT id root)" = "uid=0(root) gid=0(root) groups=0(root)"
test "$($INROOT id -u nobody):$($INROOT id -g nobody)" = 65534:65534
# the owner names stat and ls print come from the same lookups
test "$($INROOT stat -c %U:%G "$($INROOT which busybox)")" = root:root
test "$($INROOT ls -l "$($INROOT which busybox)" | awk '{print $3}')" = root
# localhost resolves through hosts: wget gets as far as connecting
# (the sandbox's network is down), a name not in hosts does not
out=$($INROOT wget -q -T 1 -O /dev/null http://localhost:9/ 2>&1 || true)
case $out in *"bad address"*) echo "localhost did not resolve: $out" >&2; exit 1 ;; esac
out=$($INROOT wget -q -T 1 -O /dev/null http://no-such-host.invalid:9/ 2>&1 || true)
case $out in *"bad address"*) ;; *) echo "an unknown host resolved: $out" >&2; exit 1 ;; esac
if [ "$ARCH" = host ]; then
	# the host's getent (glibc) over the root's files
	test "$($INROOT getent passwd nonroot)" = "nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin"
	test "$($INROOT getent services https/tcp | awk '{print $2}')" = 443/tcp
	test "$($INROOT getent protocols tcp | awk '{print $2}')" = 6
	test "$($INROOT getent hosts localhost | awk '{print $1}')" = ::1
fi
# os-release, the links, modes
. "$r/etc/os-release"
test "$ID" = krill && test "$VERSION_ID" = "$PKGVER"
test "$(readlink "$r/bin")" = usr/bin && test "$(readlink "$r/sbin")" = usr/sbin
test "$(stat -c %a "$r/tmp") $(stat -c %a "$r/var/tmp") $(stat -c %a "$r/root")" = "1777 1777 700"
test "$(stat -c %a "$r/etc/shadow")" = 600
test -f "$r/etc/krill/repositories" && test ! -s "$r/etc/krill/repositories" && test -d "$r/etc/krill/keys"
# every services/protocols line is well formed
awk '!/^#/ && ($2 !~ /^[0-9]+\/(tcp|udp)$/) {print; bad=1} END {exit bad}' "$r/etc/services"
awk '!/^#/ && ($2 !~ /^[0-9]+$/) {print; bad=1} END {exit bad}' "$r/etc/protocols"
