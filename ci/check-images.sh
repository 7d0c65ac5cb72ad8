#!/bin/sh
# ci/check-images.sh ARCH IMAGES_DIR REPO_DIR PUBKEY - check the built
# images the way their users run them. Each layout IMAGES_DIR/NAME-ARCH
# (base, glibc, static) is unpacked layer by layer into a fresh rootfs, and
# that rootfs alone is run with bubblewrap (nothing of the host mounted;
# aarch64 under qemu through binfmt_misc, ci/binfmt.sh), as the image's
# configured user:
#   base    ci/check-base.sh on the rootfs: /bin/sh, krill info, id nonroot,
#           the CA bundle, krill add over HTTP and HTTPS from 127.0.0.1;
#   glibc   a dynamically linked C++ program (threads, exceptions,
#           iostream: bootstrap/gcc-runtime/files/hello.cc) built by our toolchain;
#   static  a static C program built by our toolchain (-static).
# The toolchain comes from REPO_DIR (`krill add gcc libstdc++ libgcc` into a
# throw-away root, verified with PUBKEY). `make images-check ARCH=A` passes
# out/images, out/A/repo and the local key. Exit 1 on any failure.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
usage="usage: ci/check-images.sh ARCH IMAGES_DIR REPO_DIR PUBKEY"
arch=${1:?$usage}
images=$(cd "${2:?$usage}" && pwd) || exit 2
repo=$(cd "${3:?$usage}" && pwd) || exit 2
pub=${4:?$usage}
krill=$top/build/host/bin/krill
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
pass() { echo "PASS images-$1"; }
failed() {
  echo "FAIL images-$1"
  fail=1
}
. "$top/ci/binfmt.sh"
why=$(can_run "$arch") || { echo "FAIL images-arch: $why"; exit 1; }

# unpack NAME: the image's layers, in order, into $T/NAME; prints its user
unpack() {
  python3 - "$images/$1-$arch" "$T/$1" <<'EOF'
import json, os, subprocess, sys
lay, dest = sys.argv[1], sys.argv[2]
blob = lambda d: os.path.join(lay, "blobs", *d.split(":"))
def manifests(doc):
    for d in doc["manifests"]:
        m = json.load(open(blob(d["digest"])))
        if d["mediaType"].endswith("index.v1+json"):
            yield from manifests(m)
        elif "artifactType" not in d and m.get("layers"):
            yield m
m = next(manifests(json.load(open(os.path.join(lay, "index.json")))))
os.makedirs(dest)
for l in m["layers"]:
    z = "--zstd" if l["mediaType"].endswith("+zstd") else "-z"
    # one layer per image here: a whiteout would mean a layout we do not make
    names = subprocess.run(["tar", z, "-tf", blob(l["digest"])], check=True,
                           capture_output=True, text=True).stdout.split()
    if any(os.path.basename(n).startswith(".wh.") for n in names):
        sys.exit("whiteouts in " + l["digest"])
    subprocess.run(["tar", z, "-xpf", blob(l["digest"]), "-C", dest,
                    "--numeric-owner"], check=True)
cfg = json.load(open(blob(m["config"]["digest"])))
print(cfg["config"].get("User", "0"))
EOF
}

# in_image NAME USER CMD...: run in a bwrap whose / is the unpacked image
in_image() {
  r=$T/$1 u=${2%%:*} g=${2#*:}
  shift 2
  bwrap --bind "$r" / --proc /proc --dev /dev --tmpfs /tmp --unshare-all \
    --unshare-user --uid "$u" --gid "$g" --die-with-parent --clearenv \
    --setenv PATH /usr/bin:/bin "$@"
}

# the toolchain, as its users install it
mkdir -p "$T/keys" && cp "$pub" "$T/keys/"
"$krill" add -q --root "$T/tc" --repo "$repo" --keys "$T/keys" gcc gcc-runtime libstdc++ libgcc ||
  { echo "FAIL images-toolchain: krill add gcc gcc-runtime libstdc++ libgcc from $repo"; exit 1; }
cc=$T/tc/toolchain/bin/$arch-krill-linux-gnu
src=$top/bootstrap/gcc-runtime/files
"$cc-g++" --sysroot="$T/tc" -O2 -pthread -o "$T/hello-cc" "$src/hello.cc" 2>"$T/err" &&
  pass "toolchain: hello.cc built with $("$cc-g++" --version | head -n 1)" ||
  failed "toolchain: g++: $(head -c 400 "$T/err")"
if "$cc-gcc" --sysroot="$T/tc" -O2 -static -pthread -o "$T/hello-static" "$src/hello.c" 2>"$T/err"; then
  if "$cc-readelf" -l "$T/hello-static" | grep -q INTERP; then
    failed "toolchain: hello-static has a program interpreter"
  else pass "toolchain: static hello.c built"; fi
else failed "toolchain: gcc -static: $(head -c 400 "$T/err")"; fi

for name in base glibc static; do
  if [ ! -f "$images/$name-$arch/index.json" ]; then
    failed "$name: no image $images/$name-$arch (make images ARCH=$arch)"
    continue
  fi
  user=$(unpack $name 2>"$T/err") || { failed "$name-unpack: $(cat "$T/err")"; continue; }
  echo "  $name: $(du -sk "$T/$name" | cut -f1) KiB unpacked, user ${user:-0}"
  case $name in
    base)
      sh "$top/ci/check-base.sh" "$arch" "$repo" "$pub" "$T/base" | sed 's/^\(PASS\|FAIL\) base-/\1 images-base-/'
      # (the pipe hides check-base's status: its FAIL lines count)
      ;;
    glibc)
      [ ! -e "$T/glibc/bin/sh" ] && pass "glibc: no shell" || failed "glibc: /bin/sh present"
      mkdir -p "$T/glibc/app" && cp "$T/hello-cc" "$T/glibc/app/"
      out=$(in_image glibc "${user:-0}" /app/hello-cc 2>&1)
      case $out in *'sum=14 caught="too big: 4"'*) pass "glibc: C++ program runs as $user: $out" ;;
        *) failed "glibc: C++ program: '$out'" ;; esac
      ;;
    static)
      [ ! -e "$T/static/usr/lib/libc.so.6" ] && pass "static: no libc.so.6" || failed "static: libc.so.6 present"
      mkdir -p "$T/static/app" && cp "$T/hello-static" "$T/static/app/"
      out=$(in_image static "${user:-0}" /app/hello-static 2>&1)
      case $out in *'answer=42 glibc='*) pass "static: static program runs as $user: $out" ;;
        *) failed "static: static program: '$out'" ;; esac
      [ -s "$T/static/etc/ssl/certs/ca-certificates.crt" ] && [ -e "$T/static/usr/share/zoneinfo/Asia/Tokyo" ] &&
        pass "static: CA bundle and zoneinfo present" || failed "static: CA bundle or zoneinfo missing"
      ;;
  esac
done 2>&1 | tee "$T/log"
grep -q '^FAIL' "$T/log" && fail=1
exit $fail
