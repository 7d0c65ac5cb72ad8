#!/bin/sh
# apk-peer.sh - build the peer of ci/bench-client.sh: apk-tools 2.14.10 from
# source, with the host compiler against Debian's libssl-dev and zlib1g-dev,
# Lua off (no help text), outside the work tree. Builds both binaries
# upstream's Makefile makes with STATIC=y: `apk` (dynamic, libapk.so,
# libcrypto, libz) and `apk.static` (the one the bench times: static, like
# the lean krill). Prints the directory holding them; a second run reuses it.
#
# Usage: APK_TOOLS_GIT=GITDIR_OR_URL ci/apk-peer.sh
#   APK_TOOLS_GIT: a clone of apk-tools' upstream repository (only needed
#   while the build is not there yet); the tag is checked against its commit.
#   APK_PEER_DIR: where to build (default ~/.cache/krill-bench/apk-tools).
set -eu
APK_TAG=v2.14.10
APK_COMMIT=9d074efdc12bc41b5d24190595a5269a770e852a
D=${APK_PEER_DIR:-$HOME/.cache/krill-bench/apk-tools}
if [ -x "$D/$APK_COMMIT/src/apk.static" ]; then
	echo "$D/$APK_COMMIT/src"
	exit 0
fi
[ -n "${APK_TOOLS_GIT:-}" ] || {
	echo "apk-peer.sh: set APK_TOOLS_GIT to a clone of apk-tools (a git dir or URL)" >&2
	exit 1
}
for p in libssl-dev zlib1g-dev pkg-config; do
	dpkg -s "$p" >/dev/null 2>&1 || { echo "apk-peer.sh: needs the Debian package $p" >&2; exit 1; }
done
mkdir -p "$D"
W=$(mktemp -d "$D/build.XXXXXX")
trap 'rm -rf "$W"' EXIT INT TERM
case $APK_TOOLS_GIT in
*://*) git clone -q --bare "$APK_TOOLS_GIT" "$W/git"; G=$W/git ;;
*) G=$APK_TOOLS_GIT ;;
esac
c=$(git --git-dir="$G" rev-parse "$APK_TAG^{commit}")
[ "$c" = "$APK_COMMIT" ] || { echo "apk-peer.sh: $APK_TAG is $c, expected $APK_COMMIT" >&2; exit 1; }
mkdir "$W/src"
git --git-dir="$G" archive "$APK_COMMIT" | tar -x -C "$W/src"
# -O2 is upstream's default (Make.rules); LUA=no: no help text, no Lua module
nice -n 10 make -C "$W/src" -s -j2 LUA=no STATIC=y compile >"$W/build.log" 2>&1 ||
	{ tail -20 "$W/build.log" >&2; exit 1; }
"$W/src/src/apk.static" --version >/dev/null
rm -rf "${D:?}/$APK_COMMIT"
mv "$W/src" "$D/$APK_COMMIT"
echo "$D/$APK_COMMIT/src"
