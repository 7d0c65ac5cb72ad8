#!/bin/sh
# ci/fuzz.sh TARGET SECONDS - build one libFuzzer target (clang, ASan+UBSan)
# with the library sources and run it for SECONDS on a working copy of its
# corpus (tools/tests/fuzz/corpus/TARGET stays as committed). Prints the
# exec count libFuzzer reports at the end. Targets: fuzz_index, fuzz_sig,
# fuzz_pkgread.
set -eu
target=${1:?usage: ci/fuzz.sh TARGET SECONDS}
secs=${2:?usage: ci/fuzz.sh TARGET SECONDS}
top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/tools/tests/fuzz/$target.c
[ -f "$src" ] || { echo "ci/fuzz.sh: no target $src" >&2; exit 2; }
out=$top/build/fuzz
mkdir -p "$out/work-$target"
pkgs="yaml-0.1 openssl libzstd liblzma libarchive libcurl jansson libelf"
# shellcheck disable=SC2046
clang -std=c11 -D_GNU_SOURCE -O1 -g -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -DKRILL_VERSION='"fuzz"' \
	-I"$top/tools/lib" $(pkg-config --cflags $pkgs) \
	"$src" "$top"/tools/lib/*.c $(pkg-config --libs $pkgs) -o "$out/$target"
cp "$top/tools/tests/fuzz/corpus/$target"/* "$out/work-$target/"
"$out/$target" -max_total_time="$secs" -print_final_stats=1 -rss_limit_mb=2048 \
	-artifact_prefix="$out/crash-$target-" "$out/work-$target" 2>&1 | tee "$out/$target.log" |
	grep -E '^(stat::number_of_executed_units|Done|==[0-9]+==ERROR|SUMMARY)' || true
grep -q 'stat::number_of_executed_units' "$out/$target.log"
