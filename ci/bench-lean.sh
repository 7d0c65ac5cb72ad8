#!/bin/sh
# Start-up of the lean krill (issue 11: at most 2 ms CPU for --version):
# the CPU time (user + system, from wait4) of `krill --version`, run many
# times; prints the median and the 10th/90th percentiles, for the lean
# binary and, for comparison, the host build (build/host/bin/krill).
# Figures go in tools/doc/benchmarks.md.
# Usage: ci/bench-lean.sh [LEAN_BINARY] [RUNS]
#   LEAN_BINARY: default, the ARCH=host krill port's binary (make krill
#   ARCH=host builds it; this script extracts it from the cached package)
# /bin/true is measured too: the floor of any process start on the machine.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${2:-500}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
lean=${1:-}
if [ -z "$lean" ]; then
	make -C "$TOP" -s krill ARCH=host >/dev/null
	key=$(sed -n 's/^KR_KEY_krill := //p' "$TOP/build/host/graph.mk")
	pkg=$(ls "${CACHE_DIR:-$HOME/.cache/krill}/results/$key"/krill-*.pkg.tar.zst | head -1)
	mkdir -p "$W/p" && tar --zstd -xf "$pkg" -C "$W/p"
	lean=$W/p/usr/bin/krill
fi
make -C "$TOP" -s tools >/dev/null
cpu() { # NAME BINARY
	python3 - "$1" "$2" "$RUNS" <<'PY'
import os, sys, statistics
name, prog, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
devnull = os.open(os.devnull, os.O_WRONLY)
t = []
for _ in range(runs):
    # posix_spawn (vfork-like): a fork would bill the child for copying
    # this Python process's page tables
    pid = os.posix_spawn(prog, [prog, "--version"] if name != "true" else [prog], {},
                         file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1)])
    _, status, ru = os.wait4(pid, 0)
    assert status == 0, status
    t.append((ru.ru_utime + ru.ru_stime) * 1000)
t.sort()
what = "/bin/true" if name == "true" else name + " krill --version"
print("%-22s median %.2f ms CPU (p10 %.2f, p90 %.2f; %d runs)" %
      (what, statistics.median(t), t[len(t) // 10], t[len(t) * 9 // 10], runs))
PY
}
cpu lean "$lean"
cpu host "$TOP/build/host/bin/krill"
cpu true /bin/true
# the same by perf stat, when it is there (task-clock: CPU of the process)
if command -v perf >/dev/null; then
	for b in "$lean" "$TOP/build/host/bin/krill"; do
		perf stat -r "$RUNS" "$b" --version 2>&1 >/dev/null | sed -n "s|^ *\([0-9.]*\) msec task-clock.*|perf   $b: \1 ms task-clock (mean of $RUNS)|p"
	done
fi
