#!/bin/sh
# The build sandbox's invariants (DESIGN.md "Hermetic builds"): no network,
# cleared environment, fixed hostname/TZ/locale/umask/SOURCE_DATE_EPOCH,
# never $HOME, never the signing key, the host's tools read-only.
set -u
. "$TOP/tools/tests/integration/lib.sh"

t=$T
mkdir -p "$t/ports/probe" "$t/home/.cache/krill/keys"
echo "SECRET-KEY" > "$t/home/.cache/krill/keys/local.pem"
export SECRET_MARKER=leak-me
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 "$port" >/dev/null 2>&1 &
srv=$!
mkdir -p "$t/ports/probe/files"
echo "$port" > "$t/ports/probe/files/port"
echo "$t/home" > "$t/ports/probe/files/home"
# The listener must be reachable from outside the sandbox, or the network
# check below would prove nothing.
for i in 1 2 3 4 5 6 7 8 9 10; do
	python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), timeout=1)" 2>/dev/null && break
	sleep 0.3
done
check_cmd "listener reachable outside the sandbox" python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), timeout=2)"
cat > "$t/ports/probe/port.yaml" <<'YAML'
name: probe
version: 1.0
release: 1
summary: probes the sandbox
license: MIT
build:
  style: custom
  script: |
    out=$DESTDIR/usr/share/probe
    mkdir -p $out
    hostname > $out/hostname
    umask > $out/umask
    echo "$TZ $LC_ALL $SOURCE_DATE_EPOCH" > $out/fixed
    env > $out/env
    ls -a / > $out/root
    if ls "$(cat $FILESDIR/home)" >/dev/null 2>&1; then echo visible; else echo hidden; fi > $out/home
    cat /root/.cache/krill/keys/local.pem > $out/key 2>/dev/null || echo hidden > $out/key
    if touch /usr/krill-write-test 2>/dev/null; then echo writable; else echo readonly; fi > $out/usr
    if python3 -c 'import socket; socket.create_connection(("127.0.0.1", int(open("/build/files/port").read())), timeout=2)' 2>/dev/null; then echo open; else echo blocked; fi > $out/net
    ls /usr/lib/locale > $out/locales 2>/dev/null || :
    ip -o link 2>/dev/null | wc -l > $out/links || true
    # 96 MB touched: the build's peak RSS must reach the progress line
    python3 -c 'x = b"k" * (96 << 20)'
    # an orphan (re-parented to the script's shell, the namespace's init) is
    # reaped while the shell waits for its next command
    ( sleep 0.1 & ) ; sleep 0.5
    grep -l "^State:.*Z" /proc/[0-9]*/status 2>/dev/null | wc -l > $out/zombies
    cat /proc/self/autogroup > $out/autogroup 2>/dev/null || echo none > $out/autogroup
YAML
# a locale only the host has (removed again below): the build must not see it
hostloc=/usr/lib/locale/xx_XX.krilltest
mkdir "$hostloc" 2>/dev/null || hostloc=
# HOST_HOME and SECRET_MARKER would show in the sandbox's env only if it leaked.
HOME="$t/home" HOST_HOME="$t/home" SOURCE_DATE_EPOCH=1234567890 nice -n 7 "$KRILL" build --arch host --key k1 --out "$t/out/k1" \
	--work "$t/work/probe" --keep-work "$t/ports/probe" >"$t/build.out" 2>&1
rc=$?
kill $srv 2>/dev/null
[ -z "$hostloc" ] || rmdir "$hostloc"
d="$t/work/probe/dest/usr/share/probe"
check_cmd "build succeeds" test $rc -eq 0
check_cmd "result has done stamp" test -f "$t/out/k1/done"
check_cmd "hostname fixed" grep -qx krill-build "$d/hostname"
check_cmd "umask 022" grep -qx 0022 "$d/umask"
check_cmd "TZ, locale, SOURCE_DATE_EPOCH fixed" grep -qx "UTC C 1234567890" "$d/fixed"
check_cmd "environment cleared" sh -c "! grep -q SECRET_MARKER '$d/env' && ! grep -q HOST_HOME '$d/env'"
check_cmd "HOME is inside the work dir" grep -qx HOME=/build/home "$d/env"
check_cmd "signing key not visible" grep -qx hidden "$d/key"
check_cmd "host home not visible" grep -qx hidden "$d/home"
check_cmd "host /usr read-only" grep -qx readonly "$d/usr"
check_cmd "network blocked" grep -qx blocked "$d/net"
# whatever locales the host has, a build sees C.utf8 alone (bash's configure
# asks setlocale for en_US.UTF-8 itself; no key covers the host's locales)
check_cmd "the host has a locale of its own for the check" test -n "$hostloc"
check_cmd "host locales hidden: /usr/lib/locale holds C.utf8 alone" \
	sh -c "[ \"\$(cat '$d/locales')\" = \"\$([ -d /usr/lib/locale/C.utf8 ] && echo C.utf8)\" ]"
