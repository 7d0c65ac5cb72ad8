#!/bin/sh
# krill image end to end on packages built here for ARCH=host (image_lib.sh),
# signed as x86_64 and, relabelled, as aarch64 (the aarch64 repository holds
# the same x86_64 binaries: the 2-arch case proves the layout - index,
# platforms, one manifest and its referrers per arch - not aarch64 code).
# Checked with real clients: skopeo inspect/copy, umoci unpack, oci-image-tool,
# podman load + image inspect, and the rootfs run with bwrap alone.
. "$TOP/tools/tests/integration/image_lib.sh"
export SOURCE_DATE_EPOCH=1700000000

mkdir -p "$T/keys" && "$KRILL" keygen test --dir "$T/keys" >/dev/null
build_ports "$T"
check "host ports built" '[ $? -eq 0 ]' || tail -20 "$T/ports.out"
relabel "$T" x86_64 "$T/tree/repo-x86_64"
relabel "$T" aarch64 "$T/tree/repo-aarch64"
mkdir -p "$T/tree/images" "$T/tree/keys" && cp "$T/keys/test.pub" "$T/tree/keys/"
cat >"$T/tree/images/demo.yaml" <<'Y'
description: test image of host-built packages
contents:
  repositories: ["../repo-${arch}"]
  keyring: [../keys/test.pub]
  packages: [tbase, tlibc, greet]
accounts:
  groups: [{groupname: nonroot, gid: 65532}]
  users: [{username: nonroot, uid: 65532, gid: 65532}]
  run-as: "65532"
entrypoint: [/usr/bin/greet]
environment: {PATH: /usr/bin, SSL_CERT_FILE: /etc/ssl/certs/ca-certificates.crt}
work-dir: /
archs: [x86_64, aarch64]
annotations: {org.opencontainers.image.url: "https://example.org/krill"}
paths:
  - {path: /data, type: directory, uid: 65532, gid: 65532, permissions: "0750"}
  - {path: /etc/greeting, type: empty-file}
Y
cd "$T/tree" || exit 1
K() { "$KRILL" image images/demo.yaml -q "$@"; }

# --- one arch, referrers in index.json (what umoci 0.4 can resolve)
K --arch x86_64 -o out/one --referrers layout >"$T/one.out" 2>&1
check "1-arch image builds" '[ $? -eq 0 ]' || cat "$T/one.out"
check "layout files" '[ -f out/one/oci-layout ] && [ -f out/one/index.json ] && [ -d out/one/blobs/sha256 ] && [ -f out/one.oci.tar ]'
blob() { cat "out/$1/blobs/sha256/${2#sha256:}"; }
jq_py() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
top=$(jq_py 'd["manifests"][0]["digest"]' <out/one/index.json)
man=$(blob one "$top" | jq_py 'd["manifests"][0]["digest"]')
cfg=$(blob one "$man" | jq_py 'd["config"]["digest"]')
lay=$(blob one "$man" | jq_py 'd["layers"][0]["digest"]')
check "index.json: image index tagged demo, referrers untagged beside it" \
	'[ "$(jq_py "[m.get(\"annotations\",{}).get(\"org.opencontainers.image.ref.name\",\"-\")+\":\"+m.get(\"artifactType\",\"image\") for m in d[\"manifests\"]]" <out/one/index.json)" = "['"'"'demo:image'"'"', '"'"'-:application/spdx+json'"'"', '"'"'-:application/vnd.in-toto+json'"'"']" ]'
check "config: user, env, entrypoint, workdir, created, diff_id" \
	'[ "$(blob one "$cfg" | jq_py "d[\"config\"][\"User\"], d[\"config\"][\"Env\"][1], d[\"config\"][\"Entrypoint\"], d[\"config\"][\"WorkingDir\"], d[\"created\"], d[\"architecture\"]")" = "65532 SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt ['"'"'/usr/bin/greet'"'"'] / 2023-11-14T22:13:20Z amd64" ]'
