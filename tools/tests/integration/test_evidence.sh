#!/bin/sh
# test_evidence.sh - supply-chain evidence of a real host build through
# make (`make index` with a fake toolchain key, as no cross toolchain is
# needed for it): every package SBOM valid under the official SPDX 2.3
# schema (tools/tests/spdx/check_spdx.py) with its depends as DEPENDS_ON;
# every provenance published beside its package in the repo, its subject
# digest that package's, its toolchainKey the key krill graph was given,
# and every file that entered the port's content key (recipe, patches/,
# files/, tree: source, dependency packages) in resolvedDependencies;
# `krill verify` refusing a provenance that names other bytes, a missing
# one (--require-provenance) and a stray one.
. "$(dirname "$0")/lib.sh"
set -u
t=$T
TK=fake-toolchain-key-0123456789abcdef
mkdir -p "$t/tree/ports" "$t/tree/src/greet-1.0" "$t/tree/lib"
printf 'int greet_answer(void) { return 41; }\n' >"$t/tree/lib/answer.c"
printf '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n' >"$t/tree/src/greet-1.0/main.c"
(cd "$t/tree/src" && tar --sort=name --owner=0 --group=0 --mtime=@0 -czf greet-1.0.tar.gz greet-1.0)
sha=$(sha256sum "$t/tree/src/greet-1.0.tar.gz" | cut -c1-64)

# libanswer: a tree: source and files/ (nested); greet: a fetched source, a
# patch, files/, and it depends on libanswer at build and run time
P=$t/tree/ports
mkdir -p "$P/libanswer/files/etc" "$P/greet/patches" "$P/greet/files"
cat >"$P/libanswer/port.yaml" <<'YAML'
name: libanswer
version: 1.0
release: 1
summary: test library
license: MIT
sources:
  - url: tree:lib
build:
  style: custom
  script: |
    cc -O1 -fPIC -shared -Wl,-soname,libanswer.so.1 -o libanswer.so.1 $SRCDIR/lib/answer.c
    install -D -m 755 libanswer.so.1 $DESTDIR/usr/lib/libanswer.so.1
    install -D -m 644 $FILESDIR/etc/answer.conf $DESTDIR/etc/answer.conf
YAML
printf 'answer = 42\n' >"$P/libanswer/files/etc/answer.conf"
cat >"$P/greet/port.yaml" <<YAML
name: greet
version: 1.0
release: 1
summary: test program
license: Apache-2.0 OR MIT
cpe: cpe:2.3:a:example:greet:\${version}:*:*:*:*:*:*:*
purl: pkg:generic/greet@\${version}
secfixes:
  1.0-r1: [CVE-2026-0001]
not-affected:
  - id: CVE-2026-0002
    justification: vulnerable_code_not_present
    impact: greet has no network code
sources:
  - url: file://$t/tree/src/greet-\${version}.tar.gz
    sha256: $sha
build-depends: [libanswer]
depends: [libanswer]
build:
  style: custom
  script: |
    cc -O1 -o greet \$SRCDIR/main.c /sysroot/usr/lib/libanswer.so.1
    install -D -m 755 greet \$DESTDIR/usr/bin/greet
    install -D -m 644 \$FILESDIR/greet.conf \$DESTDIR/etc/greet.conf
YAML
printf 'greeting = hello\n' >"$P/greet/files/greet.conf"
cat >"$P/greet/patches/0001-louder.patch" <<'PATCH'
--- a/main.c
+++ b/main.c
@@ -1,2 +1,2 @@
 #include <stdio.h>
-int main(void) { puts("hello"); return 0; }
+int main(void) { puts("HELLO"); return 0; }
PATCH

mkdir -p "$t/keys"
"$KRILL" keygen test --dir "$t/keys" >/dev/null 2>&1
make -C "$TOP" ARCH=host SAN="${SAN:-0}" PORTS_DIR="$P" CACHE_DIR="$t/cache" ARCH_BUILD="$t/build" \
	OUT="$t/out" KEY="$t/keys/test.pem" HOST_KEY=$TK index >"$t/make.out" 2>&1
