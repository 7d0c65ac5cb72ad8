#!/bin/sh
# The Debian source archive lookup, for real: needs the network to the
# host's apt archive, so it only runs with KRILL_NET_TESTS=1 (else it prints
# a SKIP line, which counts neither as a pass nor as a failure).
# It builds a private apt state from the host's apt configuration, finds
# libyaml's .orig tarball by sha256 and downloads it, then libzstd's (listed
# in two archives, served by one), then does the same for
# gcc-15's wrapped .orig (~100 MB, once) and checks the wrapped tarball is in it.
set -u
: "${KRILL:?}"
if [ "${KRILL_NET_TESTS:-}" != 1 ]; then
	echo "SKIP fetch_debian_net: needs the Debian archive; run with KRILL_NET_TESTS=1"
	exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
unset KRILL_MIRRORS KRILL_DISTFILES KRILL_NO_DEBIAN KRILL_APT_ETC

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

YAML=fa240dbf262be053f3898006d502d514936c818e422afdcf33921c63bed9bf2e
GCC=${KRILL_GCC_ORIG_SHA256:-183c7e2323a166ea7838159b75cd1ea6ec3901150c74b2451967b39bc759bf9b}

out=$("$KRILL" fetch --cache "$T/c" --update-debian-index 2>&1)
if [ $? -eq 0 ] && [ -s "$T/c/apt/sha256.index" ] &&
	grep -q '^Types: deb-src' "$T/c/apt/etc/sources.list.d/krill.sources"; then
	pass debian_index_update
else
	fail debian_index_update "$out"
fi

out=$("$KRILL" fetch --cache "$T/c" --sha256 "$YAML" --name libyaml_0.2.5.orig.tar.gz 2>&1)
if [ $? -eq 0 ] && echo "$out" | grep -q '^libyaml_0.2.5.orig.tar.gz 85055 debian .*/pool/main/liby/libyaml/libyaml_0.2.5.orig.tar.gz$' &&
	[ "$(sha256sum "$T/c/distfiles/$YAML" | cut -d' ' -f1)" = "$YAML" ]; then
	pass debian_fetch_libyaml
else
	fail debian_fetch_libyaml "$out"
fi

# A file two archives list: libzstd 1.5.7+dfsg's orig is named by the main
# archive's .dsc and by the security upload's, but only the main pool has it
# (the security archive answers 404): both places are tried.
ZSTD=0c092ef267edce57ba7f3f2645c861f72eaf5e76273c6c3632869423464b90a5
out=$("$KRILL" fetch --cache "$T/c" --sha256 "$ZSTD" --name libzstd_1.5.7+dfsg.orig.tar.xz 2>&1)
if [ $? -eq 0 ] && echo "$out" | grep -q ' debian .*/pool/main/libz/libzstd/libzstd_1.5.7+dfsg.orig.tar.xz$'; then
	pass debian_fetch_second_place
else
	fail debian_fetch_second_place "$out"
fi

out=$("$KRILL" fetch --cache "$T/c" --sha256 "$GCC" --name gcc-15.orig.tar.gz 2>&1)
if [ $? -eq 0 ] && echo "$out" | grep -q ' debian .*/pool/main/g/gcc-15/gcc-15_.*\.orig\.tar\.gz$' &&
	tar tzf "$T/c/distfiles/$GCC" | grep -q '^gcc-15-[^/]*/gcc-15[^/]*-dfsg\.tar\.xz$'; then
	pass debian_fetch_gcc_wrapped
else
	fail debian_fetch_gcc_wrapped "$out"
fi
