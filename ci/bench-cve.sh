#!/bin/sh
# ci/bench-cve.sh - the turnaround of a CVE fix (issue 18;
# tools/doc/benchmarks.md, "CVE turnaround"): a patch with a `CVE:` header
# and a secfix for it in PORT's recipe (release bumped), then `make ports`
# (rebuilds PORT and its dependents, nothing else: checked against the
# graph), `make index` (the signed feeds carry the new secfix: checked) and
# `make images` (each image holding a package of PORT states the fix in its
# own VEX referrer: checked); prints each phase's wall time and the total
# against the target (TARGET_S, default 600 s).
#
# Everything happens in a work dir (BENCH_DIR, default a temp dir, removed
# unless KEEP=1): a copy of the ports tree (PORTS_DIR, default ports/; the
# `tree:` sources its recipes name are copied beside it) and a CACHE_DIR of
# its own, seeded from SRC_CACHE (default ~/.cache/krill) with hard links
# (copies across file systems) of every finished result, the distfiles and
# the toolchain store entries (each entry's `done`, whose mtime records its
# last use, is copied). Nothing under SRC_CACHE, PORTS_DIR or the checkout's
# out/ and build/ is written. Before the fix, one untimed `make ports`,
# `make index` and `make images` on the copy bring it to the state of a
# published repository (the line says how many ports that had to build:
# those SRC_CACHE lacks).
#
# Environment: ARCH (default x86_64), PORT (default zlib), CVE_ID (default
# KRILL-2026-9999: a stand-in, no real id is claimed), PATCH (a patch file
# to use as the fix; default a stand-in patch that adds one file to the
# source tree: what is rebuilt does not depend on what the patch changes),
# BOOTSTRAP_DIR (default bootstrap/), IMAGES_DIR (default images/), IMAGES
# (1: build images; default 1, 0 for ARCH=host, whose packages are not an
# image's), CVE_IMAGE (1, the default: the images are a copy of IMAGES_DIR's
# specs plus one more, cve-PORT.yaml, holding PORT's package, so that an
# image's VEX has the fix to state whether or not the shipped specs hold
# PORT: none of them holds zlib), JOBS (default nproc), TARGET_S.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
krill=$top/build/host/bin/krill
arch=${ARCH:-x86_64}
port=${PORT:-zlib}
id=${CVE_ID:-KRILL-2026-9999}
src_ports=$(cd "${PORTS_DIR:-$top/ports}" && pwd) || exit 2
boot=$(cd "${BOOTSTRAP_DIR:-$top/bootstrap}" && pwd) || exit 2
src_cache=$(realpath -m "${SRC_CACHE:-$HOME/.cache/krill}")
images_dir=${IMAGES_DIR:-$top/images}
jobs=${JOBS:-$(nproc)}
target=${TARGET_S:-600}
images=${IMAGES:-$([ "$arch" = host ] && echo 0 || echo 1)}
die() { echo "bench-cve: $*" >&2; exit 1; }
[ -f "$src_ports/$port/port.yaml" ] || die "$src_ports/$port/port.yaml: no such port"
[ -d "$src_cache/results" ] || die "$src_cache/results: no such directory (SRC_CACHE)"
[ -z "${PATCH:-}" ] || [ -f "$PATCH" ] || die "$PATCH: no such file (PATCH)"
W=$(realpath -m "${BENCH_DIR:-$(mktemp -d)}")
case "$W/" in "$src_cache"/*) die "BENCH_DIR $W is inside SRC_CACHE" ;; esac
[ ! -d "$W" ] || [ -z "$(ls -A "$W")" ] || die "BENCH_DIR $W is not empty"
mkdir -p "$W" || exit 1
trap '[ "${KEEP:-0}" = 1 ] || rm -rf "$W"' EXIT
make -s -C "$top" tools >/dev/null || exit 1
export KRILL_HEARTBEAT=0
now() { date +%s.%N; }
secs() { printf '%.1f' "$(echo "$(now) - $1" | bc)"; }

# --- the copy: the ports tree under its own name, its tree: sources
co=$W/co
pn=$(basename "$src_ports")
mkdir -p "$co" && cp -a "$src_ports" "$co/$pn" || exit 1
for t in $(sed -n 's/^ *- url: tree:\([^ ]*\) *$/\1/p' "$co/$pn"/*/port.yaml | sort -u); do
	mkdir -p "$co/$(dirname "$t")" && cp -a "$(dirname "$src_ports")/$t" "$co/$t" || exit 1
