#!/bin/sh
# ci/bench-index.sh [N] - what `krill update` fetches from a repository of
# N (default 10000) synthetic packages served by a real nginx on
# 127.0.0.1: cold (empty cache), unchanged (304 on the timestamp, and with
# no ETag kept), and changed (one package added: the zstd delta). Bytes
# are nginx's $bytes_sent (headers and body) per request. Targets (issue
# 15 item 4): unchanged <= 1 KB, changed <= 333 KB (apk's gzip index of
# the same repository). Needs a built krill (make tools) and nginx.
set -eu
n=${1:-10000}
TOP=$(cd "$(dirname "$0")/.." && pwd)
KRILL=${KRILL:-$TOP/build/host/bin/krill}
T=$(mktemp -d)
NGINX_PID= SERVER_PID=
. "$TOP/tools/tests/integration/repo_lib.sh"
trap 'unserve_nginx; rm -rf "$T"' EXIT INT TERM
mkdir -p "$T/repo" "$T/keys"
python3 "$TOP/ci/synth-repo.py" "$T/repo" "$n"
find "$T/repo" -name '*.pkg.tar' -print0 | xargs -0 zstd -q --rm
"$KRILL" keygen bench --dir "$T/k" >/dev/null
cp "$T/k/bench.pub" "$T/keys/"
s0=$(date +%s.%N)
"$KRILL" index "$T/repo" --key "$T/k/bench.pem" >/dev/null
s1=$(date +%s.%N)
size() { wc -c <"$1" | tr -d ' '; }
echo "packages: $n; krill index: $(echo "$s1 - $s0" | bc) s"
echo "INDEX $(size "$T/repo/INDEX") B, INDEX.zst $(size "$T/repo/INDEX.zst") B (gzip -9 of INDEX: $(gzip -9 -c "$T/repo/INDEX" | wc -c) B), timestamp $(size "$T/repo/timestamp") B"
serve_nginx "$T/repo"
R=$T/root
upd() { "$KRILL" update --root "$R" --repo "$URL" --keys "$T/keys" >/dev/null; }
report() { # LABEL: the requests since the mark, and their total
	echo "$1: $(log_bytes) B in $(log_since | wc -l) requests ($(log_since | tr '\n' ';' | sed 's/;$//; s/;/; /g'))"
}
log_mark; upd; report "cold (empty cache)"; cold=$(log_bytes)
log_mark; upd; report "unchanged (ETag kept: 304)"; unchanged=$(log_bytes)
rm -f "$R/var/cache/krill/main/x86_64/timestamp.http"
log_mark; upd; report "unchanged (no ETag kept: 200)"; unchanged200=$(log_bytes)
# one package more, re-signed: a client holding the previous index
python3 - "$T/repo" <<'PY'
import io, sys, tarfile
out = sys.argv[1]
with tarfile.open(out + "/pkgnew-1.0-r1.x86_64.pkg.tar", "w", format=tarfile.GNU_FORMAT) as tf:
    for name, data in ((".PKGINFO", b"name: pkgnew\nversion: 1.0-r1\narch: x86_64\norigin: pkgnew\nsummary: synthetic\nlicense: MIT\ninstalled-size: 4\n"),
                       (".SBOM.spdx.json", b'{"spdxVersion": "SPDX-2.3"}\n')):
        ti = tarfile.TarInfo(name); ti.size = len(data); ti.mtime = 1700000000; tf.addfile(ti, io.BytesIO(data))
PY
zstd -q --rm "$T/repo/pkgnew-1.0-r1.x86_64.pkg.tar"
"$KRILL" index "$T/repo" --key "$T/k/bench.pem" >"$T/index.out"
echo "re-index: $(cat "$T/index.out")"
log_mark; upd; report "changed (one package added: delta)"; changed=$(log_bytes)
echo "krill update, $n packages, nginx on 127.0.0.1: cold $cold B, unchanged $unchanged B (304) / $unchanged200 B (200), changed $changed B"
fail=0
[ "$unchanged" -le 1024 ] && [ "$unchanged200" -le 1024 ] || { echo "bench-index: unchanged over 1 KB" >&2; fail=1; }
[ "$changed" -le 333000 ] || { echo "bench-index: changed over 333 KB" >&2; fail=1; }
exit $fail
