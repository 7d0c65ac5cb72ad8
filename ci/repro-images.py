#!/usr/bin/env python3
"""ci/repro-images.py [--json FILE] A B - the image half of `make repro`'s
report (tools/doc/repro.md, "Images"): compares what build 1 and build 2
assembled, each under its own dir A and B:

  A/repo/INDEX, INDEX.sig    the signed repository the images came from
  A/images/NAME-ARCH/        each OCI layout (`make images`), and
  A/images/NAME-ARCH.oci.tar the same layout as one tar

Images are paired by layout name. Every blob is named by its role, found by
walking the layout from index.json: `index.json`, `image index`, per
platform `manifest`, `config`, `layer #N`, and the referrers (`sbom`,
`provenance`, `vex`: the artifact manifest and its document), plus
`.oci.tar`.
A role is identical when its digest is. For a differing layer the members
of the two tars are compared (content, mode, owner, link, only in one); for
a differing JSON blob, the JSON paths whose values differ. Prints one
verdict line per image (`image NAME: identical (...)` or `image NAME:
differs: ROLES`) with the details indented under it, then
`images: N identical, N differ, N only in A, N only in B`.

--json FILE also writes the report as JSON (read by ci/repro-table.py).
Exit status: 0 every image and the INDEX identical, 1 differences, 2 an
input that cannot be read (one message naming the file)."""
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
ARTIFACT = {"application/spdx+json": "sbom",
            "application/vnd.in-toto+json": "provenance"}
# in-toto referrers share one artifactType: the predicate type (an
# annotation, tools/doc/image.md) tells the image VEX from the provenance
PREDICATE = {"https://openvex.dev/ns/v0.2.0": "vex",
             "https://slsa.dev/provenance/v1": "provenance"}
MAX_DETAIL = 20  # detail lines kept per differing blob; the rest counted


class Unreadable(Exception):
    pass


def sha256_file(path):
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for b in iter(lambda: f.read(1 << 20), b""):
                h.update(b)
    except OSError as e:
        raise Unreadable(f"{path}: {e.strerror}")
    return "sha256:" + h.hexdigest()


def blob_path(layout, digest):
    alg, _, hexd = digest.partition(":")
    if alg != "sha256" or len(hexd) != 64 or not all(c in "0123456789abcdef" for c in hexd):
        raise Unreadable(f"{layout}: descriptor digest '{digest[:80]}', expected sha256:64 hex digits")
    return os.path.join(layout, "blobs", alg, hexd)


def read_json(path):
    try:
        with open(path, "rb") as f:
            return json.load(f)
    except OSError as e:
        raise Unreadable(f"{path}: {e.strerror}")
    except ValueError as e:
        raise Unreadable(f"{path}: not JSON: {e}")


def platform(d):
    p = d.get("platform") or {}
    return "/".join(x for x in (p.get("architecture"), p.get("variant")) if x)


def roles(layout):
    """{role: descriptor} of every blob reachable from index.json, and the
    file index.json itself as a pseudo-descriptor."""
    out = {"index.json": {"digest": sha256_file(os.path.join(layout, "index.json")),
                          "file": os.path.join(layout, "index.json")}}
    top = read_json(os.path.join(layout, "index.json"))
    arch_of = {}  # manifest digest -> platform, to name referrers
    pending = []

    def walk(doc, where):
        for i, d in enumerate(doc.get("manifests", [])):
            mt = d.get("mediaType")
            if mt == OCI_INDEX:
                out["image index" if where == "top" else f"image index {where}.{i}"] = d
                walk(read_json(blob_path(layout, d["digest"])), f"{where}.{i}")
            elif mt == OCI_MANIFEST and "artifactType" not in d:
                plat = platform(d) or f"#{i}"
                arch_of[d["digest"]] = plat
                out[f"manifest {plat}"] = d
                m = read_json(blob_path(layout, d["digest"]))
                out[f"config {plat}"] = m.get("config", {})
                for k, lay in enumerate(m.get("layers", [])):
                    out[f"layer {plat} #{k}"] = lay
            elif mt == OCI_MANIFEST:
                pending.append(d)

    walk(top, "top")
    for n, d in enumerate(pending):
        kind = ARTIFACT.get(d.get("artifactType"), d.get("artifactType", "artifact"))
        kind = PREDICATE.get((d.get("annotations") or {}).get("in-toto.io/predicate-type"), kind)
        m = read_json(blob_path(layout, d["digest"]))
        plat = arch_of.get((m.get("subject") or {}).get("digest"), f"#{n}")
        out[f"{kind} {plat}"] = d
        for k, lay in enumerate(m.get("layers", [])):
            out[f"{kind} {plat} document" + (f" #{k}" if k else "")] = lay
    tar = layout.rstrip("/") + ".oci.tar"
    out[".oci.tar"] = {"digest": sha256_file(tar), "file": tar} if os.path.exists(tar) else None
    return out


