#!/bin/sh
# ci/bench-remote-cache.sh - a cold local `make ports ARCH=host` that
# uploads to a remote cache (nginx with WebDAV PUT on 127.0.0.1, started
# here), against a warm one: a second checkout with an empty CACHE_DIR that
# fetches every result (tools/doc/benchmarks.md, "Remote cache").
# Environment: PORTS (default: zlib bzip2 xz zstd libyaml jansson libcap
# make: ports without build-depends whose sources this machine has),
# SRC_DISTFILES (a distfiles folder the sources come from, e.g. a cache's
# distfiles/; default none: fetched as usual), JOBS (default nproc).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
krill=$top/build/host/bin/krill
ports=${PORTS:-zlib bzip2 xz zstd libyaml jansson libcap make}
jobs=${JOBS:-$(nproc)}
T=$(mktemp -d)
trap '[ -n "${KEEP_T:-}" ] || rm -rf "$T"' EXIT
. "$top/tools/tests/integration/nginx_lib.sh"
make -s -C "$top" tools >/dev/null || exit 1
mkdir -p "$T/a/ports" "$T/b"
for p in $ports; do cp -r "$top/ports/$p" "$T/a/ports/"; done
cp -r "$T/a/ports" "$T/b/ports"
"$krill" keygen builder --dir "$T/k" >/dev/null && mkdir -p "$T/trust" && cp "$T/k/builder.pub" "$T/trust/"
nginx_start nginx "$T/srv" || exit 1
export KRILL_HEARTBEAT=0 ${SRC_DISTFILES:+KRILL_DISTFILES=$SRC_DISTFILES}
now() { date +%s.%N; }
# run NAME CHECKOUT CACHE ARGS...: make ports, timed
run() {
	_n=$1 _co=$2 _c=$3
	shift 3
	_s=$(now)
	make -s -C "$top" ports ARCH=host JOBS="$jobs" PORTS_DIR="$T/$_co/ports" CACHE_DIR="$T/$_c" \
		ARCH_BUILD="$T/$_co/build" REMOTE_CACHE="$NGINX_URL/cache" BUILDER_KEYS="$T/trust" \
		"$@" >"$T/$_n.out" 2>&1
	_rc=$?
	_w=$(echo "$(now) - $_s" | bc)
	[ $_rc = 0 ] || { tail -30 "$T/$_n.out"; exit 1; }
	_b=$(sed -n 's/.*, \([0-9]*\) bytes fetched$/\1/p' "$T/$_n.out" | awk '{ s += $1 } END { print s + 0 }')
	_p=$(sed -n 's/.*, pushed \([0-9]*\) bytes$/\1/p' "$T/$_n.out" | awk '{ s += $1 } END { print s + 0 }')
	printf '%-32s %8.2f s  built %2d  cached (remote) %2d  fetched %9d B  pushed %9d B\n' "$_n" "$_w" \
		"$(grep -c '\.\.\. ok ' "$T/$_n.out")" "$(grep -c 'cached (remote)' "$T/$_n.out")" "$_b" "$_p"
}
echo "ports: $ports ($(echo $ports | wc -w)), -j$jobs, load $(cut -d' ' -f1-3 /proc/loadavg)"
run "cold local build + push" a cold KRILL_BUILDER_KEY="$T/k/builder.pem"
run "warm remote, empty CACHE_DIR" b warm KRILL_REMOTE_CACHE_PUSH=0
run "no-op (second make)" b warm KRILL_REMOTE_CACHE_PUSH=0
(cd "$T/cold/results" && find . -name '*.pkg.tar.zst' -exec sha256sum {} + | sort) >"$T/s1"
(cd "$T/warm/results" && find . -name '*.pkg.tar.zst' -exec sha256sum {} + | sort) >"$T/s2"
cmp -s "$T/s1" "$T/s2" && echo "packages: $(wc -l <"$T/s1") byte-identical" || { echo "packages DIFFER"; exit 1; }
echo "server: $(find "$T/srv/cache" -name RESULT | wc -l) entries, $(du -sb "$T/srv/cache" | cut -f1) B"
nginx_stop_all