rc=$?
R=$t/out/host/repo
WHY="rc $rc: $(tail -n 20 "$t/make.out")"
check make_index_with_a_toolchain_key '[ $rc = 0 ] && grep -q "^KR_TOOLCHAIN_KEY := $TK$" "$t/build/graph.mk"'
WHY="$(ls "$R" 2>&1)"
check index_publishes_provenance_beside_each_package '[ -f "$R/greet-1.0-r1.host.provenance.json" ] &&
	[ -f "$R/libanswer-1.0-r1.host.provenance.json" ] &&
	[ $(ls "$R"/*.pkg.tar.zst | wc -l) = $(ls "$R"/*.provenance.json | wc -l) ]'
WHY=$(cat "$t/make.out")
check make_index_verifies_provenance 'grep -q "OK: .* 2 packages (2 with provenance)" "$t/make.out"'
# the security feeds of the recipes: named in INDEX, verified by make
# index, the OpenVEX document valid under the OpenVEX schema; the SBOM of
# greet names its cpe and upstream purl
WHY="$(cat "$t/make.out"; head -8 "$R/INDEX")"
check make_index_writes_security_feeds 'grep -q "OK: .*secdb and OpenVEX checked" "$t/make.out" &&
	grep -q "^secdb: " "$R/INDEX" && grep -q "^openvex: " "$R/INDEX" &&
	grep -q "\"CVE-2026-0001\"" "$R/secdb.json" && grep -q "\"vulnerable_code_not_present\"" "$R/openvex.json"'
WHY="$(python3 "$TOP/tools/tests/openvex/check_openvex.py" "$R/openvex.json" 2>&1)"
check make_index_openvex_valid 'python3 "$TOP/tools/tests/openvex/check_openvex.py" "$R/openvex.json"'
tar -xOf "$R/greet-1.0-r1.host.pkg.tar.zst" --zstd .SBOM.spdx.json >"$t/greet.sbom.json" 2>/dev/null
WHY="$(grep -A2 referenceType "$t/greet.sbom.json" | head -20)"
check sbom_names_upstream_cpe_and_purl 'grep -q "\"cpe:2.3:a:example:greet:1.0:\*:\*:\*:\*:\*:\*:\*\"" "$t/greet.sbom.json" &&
	grep -q "\"pkg:generic/greet@1.0\"" "$t/greet.sbom.json"'

# the provenance, checked against the packages and the key's inputs
python3 - "$R" "$P" "$TK" "$t/build/graph.mk" >"$t/prov.out" 2>&1 <<'PY'
import hashlib, json, os, re, sys
repo, ports, tk, frag = sys.argv[1:]
def sha(p):
    return hashlib.sha256(open(p, "rb").read()).hexdigest()
bad = []
trees = dict(re.findall(r"^KR_TREES_\S+ := (\S+)=(\S+)$", open(frag).read(), re.M))
for f in sorted(os.listdir(repo)):
    if not f.endswith(".provenance.json"):
        continue
    pkg = f[: -len(".provenance.json")] + ".pkg.tar.zst"
    st = json.load(open(os.path.join(repo, f)))
    subj = st["subject"]
    if [s["name"] for s in subj] != [pkg] or subj[0]["digest"]["sha256"] != sha(os.path.join(repo, pkg)):
        bad.append("%s: subject %r is not %s's digest" % (f, subj, pkg))
    bd = st["predicate"]["buildDefinition"]
    if bd["internalParameters"]["toolchainKey"] != tk:
        bad.append("%s: toolchainKey %r" % (f, bd["internalParameters"]["toolchainKey"]))
    deps = bd["resolvedDependencies"]
    by = {d.get("name") or d.get("uri"): d["digest"]["sha256"] for d in deps}
    if by.get("toolchain") != tk:
        bad.append("%s: no toolchain entry with the key" % f)
    for d in deps:
        if d.get("uri", "").startswith("debian:"):
            bad.append("%s: debian: pseudo-URI %s" % (f, d["uri"]))
    port = bd["externalParameters"]["port"]
    pdir = os.path.join(ports, port)
    # every file krill graph hashed into the port's key
    want = {"ports/%s/port.yaml" % port: sha(os.path.join(pdir, "port.yaml"))}
    for sub in ("patches", "files"):
        for root, _, names in os.walk(os.path.join(pdir, sub)):
            for n in names:
                p = os.path.join(root, n)
                want["ports/%s/%s" % (port, os.path.relpath(p, pdir))] = sha(p)
    for name, digest in want.items():
        if by.get(name) != digest:
            bad.append("%s: %s (sha256 %s) missing from resolvedDependencies" % (f, name, digest))
    if port == "libanswer" and by.get("tree:lib") != trees.get("lib"):
        bad.append("%s: tree:lib not named with its keyed hash %s" % (f, trees.get("lib")))
    if port == "greet":
        lib = "libanswer-1.0-r1.host.pkg.tar.zst"
        if by.get("package:" + lib) != sha(os.path.join(repo, lib)):
            bad.append("%s: the build dependency %s is not named with its digest" % (f, lib))
        if not any(d.get("uri", "").startswith("file://") and d["uri"].endswith("greet-1.0.tar.gz") for d in deps):
            bad.append("%s: the source is not named" % f)
print("\n".join(bad) or "ok")
PY
WHY=$(cat "$t/prov.out")
check provenance_subjects_keys_and_inputs '[ "$(cat "$t/prov.out")" = ok ]'

# every package SBOM: the official SPDX 2.3 schema and the by-hand rules
mkdir -p "$t/sbom"
for f in "$R"/*.pkg.tar.zst; do
	zstd -dc "$f" | tar -xOf - .SBOM.spdx.json >"$t/sbom/$(basename "$f" .pkg.tar.zst).spdx.json"
done
python3 "$TOP/tools/tests/spdx/check_spdx.py" "$t/sbom"/*.spdx.json >"$t/spdx.out" 2>&1
rc=$?
WHY="rc $rc: $(cat "$t/spdx.out")"
check every_package_sbom_passes_spdx_2_3_schema '[ $rc = 0 ] && [ $(ls "$t/sbom" | wc -l) = 2 ]'
zstd -dc "$R/greet-1.0-r1.host.pkg.tar.zst" | tar -xOf - .PKGINFO >"$t/greet.PKGINFO"
python3 - "$t/sbom/greet-1.0-r1.host.spdx.json" "$t/greet.PKGINFO" >"$t/dep.out" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
want = sorted("krill depend: " + l.split(": ", 1)[1].strip()
              for l in open(sys.argv[2]) if l.startswith("depend: "))
pk = {p["SPDXID"]: p for p in d["packages"]}
on = [pk[r["relatedSpdxElement"]] for r in d["relationships"]
      if r["relationshipType"] == "DEPENDS_ON" and r["spdxElementId"] == "SPDXRef-Package-greet"]
names = sorted(p["name"] for p in on)
refs = [x["referenceLocator"] for p in on for x in p.get("externalRefs", [])]
# one DEPENDS_ON per .PKGINFO depend, a package name with its purl
print("ok" if "libanswer" in names and "pkg:generic/krill/libanswer?arch=host" in refs and
      sorted(p["comment"] for p in on) == want else "DEPENDS_ON: %r %r, depends %r" % (names, refs, want))
PY
WHY=$(cat "$t/dep.out")
check sbom_depends_on_relationships '[ "$(cat "$t/dep.out")" = ok ]'

# krill verify: a provenance naming other bytes, a missing one, a stray one
cp -a "$R" "$t/r2"
p2=$t/r2/greet-1.0-r1.host.provenance.json
python3 - "$p2" <<'PY'
import json, sys
st = json.load(open(sys.argv[1]))
st["subject"][0]["digest"]["sha256"] = "0" * 64
json.dump(st, open(sys.argv[1], "w"))
PY
"$KRILL" verify "$t/r2" --keys "$t/keys" >"$t/v.out" 2>&1
rc=$?
WHY="rc $rc: $(cat "$t/v.out")"
check verify_refuses_wrong_subject_digest '[ $rc = 1 ] &&
	grep -q "greet-1.0-r1.host.provenance.json: subject sha256 0000000000000000000000000000000000000000000000000000000000000000, but greet-1.0-r1.host.pkg.tar.zst has sha256" "$t/v.out"'
rm "$p2"
"$KRILL" verify "$t/r2" --keys "$t/keys" >"$t/v.out" 2>&1
rc1=$?
"$KRILL" verify "$t/r2" --keys "$t/keys" --require-provenance >"$t/v2.out" 2>&1
rc2=$?
WHY="rc $rc1 $rc2: $(cat "$t/v.out" "$t/v2.out")"
check verify_missing_provenance_only_when_required '[ $rc1 = 0 ] && [ $rc2 = 1 ] &&
	grep -q "greet-1.0-r1.host.provenance.json: missing" "$t/v2.out"'
cp "$R/greet-1.0-r1.host.provenance.json" "$t/r2/gone-1.0-r1.host.provenance.json"
"$KRILL" verify "$t/r2" --keys "$t/keys" >"$t/v.out" 2>&1
rc=$?
WHY="rc $rc: $(cat "$t/v.out")"
check verify_refuses_stray_provenance '[ $rc = 1 ] && grep -q "gone-1.0-r1.host.provenance.json: provenance of a package the index does not list" "$t/v.out"'