def flat(x, path="", out=None):
    """JSON as {path: scalar}, to name what differs"""
    out = {} if out is None else out
    if isinstance(x, dict):
        for k, v in x.items():
            flat(v, f"{path}.{k}" if path else k, out)
    elif isinstance(x, list):
        for i, v in enumerate(x):
            flat(v, f"{path}[{i}]", out)
    else:
        out[path] = x
    return out


def json_detail(a, b, follow):
    """the JSON paths whose values differ; a value that only names another
    differing blob of the image (its digest, in any spelling) follows from
    that blob's own difference and is counted, not listed"""
    fa, fb = flat(a), flat(b)
    lines, refs = [], 0
    for k in sorted(set(fa) | set(fb)):
        if fa.get(k, ...) != fb.get(k, ...):
            va, vb = str(fa.get(k, "")), str(fb.get(k, ""))
            if any(h in va for h in follow[0]) and any(h in vb for h in follow[1]):
                refs += 1
                continue
            va = json.dumps(fa[k]) if k in fa else "(none)"
            vb = json.dumps(fb[k]) if k in fb else "(none)"
            lines.append(f"{k}: {va[:100]} -> {vb[:100]}")
    if refs:
        lines.append(f"(and {refs} digest{'s' if refs > 1 else ''} of the blobs that differ)")
    return lines


def tar_members(path, media):
    """{name: (type, mode, uid, gid, size, link, sha256)} of a layer"""
    if media.endswith("+zstd"):
        p = subprocess.run(["zstd", "-dcq", path], capture_output=True)
        if p.returncode:
            raise Unreadable(f"{path}: zstd: {p.stderr.decode(errors='replace').strip()}")
        f = io.BytesIO(p.stdout)
    elif media.endswith("+gzip"):
        f = gzip.open(path, "rb")
    else:
        f = open(path, "rb")
    out = {}
    try:
        with f, tarfile.open(fileobj=f, mode="r|") as t:
            for m in t:
                h = ""
                if m.isreg():
                    h = hashlib.sha256(t.extractfile(m).read()).hexdigest()
                out[m.name] = (m.type.decode(), m.mode, m.uid, m.gid, m.size, m.linkname, h)
    except (OSError, tarfile.TarError, EOFError) as e:
        raise Unreadable(f"{path}: not a readable layer tar: {e}")
    return out


def layer_detail(pa, pb, media):
    ma, mb = tar_members(pa, media), tar_members(pb, media)
    lines = []
    for n in sorted(set(ma) | set(mb)):
        if n not in mb:
            lines.append(f"{n}: only in A")
        elif n not in ma:
            lines.append(f"{n}: only in B")
        elif ma[n] != mb[n]:
            (ta, moa, ua, ga, sa, la, ha), (tb, mob, ub, gb, sb, lb, hb) = ma[n], mb[n]
            what = []
            if ta != tb:
                what.append("type differs")
            if moa != mob:
                what.append(f"mode {moa:04o} -> {mob:04o}")
            if (ua, ga) != (ub, gb):
                what.append(f"owner {ua}:{ga} -> {ub}:{gb}")
            if la != lb:
                what.append(f"link {la} -> {lb}")
            if ha != hb or sa != sb:
                what.append("content differs")
            lines.append(f"{n}: {', '.join(what)}")
    if not lines:
        lines.append("every member is identical: only the tar or compression bytes differ")
    return lines


def blob_detail(la, lb, da, db, follow):
    """what differs inside two blobs of one role"""
    media = da.get("mediaType", "")
    pa, pb = blob_path(la, da["digest"]), blob_path(lb, db["digest"])
    if "tar" in media and "layer" in media:
        return layer_detail(pa, pb, media)
    if media.endswith("json") or media in (OCI_INDEX, OCI_MANIFEST) or "config" in media:
        try:
            return json_detail(read_json(pa), read_json(pb), follow)
        except Unreadable:
            pass
    return [f"{media or 'blob'}: bytes differ"]


def compare_image(la, lb):
    ra, rb = roles(la), roles(lb)
    blobs = []
    differ = [r for r in set(ra) | set(rb) if ra.get(r) and rb.get(r) and ra[r]["digest"] != rb[r]["digest"]]
    follow = ({ra[r]["digest"][7:] for r in differ}, {rb[r]["digest"][7:] for r in differ})
    for role in list(ra) + [r for r in rb if r not in ra]:
        da, db = ra.get(role), rb.get(role)
        e = {"role": role,
             "a": da["digest"] if da else None, "b": db["digest"] if db else None,
             "size_a": da.get("size") if da else None, "size_b": db.get("size") if db else None}
        e["identical"] = bool(da and db and da["digest"] == db["digest"])
        if da and db and not e["identical"] and role not in ("index.json", ".oci.tar"):
            d = blob_detail(la, lb, da, db, follow)
            e["detail"], e["omitted"] = d[:MAX_DETAIL], max(0, len(d) - MAX_DETAIL)
        blobs.append(e)
    return blobs


