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
# wall and CPU (user+sys) time of each command: the machines are shared,
# so CPU time is the steadier figure
python3 - "$krill" "$t" "$n" <<'PY'
import os, resource, subprocess, sys, time
krill, t, n = sys.argv[1], sys.argv[2], sys.argv[3]
def run(label, *cmd, **kw):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    w0 = time.monotonic()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kw)
    w = time.monotonic() - w0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    print("%-36s %6.3f s wall  %6.3f s cpu" % (label, w, cpu))
repo, keys = t + "/repo", t + "/keys"
print("packages: %s, load average %.1f" % (n, os.getloadavg()[0]))
run("krill index (scan, hash, sign)", krill, "index", repo, "--key", t + "/k/bench.pem")
print("INDEX: %d bytes" % os.path.getsize(repo + "/INDEX"))
run("krill verify", krill, "verify", repo, "--keys", keys)
files = sorted(f for f in os.listdir(repo) if f.endswith(".pkg.tar.zst"))
run("  hashing alone: sha256sum of all", "sh", "-c", "ls | grep 'pkg.tar.zst$' | xargs sha256sum", cwd=repo)
run("krill mirror sync (local, all new)", krill, "mirror", "sync", repo, t + "/dst", "--keys", keys)
run("krill mirror sync (nothing new)", krill, "mirror", "sync", repo, t + "/dst", "--keys", keys)
run("krill verify (the mirror)", krill, "verify", t + "/dst", "--keys", keys)
PY
