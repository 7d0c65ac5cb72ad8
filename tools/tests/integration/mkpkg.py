#!/usr/bin/env python3
"""mkpkg.py - write a krill package file for the client tests, including
malicious ones a real package writer never produces.

usage: mkpkg.py OUT NAME VERSION [--depend D] [--provide P] [--conffile F]
                [MEMBER]...
MEMBER: f:PATH=TEXT  regular file      d:PATH        directory
        l:PATH=TARGET symlink          h:PATH=TARGET hardlink
        c:PATH        char device      z:PATH=BYTES  file of BYTES bytes
PATH is written into the tar exactly as given (absolute, '..': all allowed).
The tar goes through the zstd command line tool.
"""
import io
import subprocess
import sys
import tarfile


def main(argv):
    out, name, version = argv[0], argv[1], argv[2]
    meta = {"depend": [], "provide": [], "conffile": []}
    members = []
    args = argv[3:]
    i = 0
    while i < len(args):
        if args[i].startswith("--"):
            meta[args[i][2:]].append(args[i + 1])
            i += 2
        else:
            members.append(args[i])
            i += 1
    size = 0
    for m in members:
        kind, rest = m.split(":", 1)
        val = rest.partition("=")[2]
        size += len(val.encode()) if kind == "f" else int(val) if kind == "z" else 0
    info = (f"name: {name}\nversion: {version}\narch: x86_64\norigin: {name}\n"
            f"summary: test package {name}\nlicense: MIT\ninstalled-size: {size}\n")
    for key in ("depend", "provide", "conffile"):
        for v in sorted(meta[key]):
            info += f"{key}: {v}\n"
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        add(t, ".PKGINFO", tarfile.REGTYPE, data=info.encode())
        add(t, ".SBOM.spdx.json", tarfile.REGTYPE, data=b"{}")
        for m in members:
            kind, rest = m.split(":", 1)
            path, _, val = rest.partition("=")
            if kind == "f":
                add(t, path, tarfile.REGTYPE, data=val.encode())
            elif kind == "z":
                n = int(val)
                block = bytes(range(251))  # a prime length: no repeating 2^k pattern
                add(t, path, tarfile.REGTYPE, data=(block * (n // 251 + 1))[:n])
            elif kind == "d":
                add(t, path, tarfile.DIRTYPE, mode=0o755)
            elif kind == "l":
                add(t, path, tarfile.SYMTYPE, link=val)
            elif kind == "h":
                add(t, path, tarfile.LNKTYPE, link=val)
            elif kind == "c":
                add(t, path, tarfile.CHRTYPE, devmajor=1, devminor=3)
            else:
                sys.exit(f"mkpkg.py: unknown member kind '{kind}'")
    subprocess.run(["zstd", "-q", "-f", "-3", "-o", out], input=buf.getvalue(), check=True)


def add(t, path, kind, data=b"", mode=0o644, link="", devmajor=0, devminor=0):
    ti = tarfile.TarInfo(path)
    ti.type = kind
    ti.mode = mode
    ti.mtime = 0
    ti.linkname = link
    ti.devmajor, ti.devminor = devmajor, devminor
    if kind == tarfile.REGTYPE:
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
    else:
        t.addfile(ti)


if __name__ == "__main__":
    main(sys.argv[1:])
