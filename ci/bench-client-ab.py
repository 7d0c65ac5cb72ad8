#!/usr/bin/env python3
"""bench-client-ab.py - before/after of a change to the client: `add` of the
bench-client.sh set by two krill binaries and apk in one process, in a random
order each round, a fresh root and a `sync` before each run; prints median
wall, CPU and peak RSS as table rows for tools/doc/benchmarks.md.

usage: KEEP=1 ci/bench-client.sh  (prints its temp dir's commands; keep DIR)
       cc -O2 -o SPAWN ci/bench-spawn.c
       ci/bench-client-ab.py DIR SPAWN ROUNDS BEFORE_KRILL AFTER_KRILL APK
DIR holds repo/ trust/ apkrepo/ apkkeys/ as bench-client.sh made them.
"""
import os
import random
import statistics
import subprocess
import sys

d, spawn, rounds, before, after, apk = sys.argv[1:7]


def krill(b):
    return lambda root: [b, "add", "--root", root, "--repo", d + "/repo", "--keys",
                         d + "/trust", "--quiet", "top"]


cmds = {"krill before": krill(before), "krill after": krill(after),
        "apk": lambda root: [apk, "add", "--root", root, "--initdb", "--keys-dir",
                             d + "/apkkeys", "--repository", d + "/apkrepo", "--quiet", "top"]}
res = {k: [] for k in cmds}
for r in range(int(rounds)):
    order = list(cmds.items())
    random.shuffle(order)
    for i, (name, f) in enumerate(order):
        os.sync()
        root = "%s/ab.%d.%d.%d" % (d, os.getpid(), r, list(cmds).index(name))
        p = subprocess.run([spawn] + f(root), stderr=subprocess.PIPE, text=True)
        if p.returncode:
            sys.exit("%s failed: %s" % (name, p.stderr))
        w, c, m = p.stderr.split()[-3:]
        res[name].append((float(w), float(c), int(m)))
for k, v in res.items():
    print("| %s | %.1f ms | %.1f ms | %d KiB |" % (
        k, statistics.median(x[0] for x in v) * 1e3,
        statistics.median(x[1] for x in v) * 1e3, statistics.median(x[2] for x in v)))
print("%s rounds, load average %s" % (rounds, open("/proc/loadavg").read().split()[0]))
