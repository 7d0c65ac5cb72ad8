#!/bin/sh
# bench-client.sh - the lean krill against apk-tools 2.14 (issue 15 item 5):
# the same 15 packages (a package pulling in 14 dependencies, 19 small files
# and one of 80 kB each, 303 files and ~1.2 MB installed in all) in a signed
# krill repository and a signed apk repository (RSA, the abuild-sign format,
# ci/bench-mkapk.py) on the local file system, byte-identical file trees.
# Operations, each from its own client's root: add of the 15 into an empty
# root, info (installed names) and list --installed. RUNS runs (default 11)
# per operation, krill and apk interleaved (the order swapped every run),
# each run after a sync (so no run pays for the previous one's writeback),
# timed by ci/bench-spawn.c from vfork to wait4: wall, CPU (user+sys), peak
# RSS of the child. Prints the medians and krill/apk ratios against the targets (add:
# time <= 0.8x, info and list: <= 1.0x, peak RSS <= 1.0x everywhere).
#
# Usage: ci/bench-client.sh [KRILL [APK]]
#   KRILL: default, the ARCH=host krill port's binary (the lean build, made
#   by `make krill ARCH=host`, taken from its cached package)
#   APK: default, apk.static built by ci/apk-peer.sh (needs APK_TOOLS_GIT the
#   first time). RUNS=N; TMPDIR=DIR picks the file system (default /tmp);
#   FRESH_FS=1 (root) runs on a new ext4 made for the run (a loop device in
#   TMPDIR), whatever the history of TMPDIR's own file system;
#   KEEP=1 keeps the temp dir (repositories, roots) for profiling.
# Figures: tools/doc/benchmarks.md.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-11}
T=$(mktemp -d "${TMPDIR:-/tmp}/krill-bench-client.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$T"' EXIT INT TERM
if [ "${FRESH_FS:-0}" = 1 ]; then
	# a new ext4 of its own (a loop device; root only): no earlier deletions
	# for ext4's inode allocator to step around (recently_deleted()), which
	# on a well-used file system is most of both clients' time
	[ "$(id -u)" = 0 ] || { echo "bench-client.sh: FRESH_FS=1 needs root (mount -o loop)" >&2; exit 1; }
	truncate -s 1G "$T.img" && mkfs.ext4 -q -F "$T.img" && mount -o loop "$T.img" "$T" || exit 1
	[ -n "${KEEP:-}" ] || trap 'umount "$T"; rm -rf "$T" "$T.img"' EXIT INT TERM
fi
make -C "$TOP" -s tools >/dev/null
HOSTK=$TOP/build/host/bin/krill # keygen and index: the build host's verbs
KRILL=${1:-}
if [ -z "$KRILL" ]; then
	make -C "$TOP" -s krill ARCH=host >/dev/null
	key=$(sed -n 's/^KR_KEY_krill := //p' "$TOP/build/host/graph.mk")
	pkg=$(ls "${CACHE_DIR:-$HOME/.cache/krill}/results/$key"/krill-*.pkg.tar.zst | head -1)
	mkdir -p "$T/lean" && tar --zstd -xf "$pkg" -C "$T/lean"
	KRILL=$T/lean/usr/bin/krill
fi
APK=${2:-$(sh "$TOP/ci/apk-peer.sh")/apk.static}
echo "krill: $KRILL ($("$KRILL" --version))"
echo "apk:   $APK ($("$APK" --version))"

# --- the two repositories, from the same member lists
mkdir -p "$T/keys" "$T/trust" "$T/repo" "$T/apkkeys" "$T/apkrepo/x86_64"
"$HOSTK" keygen bench --dir "$T/keys" >/dev/null
cp "$T/keys/bench.pub" "$T/trust/"
openssl genrsa -out "$T/bench.rsa" 2048 2>/dev/null
openssl rsa -in "$T/bench.rsa" -pubout -out "$T/apkkeys/bench.rsa.pub" 2>/dev/null
mk() { # FILE-STEM NAME ARGS...: both packages
	stem=$1
	shift
	python3 "$TOP/tools/tests/integration/mkpkg.py" "$T/repo/$stem.x86_64.pkg.tar.zst" "$@"
	python3 "$TOP/ci/bench-mkapk.py" pkg "$T/bench.rsa" bench.rsa.pub "$T/apkrepo/x86_64/$stem.apk" "$@"
}
deps=""
for i in $(seq 1 14); do
	files="d:usr d:usr/lib d:usr/lib/p$i"
	for f in $(seq 1 19); do files="$files f:usr/lib/p$i/f$f=content-of-$i-$f"; done
	# shellcheck disable=SC2086
	mk "p$i-1.0-r0" "p$i" 1.0-r0 --provide "so:libp$i.so.1" $files "z:usr/lib/p$i/lib.so=80000"
	deps="$deps --depend so:libp$i.so.1"
done
# shellcheck disable=SC2086
mk top-1.0-r0 top 1.0-r0 $deps d:usr d:usr/bin f:usr/bin/top=top
"$HOSTK" index "$T/repo" --key "$T/keys/bench.pem" >/dev/null
"$APK" index -q --keys-dir "$T/apkkeys" -o "$T/apkrepo/x86_64/APKINDEX.unsigned.tar.gz" \
	"$T/apkrepo/x86_64/"*.apk
python3 "$TOP/ci/bench-mkapk.py" sign-index "$T/bench.rsa" bench.rsa.pub \
	"$T/apkrepo/x86_64/APKINDEX.unsigned.tar.gz" "$T/apkrepo/x86_64/APKINDEX.tar.gz"
rm "$T/apkrepo/x86_64/APKINDEX.unsigned.tar.gz"

# --- the commands (printed as run)
# a fresh root per add run (kroot.N, N the run), all removed at the end
# only: ext4 makes every inode created soon after many were deleted
# expensive (recently_deleted() in its allocator), which an rm -rf between
# runs would add to both clients' times; info and list read kroot.0
KADD="$KRILL add --root $T/kroot.N --repo $T/repo --keys $T/trust --quiet top"
AADD="$APK add --root $T/aroot.N --initdb --keys-dir $T/apkkeys --repository $T/apkrepo --quiet top"
KINFO="$KRILL info --root $T/kroot.0"
AINFO="$APK info --root $T/aroot.0"
KLIST="$KRILL list --root $T/kroot.0 --installed"
ALIST="$APK list --root $T/aroot.0 --installed"
printf 'commands:\n  %s\n  %s\n  %s\n  %s\n  %s\n  %s\n' "$KADD" "$AADD" "$KINFO" "$AINFO" "$KLIST" "$ALIST"

cc -O2 -o "$T/bench-spawn" "$TOP/ci/bench-spawn.c"
python3 - "$RUNS" "$T" "$KADD" "$AADD" "$KINFO" "$AINFO" "$KLIST" "$ALIST" <<'PY'
import hashlib, os, statistics, subprocess, sys
runs, T = int(sys.argv[1]), sys.argv[2]
cmds = sys.argv[3:]
ops = [("add 15, empty root", cmds[0], cmds[1], 0.8),
       ("info", cmds[2], cmds[3], 1.0),
       ("list --installed", cmds[4], cmds[5], 1.0)]
def run(cmd):
    os.sync()  # nobody's earlier writes are flushed inside the timed run
    p = subprocess.run([os.path.join(T, "bench-spawn")] + cmd.split(),
                       stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit("bench-client: '%s' failed (exit %d): %s" % (cmd, p.returncode, p.stderr))
    wall, cpu, rss = p.stderr.split()[-3:]
    return float(wall), float(cpu), int(rss)

def tree(root, sub="usr"):
    out = {}
    for d, _, files in os.walk(os.path.join(root, sub)):
        for f in files:
            p = os.path.join(d, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, root)] = hashlib.sha256(fh.read()).hexdigest()
    return out

res = {}
for name, k, a, _ in ops:
    res[name] = {"krill": [], "apk": []}
    for r in range(runs):
        order = [("krill", k), ("apk", a)]
        if r % 2:
            order.reverse()
        for who, cmd in order:
            res[name][who].append(run(cmd.replace("root.N ", "root.%d " % r)))
    if name.startswith("add"):
        kt, at = tree(os.path.join(T, "kroot.0")), tree(os.path.join(T, "aroot.0"))
        if kt != at or len(kt) != 281:
            sys.exit("bench-client: the two roots differ (%d vs %d files)" % (len(kt), len(at)))
print("same files in both roots: %d regular files under /usr, same sha256" % len(kt))

fails = 0
print("\n| operation | krill wall | apk wall | ratio | krill CPU | apk CPU | ratio "
      "| krill peak RSS | apk peak RSS | ratio | target (time, RSS) |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for name, _, _, target in ops:
    m = {w: [statistics.median(x[i] for x in res[name][w]) for i in range(3)]
         for w in ("krill", "apk")}
    rw, rc, rm = (m["krill"][i] / m["apk"][i] if m["apk"][i] else float("inf")
                  for i in range(3))
    ok = rw <= target and rm <= 1.0
    fails += not ok
    print("| %s | %.1f ms | %.1f ms | %.2f | %.1f ms | %.1f ms | %.2f | %.0f KiB | %.0f KiB "
          "| %.2f | <= %.1f, <= 1.0: %s |" %
          (name, m["krill"][0] * 1e3, m["apk"][0] * 1e3, rw, m["krill"][1] * 1e3,
           m["apk"][1] * 1e3, rc, m["krill"][2], m["apk"][2], rm, target,
           "met" if ok else "NOT met"))
print("\nmedians of %d runs each, interleaved; load average %s; targets: %s" %
      (runs, open("/proc/loadavg").read().split()[0],
       "all met" if not fails else "%d not met" % fails))
PY
