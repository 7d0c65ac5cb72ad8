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
python3 "$top/ci/synth-repo.py" "$t/repo" "$n"
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
