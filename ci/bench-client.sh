#!/bin/sh
# bench-client.sh - `krill add` of a 15-package set (a package pulling in 14
# dependencies, 20 files each, ~1.2 MB installed in all) from a local signed
# repository into an empty root. Target: <= 0.2 s. Prints the best and the
# median of RUNS runs (default 7). Usage: ci/bench-client.sh [KRILL]
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
KRILL=${1:-${KRILL:-$TOP/build/host/bin/krill}}
RUNS=${RUNS:-7}
T=$(mktemp -d "${TMPDIR:-/tmp}/krill-bench-client.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
mkdir -p "$T/keys" "$T/trust" "$T/repo"
"$KRILL" keygen bench --dir "$T/keys" >/dev/null
cp "$T/keys/bench.pub" "$T/trust/"

deps=""
for i in $(seq 1 14); do
	files="d:usr d:usr/lib d:usr/lib/p$i"
	for f in $(seq 1 19); do files="$files f:usr/lib/p$i/f$f=content-of-$i-$f"; done
	# shellcheck disable=SC2086
	python3 "$TOP/tools/tests/integration/mkpkg.py" "$T/repo/p$i-1.0-r0.x86_64.pkg.tar.zst" \
		"p$i" 1.0-r0 --provide "so:libp$i.so.1" $files "z:usr/lib/p$i/lib.so=80000"
	deps="$deps --depend so:libp$i.so.1"
done
# shellcheck disable=SC2086
python3 "$TOP/tools/tests/integration/mkpkg.py" "$T/repo/top-1.0-r0.x86_64.pkg.tar.zst" top 1.0-r0 \
	$deps d:usr d:usr/bin f:usr/bin/top=top
"$KRILL" index "$T/repo" --key "$T/keys/bench.pem" >/dev/null

times=""
for r in $(seq 1 "$RUNS"); do
	rm -rf "$T/root"
	start=$(date +%s%N)
	"$KRILL" add --root "$T/root" --repo "$T/repo" --keys "$T/trust" --quiet top
	end=$(date +%s%N)
	times="$times $(( (end - start) / 1000 ))"
done
n=$("$KRILL" list --root "$T/root" --installed | wc -l)
[ "$n" -eq 15 ] || { echo "bench-client: expected 15 packages installed, got $n" >&2; exit 1; }
echo "$times" | tr ' ' '\n' | sed '/^$/d' | sort -n | awk -v runs="$RUNS" '
	{ t[NR] = $1 }
	END { printf "krill add, 15 packages, empty root: best %.3f s, median %.3f s (%d runs)\n",
		t[1] / 1e6, t[int((NR + 1) / 2)] / 1e6, runs }'
