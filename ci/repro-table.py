#!/usr/bin/env python3
"""ci/repro-table.py - the status table of tools/doc/repro.md from `make
repro` runs: every port, toolchain stage and image, per arch, reproducible
or not, and under which variations.

  ci/repro-table.py --status REPRO_DIR
      the run's verdicts as a status file (below), from what make repro
      left in REPRO_DIR (out/ARCH/repro: meta, ports.tsv, packages.json,
      images.json, 1/packages)
  ci/repro-table.py [--ports DIR] [--stages DIR] [--images DIR]
                    [--doc FILE] INPUT...
      the Markdown tables, from INPUTs: each a REPRO_DIR or a status file,
      oldest first (a later run's verdict replaces an earlier one's for the
      same arch and row). Rows: every port of --ports, stage of --stages,
      spec of --images (default: ports/, bootstrap/, images/ of this
      checkout), whether run or not; columns host (only when an input is
      for it), x86_64, aarch64. A row no input covers says `not run`. With
      --doc FILE the tables replace what stands between the lines
      `<!-- repro-table begin -->` and `<!-- repro-table end -->` in FILE,
      and each row keeps its `cause / fix` text from FILE's table: that
      column is the maintainer's (empty for a new row); nothing here
      writes a cause.

A status file is text: `# key: value` header lines (arch, date, vary,
variations, ports, stages, images, command, result, source) then one line per row,
`KIND<TAB>NAME<TAB>VERDICT<TAB>DETAIL`, KIND port, stage or image, VERDICT
identical or differs. Status files transcribed from recorded runs live in
tools/doc/repro-status/.
Exit status: 0 written, 1 an input that cannot be read (one message)."""
import json
import os
import re
import subprocess
import sys
import tarfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARCH_ORDER = ["host", "x86_64", "aarch64"]
BEGIN, END = "<!-- repro-table begin -->", "<!-- repro-table end -->"


class Bad(Exception):
    pass


