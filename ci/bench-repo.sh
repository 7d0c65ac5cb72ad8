#!/bin/sh
# ci/bench-repo.sh [N] - time `krill index` (scan, hash, sign) and
# `krill verify` on N (default 10000) synthetic packages, plus a local
# `krill mirror sync` of the result. Needs a built krill (make tools).
# Targets (issue 4): index+sign <= 1 s, verify <= 0.5 s for 10,000.
set -eu
n=${1:-10000}
top=$(cd "$(dirname "$0")/.." && pwd)
krill=${KRILL:-$top/build/host/bin/krill}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
mkdir -p "$t/repo" "$t/keys"
# tar members written by Python (fast), compressed by one zstd process
python3 - "$t/repo" "$n" <<'PY'
import io, sys, tarfile
out, n = sys.argv[1], int(sys.argv[2])
def member(tf, name, data, mode=0o644):
    ti = tarfile.TarInfo(name); ti.size = len(data); ti.mtime = 1700000000; ti.mode = mode
    tf.addfile(ti, io.BytesIO(data))
for i in range(n):
    name = "pkg%05d" % i
    body = ("content of %s\n" % name).encode() * 8
    info = ("name: %s\nversion: 1.%d-r1\narch: x86_64\norigin: %s\nsummary: synthetic\n"
            "license: MIT\ninstalled-size: %d\ndepend: pkg%05d\n" % (name, i % 7, name, len(body), (i + 1) % n)).encode()
    with tarfile.open("%s/%s-1.%d-r1.x86_64.pkg.tar" % (out, name, i % 7), "w", format=tarfile.GNU_FORMAT) as tf:
        member(tf, ".PKGINFO", info)
        member(tf, ".SBOM.spdx.json", b'{"spdxVersion": "SPDX-2.3"}\n')
        d = tarfile.TarInfo("usr"); d.type = tarfile.DIRTYPE; d.mode = 0o755; tf.addfile(d)
        member(tf, "usr/%s" % name, body)
PY
find "$t/repo" -name '*.pkg.tar' -print0 | xargs -0 zstd -q --rm
"$krill" keygen bench --dir "$t/k" >/dev/null
cp "$t/k/bench.pub" "$t/keys/"
sync
secs() { python3 -c 'import time; print("%.3f" % time.monotonic())'; }
a=$(secs); "$krill" index "$t/repo" --key "$t/k/bench.pem" >/dev/null; b=$(secs)
"$krill" verify "$t/repo" --keys "$t/keys" >/dev/null; c=$(secs)
(cd "$t/repo" && find . -maxdepth 1 -name '*.pkg.tar.zst' -print0 | xargs -0 cat >/dev/null); d=$(secs)
(cd "$t/repo" && find . -maxdepth 1 -name '*.pkg.tar.zst' -print0 | xargs -0 sha256sum >/dev/null); e=$(secs)
"$krill" mirror sync "$t/repo" "$t/dst" --keys "$t/keys" >/dev/null; f=$(secs)
"$krill" mirror sync "$t/repo" "$t/dst" --keys "$t/keys" >/dev/null; g=$(secs)
echo "packages:            $n ($(du -sh "$t/repo" | cut -f1), INDEX $(wc -c <"$t/repo/INDEX") bytes)"
python3 - "$a" "$b" "$c" "$d" "$e" "$f" "$g" <<'PY'
import sys
a, b, c, d, e, f, g = map(float, sys.argv[1:])
print("krill index (+sign):  %.3f s" % (b - a))
print("krill verify:         %.3f s" % (c - b))
print("  of which hashing: compare sha256sum of all files: %.3f s (cat alone %.3f s)" % (e - d, d - c))
print("mirror sync (local, all new):   %.3f s" % (f - e))
print("mirror sync (nothing new):      %.3f s" % (g - f))
PY