done
P=$co/$pn

# --- the image specs: a copy (with the keys/ beside them, which a spec's
# keyring may name), and with CVE_IMAGE=1 one image of PORT's package
if [ "$images" != 0 ]; then
	mkdir -p "$co/images" && cp -a "$images_dir"/*.yaml "$co/images/" || exit 1
	[ ! -d "$(dirname "$images_dir")/keys" ] || cp -a "$(dirname "$images_dir")/keys" "$co/keys" || exit 1
	[ "${CVE_IMAGE:-1}" = 0 ] ||
		printf 'description: %s alone (ci/bench-cve.sh), whose VEX states the fix\ncontents:\n  packages: [%s]\narchs: [%s]\n' \
			"$port" "$port" "$arch" >"$co/images/cve-$port.yaml"
	images_dir=$co/images
fi

# --- the cache: linked from SRC_CACHE, never written there
C=$W/cache
mkdir -p "$C/results" "$C/distfiles" "$C/store/tc"
lnk() { cp -al "$1" "$2" 2>/dev/null || cp -a "$1" "$2"; }
nres=0
for d in "$src_cache"/results/*/; do
	[ -f "$d/done" ] || continue
	lnk "${d%/}" "$C/results/" || exit 1
	nres=$((nres + 1))
done
[ ! -d "$src_cache/distfiles" ] || for f in "$src_cache"/distfiles/*; do
	[ -e "$f" ] && { lnk "$f" "$C/distfiles/" || exit 1; }
done
ntc=0
for e in "$src_cache"/store/tc/*/; do
	[ -f "$e/done" ] || continue
	e=${e%/}
	lnk "$e" "$C/store/tc/" || exit 1
	rm -f "$C/store/tc/${e##*/}/done" && cp "$e/done" "$C/store/tc/${e##*/}/done" || exit 1
	ntc=$((ntc + 1))
done
# the build times the plan line estimates from (appended to: a copy)
[ ! -e "$src_cache/durations" ] || cp -a "$src_cache/durations" "$C/"
echo "bench-cve: ARCH=$arch PORT=$port $id, -j$jobs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench-cve: work $W; ports $P (copy of $src_ports); CACHE_DIR $C: $nres results, $ntc toolchain store entries from $src_cache"

mk() { # GOAL LOG: one make of the copy
	make -C "$top" "$1" ARCH="$arch" JOBS="$jobs" PORTS_DIR="$P" BOOTSTRAP_DIR="$boot" \
		CACHE_DIR="$C" ARCH_BUILD="$W/build/$arch" OUT="$W/out" IMAGES_DIR="$images_dir" \
		IMAGES_OUT="$W/out/images" >"$2" 2>&1 || { tail -40 "$2"; die "make $1 failed (log $2)"; }
}
# the ports a make built: its "[i/n] NAME VERSION ARCH ... ok" lines
built() { echo $(sed -n 's/^\[[0-9]*\/[0-9]*\] \([^ ]*\) .* \.\.\. ok .*/\1/p' "$1" | sort); }
# each image's installed packages (name, version, build key) from the db in
# its layers, as NAME HASH lines: every image is assembled anew after an
# index (its db records the index version), its packages change only when
# one of them was rebuilt
digests() {
	python3 - "$W/out/images" "$arch" <<'PY'
import glob, hashlib, json, os, sys, tarfile
d, arch = sys.argv[1:]
for lay in sorted(glob.glob(os.path.join(d, "*-" + arch))):
    path = lambda dg: os.path.join(lay, "blobs", "sha256", dg["digest"][7:])
    todo, pkgs = list(json.load(open(os.path.join(lay, "index.json")))["manifests"]), []
    while todo:
        m = json.load(open(path(todo.pop())))
        todo += m.get("manifests", [])
        for l in m.get("layers", []):
            if "tar" not in l.get("mediaType", ""):
                continue  # an SBOM or provenance document
            with tarfile.open(path(l)) as t:
                try:
                    db = t.extractfile("var/lib/krill/installed").read().decode()
                except KeyError:
                    continue
            pkgs += [x for x in db.splitlines() if x.split(":")[0] in ("name", "version", "build-key")]
    print(os.path.basename(lay), hashlib.sha256("\n".join(pkgs).encode()).hexdigest()[:16])
PY
}

