#!/bin/sh
# ci/bench-ccache.sh [PORT...] - what CCACHE=1 saves on a rebuild that
# compiles the same (default ports: zlib libyaml; ARCH=host). Per port, in
# a fresh CACHE_DIR: `make PORT CCACHE=1` with an empty ccache (cold), then
# the same port with its `release:` raised in a copy of the ports tree
# (a new key, the same compiler commands) with that ccache warm. Prints
# wall and CPU (user+sys of make and all it ran, GNU time) of both, the
# ratio, and the logs' phases lines. KRILL_DISTFILES (a distfiles dir to
# read sources from) avoids fetching them again.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
[ $# -gt 0 ] || set -- zlib libyaml
w=$(mktemp -d "${TMPDIR:-/tmp}/bench-ccache.XXXXXX")
trap 'rm -rf "$w"' EXIT
# the tree without the ports that copy parts of the checkout (tree: sources)
mkdir -p "$w/a" "$w/b"
for d in "$top"/ports/*/; do
	grep -q 'url: tree:' "$d/port.yaml" || { cp -a "$d" "$w/a/"; cp -a "$d" "$w/b/"; }
done
t() { # LABEL CMD...: run, print "LABEL wall CPU"
	l=$1
	shift
	/usr/bin/time -f "%e %U %S" -o "$w/time" "$@" >"$w/$l.out" 2>&1 || { tail -n 20 "$w/$l.out"; exit 1; }
	awk -v l="$l" '{ printf "%s %.1f %.2f\n", l, $1, $2 + $3 }' "$w/time"
}
printf '%-10s %9s %8s %9s %8s %7s %7s\n' port cold_wall cold_cpu warm_wall warm_cpu wall_% cpu_%
for p in "$@"; do
	sed -i 's/^release: \([0-9]*\)/release: 9\1/' "$w/b/$p/port.yaml"
	m="make -C $top $p ARCH=host CCACHE=1 CACHE_DIR=$w/cache-$p JOBS=2"
	c=$(t "$p-cold" $m PORTS_DIR="$w/a" ARCH_BUILD="$w/cold-$p")
	h=$(t "$p-warm" $m PORTS_DIR="$w/b" ARCH_BUILD="$w/warm-$p")
	echo "$c $h" | awk '{ printf "%-10s %9.1f %8.2f %9.1f %8.2f %6.0f%% %6.0f%%\n", substr($1, 1, index($1, "-cold") - 1), $2, $3, $5, $6, 100 * $5 / $2, 100 * $6 / $3 }'
	for s in cold warm; do
		echo "  $s: $(grep -h '^>>> phases:' "$w/$s-$p/logs/$p.log") | $(grep -h "^\[.*\] $p " "$w/$p-$s.out" | sed 's/^\[[0-9/]*\] //')"
	done
done
