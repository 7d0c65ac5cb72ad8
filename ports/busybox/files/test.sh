# busybox's test: the root's ash runs a script of 40-odd applets with the
# root as / ($INROOT: its glibc, its /usr/bin), each output checked.
set -eu
cat >/tmp/applets.sh <<'SH'
set -eu
n=0
ok() { # ok NAME EXPECTED ACTUAL
	[ "$2" = "$3" ] || { echo "FAIL $1: expected '$2', got '$3'" >&2; exit 1; }
	n=$((n + 1))
}
# the shell running this is the root's busybox ash (or binfmt's qemu running it)
case $(readlink /proc/$$/exe) in */busybox | */qemu-*-static) ;; *) echo "FAIL: shell $(readlink /proc/$$/exe)" >&2; exit 1 ;; esac
cd /tmp && rm -rf t && mkdir -p t/d/e && cd t
ok which sed "$(which sed | sed 's|.*/usr/bin/||')"
ok readlink busybox "$(readlink "$(which ls)")"
ok echo "a b" "$(echo a b)"
ok printf "x=07" "$(printf 'x=%02d' 7)"
ok seq "1 2 3" "$(seq 1 3 | tr '\n' ' ' | sed 's/ $//')"
seq 1 100 >n
ok wc 100 "$(wc -l <n)"
ok head 1 "$(head -n 1 n)"
ok tail 100 "$(tail -n 1 n)"
ok sort "100" "$(sort -n -r n | head -n 1)"
ok uniq 2 "$(printf 'a\na\nb\n' | uniq | wc -l)"
ok cut b "$(echo a:b:c | cut -d: -f2)"
ok grep 10 "$(grep -c 0 n)"
ok sed "x-y" "$(echo x_y | sed 's/_/-/')"
ok awk 5050 "$(awk '{s += $1} END {print s}' n)"
ok expr 42 "$(expr 6 \* 7)"
ok basename c.txt "$(basename /a/b/c.txt)"
ok dirname /a/b "$(dirname /a/b/c.txt)"
echo hello >d/e/f
cp d/e/f g && mv g h && ln -s h l
ok cat hello "$(cat l)"
ok ls "d h l n" "$(ls | tr '\n' ' ' | sed 's/ $//')"
ok find "./d/e/f" "$(find . -name f -type f)"
ok xargs hello "$(find . -name f | xargs cat)"
ok sha256sum 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03 \
	"$(sha256sum d/e/f | cut -d' ' -f1)"
ok md5sum b1946ac92492d2347c6235b4d2611184 "$(md5sum d/e/f | cut -d' ' -f1)"
ok base64 aGVsbG8K "$(base64 d/e/f)"
ok od 6865 "$(head -c 2 d/e/f | od -An -tx1 | tr -d ' ')"
tar -czf a.tgz d && rm -r d && tar -xzf a.tgz
ok tar hello "$(cat d/e/f)"
gzip -9 -c n >n.gz
ok gzip "$(cat n)" "$(gunzip -c n.gz)"
ok zcat 100 "$(zcat n.gz | wc -l)"
ok diff 0 "$(diff n n >/dev/null && echo $?)"
ok cmp 1 "$(cmp -s n h || echo $?)"
touch -d '2020-01-02 03:04:05' h
ok stat 1577934245 "$(stat -c %Y h)"
ok date 2020-01-02 "$(date -u -d @1577934245 +%F)"
ok test yes "$(test -L l && [ -s h ] && echo yes)"
ok mkdir 755 "$(mkdir -m 755 m && stat -c %a m)"
ok chmod 600 "$(chmod 600 h && stat -c %a h)"
rm -f h l && rmdir m
ok rm "a.tgz d n n.gz" "$(ls | tr '\n' ' ' | sed 's/ $//')"
ok uname Linux "$(uname -s)"
ok env krill "$(env X=krill sh -c 'echo $X')"
ok id 0 "$(id -u)"
ok ps 1 "$(ps -o pid,comm | awk 'NR > 1 {c++} END {print (c > 0)}')"
ok tr ABC "$(echo abc | tr a-z A-Z)"
ok mktemp 1 "$(f=$(mktemp) && test -f "$f" && echo 1 && rm "$f")"
ok sleep 0 "$(sleep 0.1; echo $?)"
ok ash 3 "$(a=1; b=2; echo $((a + b)))"
ok arithmetic "${#PWD}" "$(printf %s "$PWD" | wc -c)"
ok vi 1 "$(test -x "$(which vi)" && echo 1)"
ok wget 1 "$(wget -q -T 1 -O - http://127.0.0.1:9/ >/dev/null 2>&1 || echo 1)"
echo "$n applets ok"
SH
# (sh from PATH: the root's, also for host where /bin is the host's)
$INROOT sh /tmp/applets.sh
# nothing setuid or setgid, every applet a relative link to the binary
test -z "$(find "$ROOT" -perm /6000)"
test "$(find "$ROOT/usr" -type l ! -lname busybox ! -lname ../bin/busybox | wc -l)" = 0
test "$(find "$ROOT/usr" -type l | wc -l)" -gt 150
test "$(readlink "$ROOT/usr/bin/sh")" = busybox
readelf -d "$ROOT/usr/bin/busybox" | grep -q 'NEEDED.*\[libc\.so\.6\]'
