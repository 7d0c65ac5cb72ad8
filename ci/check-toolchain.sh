#!/bin/sh
# ci/check-toolchain.sh ARCH RESULT_DIR... - check a built toolchain the way
# its users get it: the stages' packages (from their result dirs in the
# cache) go into a throw-away signed repository, `krill add` installs gcc,
# libstdc++ and libgcc (binutils, glibc, glibc-dev and linux-headers-dev come
# as dependencies) into an empty root, and then
#   - nothing installed names the sandbox's build dir (/build/) or this
#     machine's work tree or cache (grep over every installed file);
#   - bootstrap/gcc-runtime/files/run.sh builds a C and a C++ program with the cross
#     compilers and runs them against the root's glibc (x86_64: in a bwrap
#     whose / is the root; aarch64: under qemu-aarch64-static -L ROOT).
# `make toolchain-check ARCH=A` passes the result dirs. Exit 1 on any failure.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
arch=${1:?usage: ci/check-toolchain.sh ARCH RESULT_DIR...}
shift
krill=$top/build/host/bin/krill
cache=${CACHE_DIR:-$HOME/.cache/krill}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
mkdir -p "$T/repo" "$T/keys"
for d in "$@"; do
  for f in "$d"/*.pkg.tar.zst; do
    [ -e "$f" ] && ln -s "$f" "$T/repo/"
  done
done
"$krill" keygen check --dir "$T/priv" >/dev/null &&
  cp "$T/priv/check.pub" "$T/keys/" &&
  "$krill" index "$T/repo" --key "$T/priv/check.pem" --arch "$arch" >/dev/null &&
  "$krill" add -q --root "$T/root" --repo "$T/repo" --keys "$T/keys" gcc gcc-runtime libstdc++ libgcc ||
  { echo "FAIL install: krill add of the toolchain packages"; exit 1; }
echo "PASS install: $("$krill" list --installed --root "$T/root" | cut -d" " -f1 | tr '\n' ' ')"
echo "  installed: toolchain/ $(du -sm "$T/root/toolchain" | cut -f1) MB," \
  "usr/ $(du -sm "$T/root/usr" | cut -f1) MB"

for needle in /build/ "$top/" "$cache/"; do
  hits=$(grep -rlaF "$needle" "$T/root" 2>/dev/null | sed "s|^$T/root/||")
  if [ -z "$hits" ]; then
    echo "PASS no-path: nothing installed names $needle"
  else
    echo "FAIL no-path: $(echo "$hits" | wc -l) files name $needle:"
    echo "$hits" | head -n 20 | sed 's/^/  /'
    fail=1
  fi
done

sh "$top/bootstrap/gcc-runtime/files/run.sh" "$T/root/toolchain" "$T/root" || fail=1
"$T/root/toolchain/bin/$arch-krill-linux-gnu-gcc" --version | head -n 1 | sed 's/^/  /'
exit $fail