check "diff_id is the sha256 of the uncompressed layer" \
	'[ "$(blob one "$cfg" | jq_py "d[\"rootfs\"][\"diff_ids\"][0]")" = "sha256:$(blob one "$lay" | gzip -dc | sha256sum | cut -c1-64)" ]'
check "gzip header: no name, mtime 0, OS 255" \
	'[ "$(blob one "$lay" | head -c 10 | od -An -tx1 | tr -d " \n")" = "1f8b08000000000002ff" ]'
check "licenses annotation: AND over the packages, deduplicated" \
	'blob one "$man" | grep -q "\"org.opencontainers.image.licenses\":\"(Apache-2.0 OR MIT) AND LGPL-2.1-or-later AND MIT\""'
sbom_m=$(jq_py 'd["manifests"][1]["digest"]' <out/one/index.json)
check "SBOM referrer: subject is the manifest, layer is SPDX 2.3" \
	'[ "$(blob one "$sbom_m" | jq_py "d[\"subject\"][\"digest\"], d[\"artifactType\"], d[\"config\"][\"mediaType\"]")" = "$man application/spdx+json application/vnd.oci.empty.v1+json" ] && blob one "$(blob one "$sbom_m" | jq_py "d[\"layers\"][0][\"digest\"]")" | grep -q SPDX-2.3'
