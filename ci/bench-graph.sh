#!/bin/sh
# bench-graph.sh - `krill graph` on a generated tree of N ports (default
# 2000), and a no-op `make ports` over it with every result already built.
# Targets (issue 2): graph <= 0.5 s, no-op make <= 2 s. Figures go in
# tools/doc/benchmarks.md, section "graph". Not a test: it prints timings.
#
# usage: ci/bench-graph.sh [N]     (run from anywhere; builds krill first)
set -eu
N=${1:-2000}
TOP=$(cd "$(dirname "$0")/.." && pwd)
unset MAKEFLAGS MFLAGS MAKELEVEL
make -s -C "$TOP" tools
KRILL=$TOP/build/host/bin/krill
T=$(mktemp -d)
[ -n "${KEEP:-}" ] && echo "keeping $T" || trap 'rm -rf "$T"' EXIT
P=$T/ports

# A realistic tree: each port build-depends on up to 4 earlier ports (some
# through their -dev or subpackage names), half have a runtime depends, a
# third have a -libs subpackage, every one has a pinned source; some carry
# patches/ and files/.
awk -v n="$N" -v dir="$P" 'BEGIN {
	srand(42)
	for (i = 0; i < n; i++) {
		name = sprintf("p%04d", i)
		hassub[i] = (i % 3 == 0)
		d = dir "/" name
		system("mkdir -p " d)
		f = d "/port.yaml"
		printf "name: %s\nversion: %d.%d.%d\nrelease: 1\n", name, i % 7, i % 13, i % 5 > f
		printf "summary: generated port number %d\nlicense: MIT OR Apache-2.0\n", i > f
		printf "homepage: https://example.org/%s\n", name > f
		printf "sources:\n  - url: https://example.org/%s/%s-${version}.tar.xz\n", name, name > f
		h = ""
		for (k = 0; k < 64; k++) h = h substr("0123456789abcdef", int(rand() * 16) + 1, 1)
		printf "    sha256: %s\n", h > f
		bd = ""
		if (i > 0) {
			m = int(rand() * 5)
			delete used
			for (k = 0; k < m; k++) {
				j = int(rand() * i)
				if (j in used) continue
				used[j] = 1
				dep = sprintf("p%04d", j)
				if (k % 2) dep = dep "-dev"
				else if (hassub[j]) dep = dep "-libs"
				bd = bd (bd == "" ? "" : ", ") dep
			}
		}
		printf "build-depends: [%s]\n", bd > f
		if (i > 0 && i % 2) printf "depends: [p%04d]\n", int(rand() * i) > f
		printf "build:\n  style: autotools\n  configure: [--disable-static, --prefix=/usr]\n" > f
		if (hassub[i]) printf "subpackages:\n  - name: %s-libs\n    files: [usr/lib/*.so.*]\n", name > f
		printf "test: %s --version\n", name > f
		close(f)
		if (i % 10 == 0) {
			system("mkdir -p " d "/patches " d "/files")
			printf "--- a/x\n+++ b/x\n" > (d "/patches/0001-fix.patch")
			close(d "/patches/0001-fix.patch")
			printf "conf=1\n" > (d "/files/" name ".conf")
			close(d "/files/" name ".conf")
		}
	}
}'
echo "tree: $N ports in $P"
"$KRILL" lint --ports "$P" >/dev/null

F=$T/graph.mk
MK="make -s -C $TOP ports ARCH=host PORTS_DIR=$P CACHE_DIR=$T/cache ARCH_BUILD=$T/build"
# every key already built (keys as make computes them, with the host
# toolchain key): the no-op case
$MK -n >/dev/null
for k in $(sed -n 's/^KR_KEY_[^ ]* := //p' "$T/build/graph.mk"); do
	mkdir -p "$T/cache/results/$k" && : >"$T/cache/results/$k/done"
done
$MK >/dev/null

if command -v hyperfine >/dev/null 2>&1; then
	hyperfine -N --warmup 2 --runs 20 "$KRILL graph --arch host -o $F $P"
	hyperfine --warmup 1 --runs 10 "$MK"
else
	for cmd in "$KRILL graph --arch host -o $F $P" "$MK"; do
		start=$(date +%s.%N)
		for i in 1 2 3 4 5 6 7 8 9 10; do $cmd >/dev/null; done
		end=$(date +%s.%N)
		echo "$cmd: mean $(echo "($end - $start) / 10" | bc -l | cut -c1-6) s over 10 runs"
	done
fi