check_cmd "orphans reaped inside the sandbox" grep -qx 0 "$d/zombies"
# the sandbox is a new session, hence a new autogroup: the caller's nice
# must reach it (where the kernel has autogroups at all)
if [ -e /proc/self/autogroup ]; then
	want=$(($(nice) + 7 > 19 ? 19 : $(nice) + 7))
	check_cmd "nice reaches the sandbox's autogroup (nice $want)" grep -q "nice $want\$" "$d/autogroup"
else
	check_cmd "no autogroups on this kernel: nothing to pass on" grep -qx none "$d/autogroup"
fi
rss=$(sed -n 's/.* cpu, \([0-9]*\) MB peak rss.*/\1/p' "$t/build.out")
check "build's peak RSS reported (${rss:-none} MB, 96 MB allocated)" '[ "${rss:-0}" -ge 96 ] && [ "${rss:-0}" -lt 400 ]'
# SOURCE_DATE_EPOCH: unset, it is the newest mtime in the port's source
# archives (so a function of the key, not of the commit or the clock); set,
# it wins; not a number, the build is refused.
src=$t/sde-src/aged-1.0
mkdir -p "$src" "$t/ports/aged"
echo a >"$src/a" && touch -d @1500000000 "$src/a"
echo b >"$src/b" && touch -d @1600000000 "$src/b"
touch -d @1550000000 "$src"
tar -C "$t/sde-src" --sort=name --owner=0 --group=0 -czf "$t/sde-src/aged-1.0.tar.gz" aged-1.0
cat >"$t/ports/aged/port.yaml" <<YAML
name: aged
version: 1.0
release: 1
summary: records the build's SOURCE_DATE_EPOCH
license: MIT
sources:
  - url: file://$t/sde-src/aged-\${version}.tar.gz
    sha256: $(sha256sum "$t/sde-src/aged-1.0.tar.gz" | cut -d" " -f1)
build:
  style: custom
  script: |
    mkdir -p \$DESTDIR/usr/share/aged
    echo "\$SOURCE_DATE_EPOCH" >\$DESTDIR/usr/share/aged/sde
YAML
aged() { # KEY [SOURCE_DATE_EPOCH]
	env -u SOURCE_DATE_EPOCH ${2:+SOURCE_DATE_EPOCH=$2} HOME="$t/home" "$KRILL" build --arch host \
		--key "$1" --out "$t/out/$1" --work "$t/work/$1" --keep-work "$t/ports/aged" >"$t/$1.out" 2>&1
}
aged a1
check_cmd "SOURCE_DATE_EPOCH unset: the sources' newest mtime" grep -qx 1600000000 "$t/work/a1/dest/usr/share/aged/sde"
check_cmd "package mtimes clamped to it" sh -c "zstd -dc '$t'/out/a1/aged-1.0-r1.*.pkg.tar.zst |
	TZ=UTC tar -tv --full-time | grep -q '2020-09-13 12:26:40 usr/share/aged/sde\$'"
aged a2 1234567890
check_cmd "SOURCE_DATE_EPOCH set: it wins" grep -qx 1234567890 "$t/work/a2/dest/usr/share/aged/sde"
aged a3 yesterday
check_cmd "SOURCE_DATE_EPOCH not a number: refused, named" sh -c "[ ! -e '$t/out/a3/done' ] &&
	grep -q \"SOURCE_DATE_EPOCH='yesterday': expected seconds since 1970\" '$t/a3.out'"
# a shell on a kept work dir refuses it too, before opening
printf 'exit\n' | env SOURCE_DATE_EPOCH=yesterday HOME="$t/home" "$KRILL" build --shell --arch host \
	--work "$t/work/a1" "$t/ports/aged" >"$t/a1-shell.out" 2>&1
check_cmd "SOURCE_DATE_EPOCH not a number: shell on a kept work dir refused" sh -c "
	! grep -q 'shell in aged' '$t/a1-shell.out' &&
	grep -q \"SOURCE_DATE_EPOCH='yesterday'\" '$t/a1-shell.out'"

# the log ends with where the wall time went
check_cmd "log ends with the phase times" sh -c "tail -n 1 '$t/work/probe.log' |
	grep -Eq '^>>> phases: prepare [0-9.]+s script [0-9.]+s package [0-9.]+s test [0-9.]+s cleanup [0-9.]+s\$'"
# `make shell PORT=NAME` runs this: the same sandbox, interactive.
printf 'echo "in=$(hostname) $(ls /build/krill-build.sh)"\nexit\n' |
	HOME="$t/home" "$KRILL" build --shell --arch host --work "$t/work/shell" "$t/ports/probe" >"$t/shell.out" 2>&1
check_cmd "shell opens in the build sandbox" grep -q "in=krill-build /build/krill-build.sh" "$t/shell.out"
finish