# --- before the fix: the published state
s=$(now)
mk ports "$W/base-ports.out"
mk index "$W/base-index.out"
[ "$images" = 0 ] || mk images "$W/base-images.out"
echo "baseline (untimed): built [$(built "$W/base-ports.out")], ports, index$([ "$images" = 0 ] || echo " and images") in $(secs "$s") s"
digests >"$W/images.before"

# --- the fix: patch with its CVE: header, release bumped, the secfix
t0=$(now)
y=$P/$port/port.yaml
ver=$(sed -n "s/^version: *['\"]\{0,1\}\([^'\"]*\)['\"]\{0,1\} *$/\1/p" "$y")
rel=$(sed -n 's/^release: *\([0-9]*\) *$/\1/p' "$y")
[ -n "$ver" ] && [ -n "$rel" ] || die "$y: no version or release line"
new=$((rel + 1))
mkdir -p "$P/$port/patches"
pf=$P/$port/patches/9000-$(echo "$id" | tr 'A-Z' 'a-z').patch
{
	printf 'Subject: the fix of %s (ci/bench-cve.sh)\n\nCVE: %s\n\n' "$id" "$id"
	if [ -n "${PATCH:-}" ]; then cat "$PATCH"; else
		printf '%s\n' '--- /dev/null' '+++ b/KRILL-BENCH-FIX' '@@ -0,0 +1 @@' "+stand-in for the fix of $id"
	fi
} >"$pf"
sed -i "s/^release: .*/release: $new/" "$y"
if grep -q '^secfixes:' "$y"; then
	sed -i "/^secfixes:/a\\  $ver-r$new:\\n    - $id" "$y"
else
	[ -z "$(tail -c1 "$y")" ] || echo >>"$y"
	printf 'secfixes:\n  %s-r%s:\n    - %s\n' "$ver" "$new" "$id" >>"$y"
fi
"$krill" lint --ports "$P" "$port" >"$W/lint.out" 2>&1 || { cat "$W/lint.out"; die "krill lint refused the fix"; }