def index_stanzas(path):
    """INDEX as {package name: stanza text}, '' for the header"""
    try:
        text = open(path, encoding="utf-8", errors="replace").read()
    except OSError as e:
        raise Unreadable(f"{path}: {e.strerror}")
    out = {}
    for i, st in enumerate(text.split("\n\n")):
        if not st.strip():
            continue
        name = next((ln[6:] for ln in st.splitlines() if ln.startswith("name: ")), None)
        out["" if i == 0 or name is None else name] = st
    return out


def compare_index(a, b):
    ia, ib = os.path.join(a, "repo", "INDEX"), os.path.join(b, "repo", "INDEX")
    if not os.path.exists(ia) or not os.path.exists(ib):
        return None
    r = {"a": sha256_file(ia), "b": sha256_file(ib)}
    r["identical"] = r["a"] == r["b"]
    sa, sb = sha256_file(ia + ".sig"), sha256_file(ib + ".sig")
    r["signature_identical"] = sa == sb
    if not r["identical"]:
        xa, xb = index_stanzas(ia), index_stanzas(ib)
        r["differing"] = sorted(n or "(header)" for n in set(xa) | set(xb) if xa.get(n) != xb.get(n))
    return r


def layouts(d):
    d = os.path.join(d, "images")
    if not os.path.isdir(d):
        raise Unreadable(f"{d}: no such directory (not a build dir of make repro with images?)")
    return {n: os.path.join(d, n) for n in sorted(os.listdir(d))
            if os.path.isfile(os.path.join(d, n, "oci-layout"))}


def short(dg):
    return dg[:19] if dg else "(none)"


def report(a, b):
    la, lb = layouts(a), layouts(b)
    r = {"a": a, "b": b, "index": compare_index(a, b), "images": []}
    for n in sorted(set(la) | set(lb)):
        if n not in lb:
            r["images"].append({"name": n, "verdict": "only in A"})
        elif n not in la:
            r["images"].append({"name": n, "verdict": "only in B"})
        else:
            blobs = compare_image(la[n], lb[n])
            r["images"].append({"name": n, "verdict": "identical" if all(
                x["identical"] for x in blobs) else "differs", "blobs": blobs})
    for k in ("identical", "differs", "only in A", "only in B"):
        r[k.replace(" ", "_")] = sum(1 for i in r["images"] if i["verdict"] == k)
    return r


def render(r, f):
    ix = r["index"]
    if ix is not None:
        if ix["identical"]:
            f.write(f"repository INDEX: identical ({short(ix['a'])}), INDEX.sig "
                    f"{'identical' if ix['signature_identical'] else 'differs'}\n")
        else:
            f.write(f"repository INDEX: differs ({short(ix['a'])} -> {short(ix['b'])}): "
                    f"{', '.join(ix['differing'])}\n")
    for im in r["images"]:
        if im["verdict"] != "differs" and im["verdict"] != "identical":
            f.write(f"image {im['name']}: {im['verdict']}\n")
            continue
        blobs = im["blobs"]
        if im["verdict"] == "identical":
            top = next((x for x in blobs if x["role"] == "image index"), blobs[0])
            tar = next((x for x in blobs if x["role"] == ".oci.tar"), None)
            f.write(f"image {im['name']}: identical ({len(blobs) - 2} blobs, image index "
                    f"{short(top['a'])}, .oci.tar {short(tar['a'] if tar else None)})\n")
            continue
        diff = [x for x in blobs if not x["identical"]]
        same = [x["role"] for x in blobs if x["identical"]]
        f.write(f"image {im['name']}: differs: {', '.join(x['role'] for x in diff)}\n")
        for x in diff:
            f.write(f"  {x['role']}: A {short(x['a'])} -> B {short(x['b'])}\n")
            for ln in x.get("detail", []):
                f.write(f"    {ln}\n")
            if x.get("omitted"):
                f.write(f"    ({x['omitted']} more not shown)\n")
        if same:
            f.write(f"  identical: {', '.join(same)}\n")
    f.write(f"images: {r['identical']} identical, {r['differs']} differ, "
            f"{r['only_in_A']} only in A, {r['only_in_B']} only in B\n")


def a_or_b(argv):
    return " or ".join(argv)


def main(argv):
    out = None
    if argv[:1] == ["--json"] and len(argv) > 1:
        out, argv = argv[1], argv[2:]
    if len(argv) != 2:
        print("usage: ci/repro-images.py [--json FILE] A B", file=sys.stderr)
        return 2
    try:
        r = report(*argv)
    except Unreadable as e:
        print(f"repro-images: {e}", file=sys.stderr)
        return 2
    except (KeyError, TypeError, AttributeError) as e:
        print(f"repro-images: {a_or_b(argv)}: an OCI document lacks or mistypes {e}", file=sys.stderr)
        return 2
    render(r, sys.stdout)
    if out:
        with open(out + ".tmp", "w") as f:
            json.dump(r, f, indent=1, sort_keys=True)
        os.replace(out + ".tmp", out)
    ix = r["index"]
    same = r["differs"] == r["only_in_A"] == r["only_in_B"] == 0 and (
        ix is None or (ix["identical"] and ix["signature_identical"]))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
