#!/usr/bin/env python3
# ci/synth-repo.py DIR N - N synthetic packages (pkg00000..) as .pkg.tar in
# DIR, for the repository benchmarks (bench-repo.sh, bench-index.sh): tar
# members written here (fast), compressed afterwards by one zstd process.
# Each depends on the next, so the index is a long chain.
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
