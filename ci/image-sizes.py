#!/usr/bin/env python3
"""ci/image-sizes.py LAYOUT... - image sizes as `podman images` and docker
count them, per image and arch of each OCI layout (`make image-sizes`):

  uncompressed  the sum of the layers' uncompressed sizes
  compressed    the sum of the blobs a registry stores for that arch:
                manifest, config and layers (referrers - SBOM, provenance -
                are not counted: they are not pulled with the image)

and each image's ten largest files (regular files of its layers). Prints
Markdown for images/README.md. Exit 1 if a layout cannot be read."""
import gzip
import json
import os
import subprocess
import sys
import tarfile

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"


def blob_path(layout, digest):
    alg, _, hexd = digest.partition(":")
    return os.path.join(layout, "blobs", alg, hexd)


def read_json(layout, digest):
    with open(blob_path(layout, digest), "rb") as f:
        return json.load(f)


def images(layout, desc=None):
    """(platform, manifest descriptor) of every image manifest, depth first;
    artifact manifests (referrers) are skipped."""
    doc = read_json(layout, desc["digest"]) if desc else json.load(
        open(os.path.join(layout, "index.json")))
    for d in doc.get("manifests", []):
        if d.get("mediaType") == OCI_INDEX:
            yield from images(layout, d)
        elif d.get("mediaType") == OCI_MANIFEST and "artifactType" not in d:
            m = read_json(layout, d["digest"])
            if m.get("config", {}).get("mediaType") == OCI_CONFIG:
                p = d.get("platform", {})
                yield "/".join(x for x in (p.get("os"), p.get("architecture"),
                                           p.get("variant")) if x), d, m


def layer_stream(layout, layer):
    path = blob_path(layout, layer["digest"])
    mt = layer["mediaType"]
    if mt.endswith("+gzip"):
        return gzip.open(path, "rb")
    if mt.endswith("+zstd"):
        return subprocess.Popen(["zstd", "-dcq", path],
                                stdout=subprocess.PIPE).stdout
    return open(path, "rb")


def layer_files(layout, layer):
    """(uncompressed size, [(size, name)] of regular files)"""
    files, total = [], 0
    with layer_stream(layout, layer) as f:
        class Count:
            def read(self, n=-1):
                nonlocal total
                b = f.read(n)
                total += len(b)
                return b
        with tarfile.open(fileobj=Count(), mode="r|") as t:
            for m in t:
                if m.isreg():
                    files.append((m.size, m.name))
        # the tar's end padding after the last member
        while Count().read(1 << 16):
            pass
    return total, files


def main(layouts):
    rc = 0
    for layout in layouts:
        name = os.path.basename(os.path.normpath(layout))
        try:
            found = list(images(layout))
        except (OSError, ValueError, KeyError) as e:
            print(f"image-sizes: {layout}: {e}", file=sys.stderr)
            rc = 1
            continue
        for plat, desc, m in found:
            comp = desc["size"] + m["config"]["size"] + sum(
                lay["size"] for lay in m["layers"])
            unc, files = 0, []
            for lay in m["layers"]:
                u, fl = layer_files(layout, lay)
                unc += u
                files += fl
            files.sort(key=lambda x: (-x[0], x[1]))
            print(f"### {name} ({plat})\n")
            print("| | bytes |\n|---|---|")
            print(f"| uncompressed (layers) | {unc:,} |")
            print(f"| compressed (manifest + config + layers) | {comp:,} |")
            print(f"| files / layers | {len(files)} / {len(m['layers'])} |\n")
            print("| ten largest files | bytes |\n|---|---|")
            for size, fname in files[:10]:
                print(f"| `{fname}` | {size:,} |")
            print()
    return rc


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: ci/image-sizes.py LAYOUT...")
    sys.exit(main(sys.argv[1:]))
