#!/usr/bin/env python3
"""mkpkg.py - write a krill package file for the client tests, including
malicious ones a real package writer never produces.

usage: mkpkg.py OUT NAME VERSION [--depend D] [--provide P] [--conffile F]
                [--install-if D] [--replace NAME]
                [--info KEY=VALUE] [--sbom-bomb N] [--sbom-deep N]
                [--sbom-empty 1] [--sbom-lie PATH] [--pax-bomb N:BYTES]
                [--sums no] [--sums-lie PATH] [--sums-text TEXT] [MEMBER]...
--info sets (or adds) a .PKGINFO field: a package that lies about itself.
The SBOM lists every regular file with its SHA1 and SHA256, as Krill's
packager writes it (tools/doc/package.md); --sbom-empty 1: an SBOM of `{}`
instead (no file hashes); --sbom-lie PATH: the SBOM gives PATH a wrong
SHA256. --sbom-bomb N: an SBOM of N empty objects; --sbom-deep N: nested N deep.
.SHA256SUMS (third) has a line per regular file in member order, as the
packager writes it; --sums no: none (a package written before it existed);
--sums-lie PATH: a wrong SHA256 for PATH; --sums-text TEXT: TEXT instead
(backslash escapes such as \n are decoded).
--pax-bomb N:BYTES: N more empty files, each with a BYTES-byte pax header.
MEMBER: f:PATH=TEXT  regular file      d:PATH        directory
        l:PATH=TARGET symlink          h:PATH=TARGET hardlink
        c:PATH        char device      z:PATH=BYTES  file of BYTES bytes
        s:PATH=TEXT   setuid file (4755)  g:PATH=TEXT  setgid file (2755)
PATH is written into the tar exactly as given (absolute, '..': all allowed).
The tar goes through the zstd command line tool.
"""
import hashlib
import io
import json
import subprocess
import sys
import tarfile


def main(argv):
    out, name, version = argv[0], argv[1], argv[2]
    meta = {"depend": [], "provide": [], "conffile": [], "install-if": [], "replace": [],
            "info": [], "sbom-bomb": [], "sbom-empty": [], "sbom-lie": [],
            "sbom-deep": [], "pax-bomb": [], "sums": [], "sums-lie": [], "sums-text": []}
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
        size += len(val.encode()) if kind in "fsg" else int(val) if kind == "z" else 0
    fields = {"name": name, "version": version, "arch": "x86_64", "origin": name,
              "summary": f"test package {name}", "license": "MIT",
              "installed-size": str(size)}
    for kv in meta["info"]:
        k, _, v = kv.partition("=")
        fields[k] = v
    info = "".join(f"{k}: {v}\n" for k, v in fields.items())
    for key in ("depend", "provide", "conffile", "install-if", "replace"):
        for v in sorted(meta[key]):
            info += f"{key}: {v}\n"
    sbom = b"{}" if meta["sbom-empty"] else spdx(name, version, members, meta["sbom-lie"])
    if meta["sbom-bomb"]:
        sbom = b'{"a": [' + b"{}," * (int(meta["sbom-bomb"][0]) - 1) + b"{}]}"
    if meta["sbom-deep"]:
        d = int(meta["sbom-deep"][0])
        sbom = b'{"a": ' + b"[" * d + b"]" * d + b"}"
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        add(t, ".PKGINFO", tarfile.REGTYPE, data=info.encode())
        add(t, ".SBOM.spdx.json", tarfile.REGTYPE, data=sbom)
        if meta["sums-text"]:
            add(t, ".SHA256SUMS", tarfile.REGTYPE,
                data=meta["sums-text"][0].encode().decode("unicode_escape").encode("latin-1"))
        elif meta["sums"] != ["no"]:
            add(t, ".SHA256SUMS", tarfile.REGTYPE, data=sums(members, meta))
        for m in members:
            kind, rest = m.split(":", 1)
            path, _, val = rest.partition("=")
            if kind == "f":
                add(t, path, tarfile.REGTYPE, data=val.encode())
            elif kind in "sg":
                add(t, path, tarfile.REGTYPE, data=val.encode(),
                    mode=0o4755 if kind == "s" else 0o2755)
            elif kind == "z":
                add(t, path, tarfile.REGTYPE, data=zdata(int(val)))
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
        for spec in meta["pax-bomb"]:
            n, nbytes = (int(x) for x in spec.split(":"))
            for i in range(n):
                add(t, "bomb%06d" % i, tarfile.REGTYPE, pax={"comment": "x" * nbytes})
    subprocess.run(["zstd", "-q", "-f", "-3", "-o", out], input=buf.getvalue(), check=True)


def sums(members, meta):
    """sha256sum(1) lines for the regular-file members, in member order."""
    out = b""
    files = []
    for m in members:
        kind, rest = m.split(":", 1)
        path, _, val = rest.partition("=")
        if kind in "fsg":
            files.append((path, val.encode()))
        elif kind == "z":
            files.append((path, zdata(int(val))))
    for spec in meta["pax-bomb"]:
        n = int(spec.split(":")[0])
        files += [("bomb%06d" % i, b"") for i in range(n)]
    for path, data in files:
        if path in meta["sums-lie"]:
            data = b"not " + data
        out += hashlib.sha256(data).hexdigest().encode() + b"  " + path.encode() + b"\n"
    return out


def zdata(n):
    block = bytes(range(251))  # a prime length: no repeating 2^k pattern
    return (block * (n // 251 + 1))[:n]


def spdx(name, version, members, lies):
    """The SBOM's `files` as Krill's packager writes them (sorted by path)."""
    data = {}
    for m in members:
        kind, rest = m.split(":", 1)
        path, _, val = rest.partition("=")
        if kind in "fsg":
            data[path] = val.encode()
        elif kind == "z":
            data[path] = zdata(int(val))
    for m in members:  # a hardlink's path has its target's checksums
        kind, rest = m.split(":", 1)
        path, _, val = rest.partition("=")
        if kind == "h" and val in data:
            data[path] = data[val]
    files = []
    for n, path in enumerate(sorted(data), 1):
        sha256 = hashlib.sha256(data[path]).hexdigest()
        if path in lies:
            sha256 = hashlib.sha256(b"not " + data[path]).hexdigest()
        files.append({"fileName": "./" + path, "SPDXID": f"SPDXRef-File-{n}",
                      "checksums": [{"algorithm": "SHA1",
                                     "checksumValue": hashlib.sha1(data[path]).hexdigest()},
                                    {"algorithm": "SHA256", "checksumValue": sha256}],
                      "licenseConcluded": "NOASSERTION", "copyrightText": "NOASSERTION"})
    doc = {"spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT",
           "name": f"{name}-{version}", "files": files}
    return json.dumps(doc, sort_keys=True).encode()


def add(t, path, kind, data=b"", mode=0o644, link="", devmajor=0, devminor=0, pax=None):
    ti = tarfile.TarInfo(path)
    if pax:
        ti.pax_headers = pax
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