# --- make ports: PORT and its dependents, nothing else
s=$(now)
mk ports "$W/ports.out"
t_ports=$(secs "$s")
rebuilt=$(built "$W/ports.out")
# the expected set: PORT and every port whose build dependencies reach it
# (graph.mk's KR_DEPS_p lines)
expect=$(awk -v root="$port" '
	/^KR_DEPS_[^ ]* :?= / { p = $1; sub(/^KR_DEPS_/, "", p); for (i = 3; i <= NF; i++) dep[p] = dep[p] " " $i " " }
	END { want[root] = 1; do { more = 0; for (p in dep) if (!(p in want)) for (q in want) if (index(dep[p], " " q " ")) { want[p] = 1; more = 1; break } } while (more)
	      for (p in want) print p }' "$W/build/$arch/graph.mk" | sort)
expect=$(echo $expect)
verdict="exactly $port and its dependents"
[ "$rebuilt" = "$expect" ] || verdict="NOT the expected set [$expect]"
echo "make ports: $t_ports s, rebuilt $(echo $rebuilt | wc -w): [$rebuilt] ($verdict)"

# --- make index: the feeds name the new secfix for the new build
s=$(now)
mk index "$W/index.out"
t_index=$(secs "$s")
python3 - "$W/out/$arch/repo" "$port" "$ver-r$new" "$id" >"$W/feeds.out" 2>&1 <<'PY'
import json, os, sys
repo, port, full, vid = sys.argv[1:]
sec = json.load(open(os.path.join(repo, "secdb.json")))
fixes = {p["pkg"]["name"]: p["pkg"]["secfixes"] for p in sec["packages"]}
assert vid in fixes.get(port, {}).get(full, []), f"secdb.json: {port} {full} lacks {vid}"
vex = json.load(open(os.path.join(repo, "openvex.json")))
st = [s for s in vex["statements"] if s["vulnerability"]["name"] == vid and s["status"] == "fixed"]
assert st, f"openvex.json: no fixed statement for {vid}"
prods = sorted(p["@id"] for p in st[0]["products"])
assert any(f"/{port}@{full}?" in p for p in prods), prods
print(f"secdb {port} {full}: {vid}; openvex: {vid} fixed in {len(prods)} package(s) of {port} {full}")
PY
[ $? = 0 ] || { cat "$W/feeds.out"; die "the feeds lack the secfix"; }
echo "make index: $t_index s, $(sed -n 's/^index: .*signed with .*/signed/p' "$W/index.out" | head -1) feeds: $(cat "$W/feeds.out")"

# --- make images
t_images=0
if [ "$images" != 0 ]; then
	s=$(now)
	mk images "$W/images.out"
	t_images=$(secs "$s")
	digests >"$W/images.after"
	changed=$(echo $(join -a2 "$W/images.before" "$W/images.after" | awk '$2 != $3 { print $1 }'))
	echo "make images: $t_images s, $(wc -l <"$W/images.after") images, packages changed in: [$changed]"
	# each image holding a package of PORT carries its own VEX (an in-toto
	# referrer, tools/doc/image.md "Image VEX") that states the id fixed
	# for that package; an image without one needs none
	python3 - "$W/out/images" "$arch" "$port" "$ver-r$new" "$id" >"$W/vex.out" 2>&1 <<'PY'
import glob, json, os, sys, tarfile
d, arch, port, full, vid = sys.argv[1:]
VEX = "https://openvex.dev/ns/v0.2.0"
named, without, bad = [], [], []
for lay in sorted(glob.glob(os.path.join(d, "*-" + arch))):
    blob = lambda dg: os.path.join(lay, "blobs", "sha256", dg[7:])
    load = lambda dg: json.load(open(blob(dg)))
    todo, descs = list(json.load(open(os.path.join(lay, "index.json")))["manifests"]), []
    while todo:
        m = todo.pop()
        descs.append(m)
        if m.get("mediaType", "").endswith("index.v1+json"):
            todo += load(m["digest"])["manifests"]
    held = []  # the purls of PORT's packages in the image, from its db
    for m in descs:
        if "artifactType" in m or not m.get("mediaType", "").endswith("manifest.v1+json"):
            continue
        for l in load(m["digest"])["layers"]:
            with tarfile.open(blob(l["digest"])) as t:
                try:
                    db = t.extractfile("var/lib/krill/installed").read().decode()
                except KeyError:
                    continue
            for rec in db.split("\npkg\n")[1:]:  # .PKGINFO fields, then "files"
                f = dict(x.split(": ", 1) for x in rec.split("\nfiles\n")[0].splitlines() if ": " in x)
                if f.get("origin") == port and f.get("version") == full:
                    held.append(f"pkg:generic/krill/{f['name']}@{full}?arch={arch}")
    name = os.path.basename(lay)
    if not held:
        without.append(name)
        continue
    stated = set()
    for m in descs:
        if m.get("annotations", {}).get("in-toto.io/predicate-type") != VEX:
            continue
        st = json.load(open(blob(load(m["digest"])["layers"][0]["digest"])))
        for s in st["predicate"]["statements"]:
            if s["vulnerability"]["name"] == vid and s["status"] == "fixed":
                stated |= {c["@id"] for p in s["products"] for c in p.get("subcomponents", [])}
    missing = sorted(set(held) - stated)
    (bad if missing else named).append(f"{name} ({' '.join(sorted(held))})" + (f" lacks {' '.join(missing)}" if missing else ""))
print(f"{len(named)} image(s) name {vid} fixed: [{', '.join(named)}]; {len(without)} hold no {port} {full} package: [{' '.join(without)}]"
      + (f"; NOT stated in: [{', '.join(bad)}]" if bad else ""))
sys.exit(1 if bad else 0)
PY
	vex_rc=$?
	echo "image VEX: $(cat "$W/vex.out")"
else
	echo "make images: skipped (IMAGES=0$([ "$arch" = host ] && echo ": ARCH=host packages are not an image's"))"
fi
total=$(secs "$t0")
ok=$(echo "$total <= $target" | bc)
printf 'turnaround (fix, ports, index, images): %s s wall, target %d s: %s\n' "$total" "$target" \
	"$([ "$ok" = 1 ] && echo met || echo NOT met)"
[ "$rebuilt" = "$expect" ] && [ "${vex_rc:-0}" = 0 ]
