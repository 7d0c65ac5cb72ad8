#!/bin/sh
# bench-client-big.sh - `krill add` of one package of 100,000 files (1,000
# folders of 100 files, 32 bytes each) from a local signed repository into
# an empty root on tmpfs (/dev/shm unless TMPDIR says otherwise). Prints
# wall time and peak RSS (GNU time) of the best of RUNS runs (default 3).
# Usage: ci/bench-client-big.sh [KRILL]
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
KRILL=${1:-${KRILL:-$TOP/build/host/bin/krill}}
RUNS=${RUNS:-3}
FILES=${FILES:-100000}
T=$(mktemp -d "${TMPDIR:-/dev/shm}/krill-bench-big.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
mkdir -p "$T/keys" "$T/trust" "$T/repo"
"$KRILL" keygen bench --dir "$T/keys" >/dev/null
cp "$T/keys/bench.pub" "$T/trust/"
python3 - "$T/repo/many-1.0-r0.x86_64.pkg.tar.zst" "$FILES" <<'PY'
import io, subprocess, sys, tarfile
out, n = sys.argv[1], int(sys.argv[2])
data = b"0123456789abcdef0123456789abcde\n"
info = ("name: many\nversion: 1.0-r0\narch: x86_64\norigin: many\nsummary: bench\n"
        "license: MIT\ninstalled-size: %d\n" % (n * len(data))).encode()
buf = io.BytesIO()
def add(t, name, kind, payload=b"", mode=0o644):
    ti = tarfile.TarInfo(name); ti.type = kind; ti.mode = mode; ti.mtime = 0
    ti.size = len(payload) if kind == tarfile.REGTYPE else 0
    t.addfile(ti, io.BytesIO(payload) if kind == tarfile.REGTYPE else None)
with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as t:
    add(t, ".PKGINFO", tarfile.REGTYPE, info)
    add(t, ".SBOM.spdx.json", tarfile.REGTYPE, b"{}")
    add(t, "usr", tarfile.DIRTYPE, mode=0o755)
    add(t, "usr/share", tarfile.DIRTYPE, mode=0o755)
    for d in range((n + 99) // 100):
        add(t, "usr/share/d%04d" % d, tarfile.DIRTYPE, mode=0o755)
        for f in range(min(100, n - d * 100)):
            add(t, "usr/share/d%04d/f%03d" % (d, f), tarfile.REGTYPE, data)
subprocess.run(["zstd", "-q", "-f", "-3", "-o", out], input=buf.getvalue(), check=True)
PY
"$KRILL" index "$T/repo" --key "$T/keys/bench.pem" >/dev/null
best=""
for r in $(seq 1 "$RUNS"); do
	rm -rf "$T/root"
	/usr/bin/time -f "%e %M %U %S" -o "$T/time" \
		"$KRILL" add --root "$T/root" --repo "$T/repo" --keys "$T/trust" --quiet many
	read -r wall rss usr sys <"$T/time"
	echo "run $r: $wall s wall, $usr s user, $sys s sys, peak RSS $((rss / 1024)) MiB"
	if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN{exit !(a < b)}'; then
		best=$wall best_rss=$rss
	fi
done
n=$(find "$T/root/usr/share" -type f | wc -l)
[ "$n" -eq "$FILES" ] || { echo "bench-client-big: expected $FILES files, got $n" >&2; exit 1; }
echo "krill add, 1 package of $FILES files, empty root on tmpfs: best $best s, peak RSS $((best_rss / 1024)) MiB ($RUNS runs)"