# the image SBOM and the SBOM of every package in the image: the official
# SPDX 2.3 schema and the rules spdx/tools-python adds (tools/tests/spdx)
mkdir -p "$T/spdx"
blob one "$(blob one "$sbom_m" | jq_py 'd["layers"][0]["digest"]')" >"$T/spdx/image.spdx.json"
for f in "$T"/tree/repo-x86_64/*.pkg.tar.zst; do
	zstd -dc "$f" | tar -xOf - .SBOM.spdx.json >"$T/spdx/$(basename "$f" .pkg.tar.zst).spdx.json"
done
python3 "$TOP/tools/tests/spdx/check_spdx.py" "$T"/spdx/*.spdx.json >"$T/spdx.out" 2>&1
spdx_rc=$?
WHY="rc $spdx_rc: $(cat "$T/spdx.out")"
check "image SBOM and its package SBOMs pass the SPDX 2.3 schema" '[ $spdx_rc = 0 ] && [ $(ls "$T/spdx" | wc -l) -ge 4 ]'
check "layer: owners 0 except paths:, mtimes clamped, sorted" \
	'blob one "$lay" | gzip -dc | tar -tv --numeric-owner >"$T/tv" && grep -q "^drwxr-x--- 65532/65532 .* data/$" "$T/tv" && ! grep -v " 0/0 " "$T/tv" | grep -v -e " data/$" -e " home/nonroot/$" | grep -q . && ! grep -qv "2023-11-14 22:13" "$T/tv" && blob one "$lay" | gzip -dc | tar -t | LC_ALL=C sort -c'
check "db, keys and repositories in the image; no download cache" \
	'blob one "$lay" | gzip -dc | tar -t >"$T/t" && grep -qx "var/lib/krill/installed" "$T/t" && grep -qx "etc/krill/keys/test.pub" "$T/t" && grep -qx "etc/krill/repositories" "$T/t" && ! grep -q "var/cache/krill" "$T/t"'

# the db pins each URL to the repository it served (krill add's
# mix-and-match check); a build host's repository path means nothing in the
# image and would tie its bytes to where it was built
check "the db pins no build-host path" \
	'blob one "$lay" | gzip -dc | tar -xOf - var/lib/krill/installed >"$T/db" && grep -q "^repo " "$T/db" && ! grep -q "^pin " "$T/db"'
check_cmd "skopeo inspect oci:DIR:TAG" sh -c 'skopeo inspect oci:out/one:demo | grep -q "\"Architecture\": \"amd64\""'
check_cmd "skopeo copy oci: -> docker-archive:" skopeo copy -q oci:out/one:demo "docker-archive:$T/d.tar:demo:latest"
check_cmd "umoci unpack (gzip)" umoci unpack --image out/one:demo "$T/bundle"
check "passwd/group merged with the base package's" \
	'grep -qx "nonroot:x:65532:65532::/home/nonroot:/sbin/nologin" "$T/bundle/rootfs/etc/passwd" && grep -qx "root:x:0:0:root:/root:/bin/sh" "$T/bundle/rootfs/etc/passwd" && grep -qx "nonroot:x:65532:" "$T/bundle/rootfs/etc/group"'
check_cmd "the rootfs runs the program with nothing of the host (bwrap)" sh -c \
	"bwrap --unshare-all --bind '$T/bundle/rootfs' / --proc /proc --dev /dev /usr/bin/greet | grep -qx 'hello, krill'"
# oci-image-tool 1.0.0-rc1 (2017) predates OCI 1.1: its layout walk refuses
# the empty config of artifact manifests, so every document is validated
# against its own schema instead.
ok=1
for b in out/one/blobs/sha256/*; do
	t=$(python3 -c "import json,sys
try: d=json.load(open(sys.argv[1]))
except Exception: sys.exit()
print({'application/vnd.oci.image.manifest.v1+json':'manifest','application/vnd.oci.image.index.v1+json':'imageIndex'}.get(d.get('mediaType'),'config' if 'rootfs' in d else ''))" "$b")
	[ -n "$t" ] || continue
	oci-image-tool validate --type "$t" "$b" >/dev/null 2>&1 || { ok=0; echo "oci-image-tool: $t $b refused"; }
done
check "oci-image-tool validate: index, manifests, configs" '[ $ok -eq 1 ]'

# --- two arches, referrers in the image index (what podman load reads)
K --arch x86_64 --arch aarch64 -o out/two >"$T/two.out" 2>&1
check "2-arch image builds" '[ $? -eq 0 ]' || cat "$T/two.out"
top2=$(jq_py 'd["manifests"][0]["digest"]' <out/two/index.json)
check "index.json holds one entry" '[ "$(jq_py "len(d[\"manifests\"])" <out/two/index.json)" = 1 ]'
check "image index: amd64 and arm64/v8 manifests, then 4 referrers" \
	'[ "$(blob two "$top2" | jq_py "[(m.get(\"platform\",{}).get(\"architecture\",\"-\"), m.get(\"platform\",{}).get(\"variant\",\"-\"), m.get(\"artifactType\",\"-\")) for m in d[\"manifests\"]]" | tr -d "'"'"' ")" = "[(amd64,-,-),(arm64,v8,-),(-,-,application/spdx+json),(-,-,application/vnd.in-toto+json),(-,-,application/spdx+json),(-,-,application/vnd.in-toto+json)]" ]'
check "the amd64 manifest is the 1-arch image's" \
	'[ "$(blob two "$top2" | jq_py "d[\"manifests\"][0][\"digest\"]")" = "$man" ]'
check_cmd "skopeo inspect --override-arch arm64" sh -c 'skopeo inspect --override-arch arm64 oci:out/two:demo | grep -q "\"Architecture\": \"arm64\""'
podman rmi -f localhost/demo:latest >/dev/null 2>&1
check_cmd "podman load of DIR.oci.tar" podman load -q -i out/two.oci.tar
check "podman image inspect" \
	'[ "$(podman image inspect localhost/demo:latest --format "{{.Architecture}} {{.Config.User}} {{.Config.Entrypoint}}")" = "amd64 65532 [/usr/bin/greet]" ]'
podman rmi -f localhost/demo:latest >/dev/null 2>&1
K --arch x86_64 -o out/z --compression zstd >"$T/z.out" 2>&1
check "zstd layers" '[ $? -eq 0 ] && blob z "$(blob z "$(jq_py "d[\"manifests\"][0][\"digest\"]" <out/z/index.json)" | jq_py "d[\"manifests\"][0][\"digest\"]")" | grep -q "tar+zstd"'
check_cmd "skopeo copy of the zstd image" skopeo copy -q oci:out/z:demo "dir:$T/zdir"

# --- determinism: again, and from another checkout path, other umask
sums() { (cd "$1" && find . -type f | LC_ALL=C sort | xargs sha256sum; sha256sum "../$(basename "$1").oci.tar" | cut -c1-64); }
sums out/two >"$T/s1"
K --arch x86_64 --arch aarch64 -o out/two >/dev/null 2>&1
sums out/two >"$T/s2"
check_cmd "same inputs, same bytes (twice)" cmp "$T/s1" "$T/s2"
mkdir -p "$T/else" && cp -r "$T/tree/images" "$T/tree/keys" "$T/tree/repo-x86_64" "$T/tree/repo-aarch64" "$T/else/"
(cd "$T/else" && umask 077 && TZ=Asia/Tokyo "$KRILL" image images/demo.yaml -q --arch x86_64 --arch aarch64 -o out/two) >/dev/null 2>&1
sums "$T/else/out/two" >"$T/s3"
check_cmd "same bytes from another checkout path and umask" cmp "$T/s1" "$T/s3"
unset SOURCE_DATE_EPOCH
K --arch x86_64 -o out/sde >/dev/null 2>&1
check "without SOURCE_DATE_EPOCH: the newest package file's time" \
	'[ $? -eq 0 ] && blob sde "$(jq_py "d[\"manifests\"][0][\"digest\"]" <out/sde/index.json)" | grep -q "\"org.opencontainers.image.created\":\"20"'
export SOURCE_DATE_EPOCH=1700000000

# --- make: image-files (what `make images` runs after `make index`) and
# images-multi, from OUT/ARCH/repo with the KEY's public half
mkdir -p "$T/mk/out/x86_64" "$T/mk/out/aarch64" "$T/mk/images"
cp -r repo-x86_64 "$T/mk/out/x86_64/repo" && cp -r repo-aarch64 "$T/mk/out/aarch64/repo"
grep -v -e '^  repositories:' -e '^  keyring:' images/demo.yaml >"$T/mk/images/demo.yaml"
mk() { make -C "$TOP" SAN="${SAN:-0}" OUT="$T/mk/out" IMAGES_DIR="$T/mk/images" KEY="$T/keys/test.pem" "$@"; }
mk image-files ARCH=x86_64 >"$T/mk1" 2>&1
check "make image-files builds NAME-ARCH" '[ $? -eq 0 ] && [ -f "$T/mk/out/images/demo-x86_64/index.json" ] && [ -f "$T/mk/out/images/demo-x86_64.oci.tar" ]' || cat "$T/mk1"
mk image-files ARCH=x86_64 >"$T/mk2" 2>&1
check "a second make image-files does nothing" 'grep -q "Nothing to be done" "$T/mk2" && ! grep -q "^image:" "$T/mk2"'
mk images-multi ARCHES="x86_64 aarch64" >"$T/mk3" 2>&1
check "make images-multi: one index over both arches" \
	'[ $? -eq 0 ] && [ "$(cat "$T/mk/out/images/demo/blobs/sha256/$(jq_py "d[\"manifests\"][0][\"digest\"][7:]" <"$T/mk/out/images/demo/index.json")" | jq_py "len([m for m in d[\"manifests\"] if \"platform\" in m])")" = 2 ]' || cat "$T/mk3"
mk image-sizes ARCH=x86_64 >"$T/sizes" 2>&1
lay=$T/mk/out/images/demo-x86_64
man=$(jq_py "d[\"manifests\"][0][\"digest\"][7:]" <"$lay/index.json")
# make's layout: index.json -> image index -> the manifest
man=$(jq_py "d[\"manifests\"][0][\"digest\"][7:]" <"$lay/blobs/sha256/$man")
want_unc=0 want_comp=$(stat -c %s "$lay/blobs/sha256/$man")
for b in $(jq_py "' '.join([d[\"config\"][\"digest\"][7:]] + [l[\"digest\"][7:] for l in d[\"layers\"]])" <"$lay/blobs/sha256/$man"); do
	want_comp=$((want_comp + $(stat -c %s "$lay/blobs/sha256/$b")))
	file "$lay/blobs/sha256/$b" | grep -q gzip && want_unc=$((want_unc + $(gzip -dc "$lay/blobs/sha256/$b" | wc -c)))
done
big=$(tar -tvzf "$lay/blobs/sha256/$(jq_py "d[\"layers\"][0][\"digest\"][7:]" <"$lay/blobs/sha256/$man")" | sort -k3,3nr | head -n 1 | awk '{print $NF}')
fmt() { python3 -c "print(f'{$1:,}')"; }
check "make image-sizes: uncompressed layers, compressed blobs, largest file" \
	'grep -q "^| uncompressed (layers) | $(fmt $want_unc) |" "$T/sizes" && grep -q "^| compressed (manifest + config + layers) | $(fmt $want_comp) |" "$T/sizes" && sed -n "/ten largest/,\$p" "$T/sizes" | sed -n 3p | grep -qF "$big"' || cat "$T/sizes"
"$KRILL" lint --ports "$T/ports" --images images >"$T/lint" 2>&1
check "krill lint --images: a good spec is clean" '[ $? -eq 0 ]' || cat "$T/lint"

# --- the image's own VEX: what the repository's signed OpenVEX feed says
# of the installed packages, restated about the image (an in-toto
# referrer, as Docker Scout publishes and Trivy's --vex oci reads)
mkdir -p "$T/vexports"
cp -r "$T/ports/greet" "$T/ports/libgreet" "$T/ports/tbase" "$T/ports/tlibc" "$T/vexports/"
printf 'secfixes:\n  1.0-r1:\n    - CVE-2026-0001\n' >>"$T/vexports/greet/port.yaml"
printf 'not-affected:\n  - id: CVE-2026-0002\n    justification: vulnerable_code_not_present\n' >>"$T/vexports/libgreet/port.yaml"
cp -r repo-x86_64 vexrepo-x86_64
"$KRILL" index vexrepo-x86_64 --key "$T/keys/test.pem" --arch x86_64 --ports "$T/vexports" >"$T/vidx" 2>&1
check "a repository with an OpenVEX feed" '[ $? -eq 0 ] && [ -f vexrepo-x86_64/openvex.json ]' || cat "$T/vidx"
sed 's|\.\./repo-\${arch}|../vexrepo-${arch}|' images/demo.yaml >images/vex.yaml
"$KRILL" image images/vex.yaml -q --arch x86_64 -o out/vex --referrers layout >"$T/vex.out" 2>&1
check "image from it builds" '[ $? -eq 0 ]' || cat "$T/vex.out"
vman=$(blob vex "$(jq_py 'd["manifests"][0]["digest"]' <out/vex/index.json)" | jq_py 'd["manifests"][0]["digest"]')
vref=$(jq_py '" ".join(m["digest"] for m in d["manifests"][1:] if m.get("annotations",{}).get("in-toto.io/predicate-type") == "https://openvex.dev/ns/v0.2.0")' <out/vex/index.json)
check "a VEX referrer, named by its predicate-type annotation" \
	'[ "$(echo $vref | wc -w)" = 1 ] && [ "$(blob vex "$vref" | jq_py "d[\"artifactType\"], d[\"subject\"][\"digest\"], d[\"layers\"][0][\"mediaType\"], d[\"layers\"][0][\"annotations\"][\"in-toto.io/predicate-type\"], d[\"annotations\"][\"in-toto.io/predicate-type\"]")" = "application/vnd.in-toto+json $vman application/vnd.in-toto+json https://openvex.dev/ns/v0.2.0 https://openvex.dev/ns/v0.2.0" ]'
check "the provenance referrer names its predicate type too" \
	'jq_py "[m[\"annotations\"].get(\"in-toto.io/predicate-type\") for m in d[\"manifests\"][1:]]" <out/vex/index.json | grep -q "https://slsa.dev/provenance/v1"'
blob vex "$(blob vex "$vref" | jq_py 'd["layers"][0]["digest"]')" >"$T/vex.json"
python3 -c 'import json,sys; json.dump(json.load(open(sys.argv[1]))["predicate"], open(sys.argv[2], "w"))' "$T/vex.json" "$T/vex-pred.json"
python3 "$TOP/tools/tests/openvex/check_openvex.py" "$T/vex-pred.json" >"$T/vexcheck" 2>&1
vrc=$?
WHY="rc $vrc: $(cat "$T/vexcheck")"
check "the image VEX passes the OpenVEX schema" '[ $vrc = 0 ]'
WHY=$(cat "$T/vex.json")
check "in-toto statement about the manifest, OpenVEX predicate" \
	'[ "$(jq_py "d[\"_type\"], d[\"subject\"][0][\"name\"], \"sha256:\"+d[\"subject\"][0][\"digest\"][\"sha256\"], d[\"predicateType\"], d[\"predicate\"][\"timestamp\"]" <"$T/vex.json")" = "https://in-toto.io/Statement/v1 vex $vman https://openvex.dev/ns/v0.2.0 2023-11-14T22:13:20Z" ]'
check "each statement about the image, the installed packages as subcomponents" \
	'[ "$(jq_py "sorted((s[\"vulnerability\"][\"name\"], s[\"status\"], p[\"@id\"], [c[\"@id\"] for c in p[\"subcomponents\"]]) for s in d[\"predicate\"][\"statements\"] for p in s[\"products\"])" <"$T/vex.json")" = "[('"'"'CVE-2026-0001'"'"', '"'"'fixed'"'"', '"'"'pkg:oci/vex@sha256%3A${vman#sha256:}?arch=amd64'"'"', ['"'"'pkg:generic/krill/greet@1.0-r1?arch=x86_64'"'"']), ('"'"'CVE-2026-0002'"'"', '"'"'not_affected'"'"', '"'"'pkg:oci/vex@sha256%3A${vman#sha256:}?arch=amd64'"'"', ['"'"'pkg:generic/krill/libgreet@1.0-r1?arch=x86_64'"'"'])]" ]'
check_cmd "oci-image-tool validates the VEX manifest" oci-image-tool validate --type manifest "out/vex/blobs/sha256/${vref#sha256:}"
check_cmd "skopeo inspects the image with it" skopeo inspect --raw oci:out/vex:vex
sums out/vex >"$T/v1"
"$KRILL" image images/vex.yaml -q --arch x86_64 -o out/vex --referrers layout >/dev/null 2>&1
sums out/vex >"$T/v2"
check_cmd "the VEX referrer is deterministic too" cmp "$T/v1" "$T/v2"
sed 's/packages: \[tbase, tlibc, greet\]/packages: [tbase, tlibc]/; /^entrypoint:/d' images/vex.yaml >images/novex.yaml
"$KRILL" image images/novex.yaml -q --arch x86_64 -o out/novex --referrers layout >"$T/novex.out" 2>&1
check "no statement names a package of the image: no VEX referrer" \
	'[ $? -eq 0 ] && [ "$(jq_py "len(d[\"manifests\"])" <out/novex/index.json)" = 3 ]' || cat "$T/novex.out"
# a feed that is not the bytes the signed index names: refused, the
# image left as it was
python3 -c 'import sys; p=sys.argv[1]; b=open(p,"rb").read(); open(p,"wb").write(b.replace(b"CVE-2026-0001", b"CVE-2026-0009"))' vexrepo-x86_64/openvex.json
"$KRILL" image images/vex.yaml -q --arch x86_64 -o out/vex --referrers layout >"$T/err" 2>&1; rc=$?
sums out/vex >"$T/v3"
WHY="rc $rc: $(cat "$T/err")"
check "a tampered OpenVEX feed is refused, the image untouched" \
	'[ $rc = 1 ] && grep -q "openvex.json: security feed refused" "$T/err" && cmp -s "$T/v1" "$T/v3" && ! ls -a out | grep -q tmp'
rm -f images/vex.yaml images/novex.yaml

# --- failures: located, nothing overwritten
state() { sums out/two; }
before=$(state)
fails() { # NAME WANT: the last run failed saying WANT, out/two untouched
	if [ "$rc" -eq 1 ] && grep -q -- "$2" "$T/err" && [ "$(state)" = "$before" ] && ! ls -a out | grep -q tmp; then
		pass "$1"
	else fail "$1" "rc $rc: $(head -c 300 "$T/err")"; fi
}
cp images/demo.yaml "$T/good.yaml"
sed 's/^work-dir: \/$/wrok-dir: \//' "$T/good.yaml" >images/demo.yaml
K --arch x86_64 -o out/two 2>"$T/err"; rc=$?
fails "unknown key: located error, nothing written" "images/demo.yaml:12:1: unknown key 'wrok-dir'"
"$KRILL" lint --ports "$T/ports" --images images >"$T/lint" 2>&1
check "krill lint --images reports it too" '[ $? -eq 1 ] && grep -q "images/demo.yaml:12:1: unknown key" "$T/lint"'
sed 's/packages: \[tbase, tlibc, greet\]/packages: [tbase, tlibc, greet, nothere]/' "$T/good.yaml" >images/demo.yaml
K --arch x86_64 -o out/two 2>"$T/err"; rc=$?
fails "missing package: located error" "images/demo.yaml:5:35: package 'nothere' is not in the repositories for x86_64"
cp "$T/good.yaml" images/demo.yaml
rm repo-aarch64/greet-1.0-r1.aarch64.pkg.tar.zst && "$KRILL" index repo-aarch64 --key "$T/keys/test.pem" --arch aarch64 >/dev/null
K --arch x86_64 --arch aarch64 -o out/two 2>"$T/err"; rc=$?
fails "package missing for one arch: located error" "images/demo.yaml:5:28: package 'greet' is not in the repositories for aarch64"
"$KRILL" keygen other --dir "$T/keys" >/dev/null && cp "$T/keys/other.pub" keys/
sed 's|keyring: \[../keys/test.pub\]|keyring: [../keys/test.pub, ../keys/other.pub]|' "$T/good.yaml" >images/demo.yaml
K --arch x86_64 -o out/two 2>"$T/err"; rc=$?
fails "a key that signed nothing is not embedded" "images/demo.yaml:4:31: key ../keys/other.pub (id [0-9a-f]*) did not sign any repository"
sed 's|keyring: \[../keys/test.pub\]|keyring: [../keys/other.pub]|' "$T/good.yaml" >images/demo.yaml
K --arch x86_64 -o out/two 2>"$T/err"; rc=$?
fails "an untrusted repository is refused (signature)" "which is not among the trusted keys"
sed 's|users: \[{username: nonroot, uid: 65532, gid: 65532}\]|users: [{username: root, uid: 7}]|; s|run-as: "65532"|run-as: root|' "$T/good.yaml" >images/demo.yaml
K --arch x86_64 -o out/two 2>"$T/err"; rc=$?
fails "account clash with the base package: located" "images/demo.yaml:8:22: user root (id 7) clashes"
finish
