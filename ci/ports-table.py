#!/usr/bin/env python3
"""ci/ports-table.py ARCH [MAKE_OUTPUT] - the per-port table of
ports/README.md and bootstrap/README.md: for every port and stage of
build/ARCH/graph.mk, its version, and from MAKE_OUTPUT (what `make ports`
or `make world` printed) the wall time, the build script's CPU and peak
RSS; from build/ARCH/logs/NAME.log the phase times; from its result dir in
CACHE_DIR the packages and their sizes (compressed file, installed size
from .PKGINFO). Ports not built in that run show `cached`. Markdown on
stdout; the total wall of the run is the caller's to give."""
import os
import re
import subprocess
import sys

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
arch = sys.argv[1] if len(sys.argv) > 1 else sys.exit(
    "usage: ci/ports-table.py ARCH [MAKE_OUTPUT]")
cache = os.environ.get("CACHE_DIR", os.path.expanduser("~/.cache/krill"))
build = os.environ.get("ARCH_BUILD", os.path.join(top, "build", arch))

graph = open(os.path.join(build, "graph.mk")).read()
ports = re.search(r"^KR_PORTS := (.*)$", graph, re.M).group(1).split()
key = dict(re.findall(r"^KR_KEY_(\S+) := (\S+)$", graph, re.M))
ver = dict(re.findall(r"^KR_VER_(\S+) := (\S+)$", graph, re.M))

run = {}
if len(sys.argv) > 2:
    prog = re.compile(r"\] (\S+) \S+ " + re.escape(arch) +
                      r" \.\.\. ok ([0-9.]+)s \(build: ([0-9]+)s cpu, ([0-9]+) MB peak rss\)")
    for line in open(sys.argv[2], errors="replace"):
        m = prog.search(line)
        if m:
            run[m.group(1)] = m.groups()[1:]


def phases(name):
    try:
        with open(os.path.join(build, "logs", name + ".log"), errors="replace") as f:
            last = [l for l in f if l.startswith(">>> phases: ")]
        return last[-1][len(">>> phases: "):].strip() if last else ""
    except OSError:
        return ""


def pkginfo(pkg):
    """(name, installed size) from the package's .PKGINFO"""
    out = subprocess.run(["tar", "--zstd", "-xOf", pkg, ".PKGINFO"],
                         capture_output=True, text=True).stdout
    name = re.search(r"^name: (\S+)$", out, re.M)
    size = re.search(r"^installed-size: (\d+)$", out, re.M)
    return (name.group(1) if name else "?"), (int(size.group(1)) if size else 0)


print("| port | version | wall s | script CPU s | peak RSS MB | phases | packages: file / installed bytes |")
print("|---|---|---|---|---|---|---|")
tot_file = tot_inst = 0
for p in ports:
    d = os.path.join(cache, "results", key.get(p, "?"))
    pk = []
    if os.path.isdir(d):
        for f in sorted(os.listdir(d)):
            if f.endswith(".pkg.tar.zst"):
                path = os.path.join(d, f)
                (name, inst), sz = pkginfo(path), os.path.getsize(path)
                tot_file += sz
                tot_inst += inst
                pk.append(f"{name} {sz:,} / {inst:,}")
    wall, cpu, rss = run.get(p, ("cached" if pk else "-", "", ""))
    print(f"| {p} | {ver.get(p, '')} | {wall} | {cpu} | {rss} | "
          f"{phases(p) if p in run else ''} | {'; '.join(pk) or 'not built'} |")
print(f"\n{len(ports)} ports and stages; packages {tot_file:,} B as files, {tot_inst:,} B installed.")