def stage_order():
    """The stages in build order: mk/bootstrap.mk's TOOLCHAIN_STAGES, not a copy."""
    with open(os.path.join(TOP, "mk", "bootstrap.mk"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"TOOLCHAIN_STAGES\s*:=(.*)", line)
            if m:
                return m.group(1).split()
    raise Bad("mk/bootstrap.mk: no TOOLCHAIN_STAGES line")


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except OSError as e:
        raise Bad(f"{path}: {e.strerror}")
    except ValueError as e:
        raise Bad(f"{path}: not JSON: {e}")


def pkg_name(path):
    """the name in a package's .PKGINFO (its first member)"""
    p = subprocess.Popen(["zstd", "-dcq", path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        with tarfile.open(fileobj=p.stdout, mode="r|") as t:
            for m in t:
                if m.name == ".PKGINFO":
                    for line in t.extractfile(m).read().decode("utf-8", "replace").splitlines():
                        if line.startswith("name: "):
                            return line[6:]
                break
    except (tarfile.TarError, OSError):
        pass
    finally:
        p.kill()
        p.wait()
    raise Bad(f"{path}: no .PKGINFO name (not a package?)")


def meta(rdir):
    out = {"variation": []}
    try:
        lines = open(os.path.join(rdir, "meta")).read().splitlines()
    except OSError as e:
        raise Bad(f"{rdir}/meta: {e.strerror} (not a make repro dir?)")
    for ln in lines:
        k, _, v = ln.partition(": ")
        if k == "variation":
            out["variation"].append(v.split())
        else:
            out[k] = v
    return out


def vary_text(m):
    off = [n for n, s in m["variation"] if s != "on"]
    n = len(m["variation"])
    return f"all {n} variations" if not off else f"{n - len(off)} of {n} variations (off: {', '.join(off)})"


def file_detail(f):
    """one differing file of krill diff's JSON, as the text report says it"""
    if f.get("change") in ("added", "removed"):
        return f"{f['path']} {'only in B' if f['change'] == 'added' else 'only in A'}"
    what = [k for k in ("type", "mode", "owner", "mtime", "link", "content") if k in f]
    return f"{f['path']} ({', '.join(what)})"


def status_of_dir(rdir):
    m = meta(rdir)
    pk = read_json(os.path.join(rdir, "packages.json"))
    ident = set(pk.get("identical_packages") or [])
    differ = {d["name"]: d for d in pk.get("differing", [])}
    only = {x["name"]: "only in A" for x in pk.get("only_in_a", [])}
    only.update({x["name"]: "only in B" for x in pk.get("only_in_b", [])})
    rows = []
    try:
        tsv = open(os.path.join(rdir, "ports.tsv")).read().splitlines()
    except OSError as e:
        raise Bad(f"{rdir}/ports.tsv: {e.strerror}")
    for ln in tsv:
        kind, port, files = (ln.split("\t") + ["", ""])[:3]
        names = [pkg_name(os.path.join(rdir, "1", "packages", f)) for f in files.split()]
        bad, notes = [], []
        for n in names:
            if n in differ:
                d = differ[n]
                if d.get("identical_bytes"):
                    notes.append(f"{n}: package identical, provenance differs")
                    bad.append(n)
                else:
                    fl = [file_detail(f) for f in d.get("files", [])]
                    meta_m = [x["member"] for x in d.get("metadata", [])]
                    bad.append(n)
                    notes.append(f"{n}: " + "; ".join((fl[:3] + ([f"{len(fl) - 3} more files"] if len(fl) > 3 else []))
                                                      or meta_m or ["archive bytes"]))
            elif n in only:
                bad.append(n)
                notes.append(f"{n}: {only[n]}")
            elif n not in ident:
                raise Bad(f"{rdir}/packages.json: package {n} (port {port}) is in no verdict")
        if bad:
            rows.append((kind, port, "differs", f"{len(bad)} of {len(names)} packages differ: " + "; ".join(notes)))
        else:
            rows.append((kind, port, "identical", f"all {len(names)} package{'s' if len(names) != 1 else ''} identical"))
    ij = os.path.join(rdir, "images.json")
    if m.get("images") == "1" and os.path.exists(ij):
        im = read_json(ij)
        suffix = "-" + m["arch"]
        for i in im["images"]:
            name = i["name"][:-len(suffix)] if i["name"].endswith(suffix) else i["name"]
            if i["verdict"] == "identical":
                rows.append(("image", name, "identical", f"every blob and the .oci.tar identical ({len(i['blobs']) - 2} blobs)"))
            elif i["verdict"] == "differs":
                d = [b["role"] for b in i["blobs"] if not b["identical"]]
                core = [r for r in d if r.split()[0] in ("manifest", "config", "layer")]
                what = "differ: " + ", ".join(d)
                if not core:
                    what += " (manifests, configs and layers identical)"
                rows.append(("image", name, "differs", what))
            else:
                rows.append(("image", name, "differs", i["verdict"]))
    res = (f"{pk.get('identical', 0)} identical, {len(pk.get('differing', []))} differ, "
           f"{len(pk.get('only_in_a', []))} only in A, {len(pk.get('only_in_b', []))} only in B")
    if m.get("images") == "1" and os.path.exists(ij):
        res += f"; images: {im['identical']} identical, {im['differs']} differ"
    hdr = {"arch": m.get("arch", "?"), "date": m.get("date", "?"), "vary": m.get("vary", "?"),
           "result": res,
           "variations": vary_text(m), "ports": m.get("ports", "?"),
           "stages": stages_text(m.get("stages", "0")),
           "images": "assembled and compared" if m.get("images") == "1" else "not built",
           "source": os.path.abspath(rdir)}
    return hdr, rows


def stages_text(v):
    """The meta's stages: 1 (all rebuilt), 0 (all linked) or the names rebuilt."""
    if v == "1":
        return "rebuilt and compared"
    if v in ("", "0"):
        return "linked from the cache"
    return f"{v} rebuilt and compared, the others linked from the cache"


def status_of_file(path):
    hdr, rows = {}, []
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError as e:
        raise Bad(f"{path}: {e.strerror}")
    for no, ln in enumerate(lines, 1):
        if ln.startswith("#"):
            k, sep, v = ln[1:].strip().partition(": ")
            if sep:
                hdr[k] = v
            continue
        if not ln.strip():
            continue
        f = ln.split("\t")
        if len(f) != 4 or f[0] not in ("port", "stage", "image") or f[2] not in ("identical", "differs"):
            raise Bad(f"{path}:{no}: expected KIND<TAB>NAME<TAB>identical|differs<TAB>DETAIL, KIND port, stage or image")
        rows.append(tuple(f))
    if "arch" not in hdr:
        raise Bad(f"{path}: no '# arch: ARCH' line")
    hdr.setdefault("source", path)
    return hdr, rows


def write_status(hdr, rows, f):
    f.write("# krill make repro status (ci/repro-table.py --status)\n")
    for k in ("arch", "date", "vary", "variations", "ports", "stages", "images", "result", "source"):
        if k in hdr:
            f.write(f"# {k}: {hdr[k]}\n")
    for r in rows:
        f.write("\t".join(r) + "\n")


def names_in(d, ext=None):
    if not d or not os.path.isdir(d):
        return []
    if ext:
        return sorted(n[:-len(ext)] for n in os.listdir(d) if n.endswith(ext))
    return sorted(n for n in os.listdir(d) if os.path.isfile(os.path.join(d, n, "port.yaml")))


def old_causes(text):
    """{(kind, name): cause} from the doc's tables: the last cell of each row"""
    out, kind = {}, None
    for ln in text.splitlines():
        m = re.match(r"\|\s*(port|toolchain stage|image)\s*\|", ln)
        if m:
            # only a table with a cause column has causes
            has = ln.strip().strip("|").split("|")[-1].strip().startswith("cause")
            kind = {"port": "port", "toolchain stage": "stage", "image": "image"}[m.group(1)] if has else None
            continue
        if kind and ln.startswith("|") and not ln.startswith("|---"):
            cells = [c.strip() for c in ln.strip().strip("|").split("|")]
            if len(cells) >= 3 and cells[-1]:
                out[(kind, cells[0])] = cells[-1]
        elif not ln.startswith("|"):
            kind = None
    return out


def cell(v):
    verdict, detail, tag = v
    return f"{'identical' if verdict == 'identical' else '**differs**'}: {detail} [{tag}]".replace("|", "\\|")


def table(inputs, ports, stages, images, causes):
    runs, got = [], {}
    for i, (hdr, rows) in enumerate(inputs, 1):
        runs.append(hdr)
        for kind, name, verdict, detail in rows:
            got[(hdr["arch"], kind, name)] = (verdict, detail, i)
    arches = [a for a in ARCH_ORDER if a != "host" or any(h["arch"] == "host" for h in runs)]
    arches += sorted({h["arch"] for h in runs} - set(arches))
    out = []
    so = stage_order()
    order = {"stage": sorted(stages, key=lambda s: (so.index(s) if s in so else 99, s))}
    extra = lambda k: sorted({n for (a, kk, n) in got if kk == k} - set(
        {"port": ports, "stage": stages, "image": images}[k]))
    for kind, head, names in (("port", "port", ports), ("stage", "toolchain stage", order["stage"]),
                              ("image", "image", images)):
        names = list(names) + extra(kind)
        # ARCH=host has no stages (the host compiler) and no images
        cols = arches if kind == "port" else [a for a in arches if a != "host"]
        out.append(f"| {head} | " + " | ".join(cols) + " | cause / fix when not |")
        out.append("|---" * (len(cols) + 2) + "|")
        for n in names:
            cells = [cell(got[(a, kind, n)]) if (a, kind, n) in got else "not run" for a in cols]
            out.append(f"| {n} | " + " | ".join(cells) + f" | {causes.get((kind, n), '')} |")
        out.append("")
    out.append("Runs (`[N]` in the cells):\n")
    for i, h in enumerate(runs, 1):
        bits = [h.get("date", "?"), h["arch"]]
        for k in ("variations", "ports", "stages", "images"):
            if h.get(k):
                bits.append(f"{k}: {h[k]}")
        if h.get("command"):
            bits.append(f"`{h['command']}`")
        if h.get("result"):
            bits.append(h["result"])
        src = h.get("source", "")
        if src.startswith(TOP + "/"):
            src = src[len(TOP) + 1:]
        bits.append(f"from {src}")
        out.append(f"{i}. " + "; ".join(bits))
    return "\n".join(out) + "\n"


def main(argv):
    if argv[:1] == ["--status"]:
        if len(argv) != 2:
            print("usage: ci/repro-table.py --status REPRO_DIR", file=sys.stderr)
            return 2
        try:
            write_status(*status_of_dir(argv[1]), sys.stdout)
        except Bad as e:
            print(f"repro-table: {e}", file=sys.stderr)
            return 1
        return 0
    opt = {"--ports": os.path.join(TOP, "ports"), "--stages": os.path.join(TOP, "bootstrap"),
           "--images": os.path.join(TOP, "images"), "--doc": None}
    args = []
    it = iter(argv)
    for a in it:
        if a in opt:
            opt[a] = next(it, None)
            if opt[a] is None:
                print(f"repro-table: {a} needs a value", file=sys.stderr)
                return 2
        elif a.startswith("-"):
            print(f"repro-table: unknown option '{a}'", file=sys.stderr)
            return 2
        else:
            args.append(a)
    if not args:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    try:
        inputs = [status_of_dir(a) if os.path.isdir(a) else status_of_file(a) for a in args]
        doc = None
        if opt["--doc"]:
            try:
                doc = open(opt["--doc"], encoding="utf-8").read()
            except OSError as e:
                raise Bad(f"{opt['--doc']}: {e.strerror}")
            if doc.count(BEGIN) != 1 or doc.count(END) != 1 or doc.index(BEGIN) > doc.index(END):
                raise Bad(f"{opt['--doc']}: expected one '{BEGIN}' line and one '{END}' line after it")
        b, e = (doc.index(BEGIN), doc.index(END)) if doc else (0, 0)
        causes = old_causes(doc[b:e]) if doc else {}
        t = table(inputs, names_in(opt["--ports"]), names_in(opt["--stages"]),
                  names_in(opt["--images"], ".yaml"), causes)
    except Bad as e:
        print(f"repro-table: {e}", file=sys.stderr)
        return 1
    if doc is None:
        sys.stdout.write(t)
        return 0
    new = doc[:b] + BEGIN + "\n\n" + t + "\n" + doc[e:]
    with open(opt["--doc"] + ".tmp", "w", encoding="utf-8") as f:
        f.write(new)
    os.replace(opt["--doc"] + ".tmp", opt["--doc"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
