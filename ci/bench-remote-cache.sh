#!/bin/sh
# ci/bench-remote-cache.sh - a cold local `make ports ARCH=host` that
# uploads to a remote cache (nginx with WebDAV PUT on 127.0.0.1, started
# here), against a warm one: a second checkout with an empty CACHE_DIR that
# fetches every result (tools/doc/benchmarks.md, "Remote cache").
# Environment: PORTS (default: zlib bzip2 xz zstd libyaml jansson libcap
# make: ports without build-depends whose sources this machine has),
# SRC_DISTFILES (a distfiles folder the sources come from, e.g. a cache's
# distfiles/; default none: fetched as usual), JOBS (default nproc).
#
# FROM_CACHE=DIR ARCH=A (e.g. ~/.cache/krill after `make world ARCH=x86_64`):
# no cold build here; the cold figure is that world's own (ci/bench-world.sh).
# Every finished result of DIR is pushed (`krill cache push`), then a copy
# of ports/ at another path with an empty CACHE_DIR runs `make ports
# ARCH=A`, fetching every stage and port whose key DIR holds (a port whose
# key this tree changed since, e.g. the krill port after a tools/ commit, is
# built: the line says how many), and the fetched packages are compared
# with DIR's.
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
if [ -n "${FROM_CACHE:-}" ]; then
	arch=${ARCH:?FROM_CACHE needs ARCH}
	# the krill port's sources are the tree's own tools/ and mk/lean.mk
	rm -rf "$T/b/ports" && cp -r "$top/ports" "$T/b/ports" && cp -r "$top/tools" "$T/b/tools" &&
		mkdir -p "$T/b/mk" && cp "$top/mk/lean.mk" "$T/b/mk/"
	s=$(now)
	KRILL_BUILDER_KEY="$T/k/builder.pem" "$krill" cache push --cache-dir "$FROM_CACHE" \
		--remote-cache "$NGINX_URL/cache" >"$T/push.out" 2>&1 || { tail -20 "$T/push.out"; exit 1; }
	echo "push of $FROM_CACHE ($arch): $(tail -n 1 "$T/push.out"), $(echo "$(now) - $s" | bc) s"
	s=$(now)
	make -s -C "$top" ports ARCH="$arch" JOBS="$jobs" PORTS_DIR="$T/b/ports" CACHE_DIR="$T/warm" \
		ARCH_BUILD="$T/b/build" REMOTE_CACHE="$NGINX_URL/cache" BUILDER_KEYS="$T/trust" \
		KRILL_REMOTE_CACHE_PUSH=0 >"$T/warm.out" 2>&1 || { tail -30 "$T/warm.out"; exit 1; }
	w=$(echo "$(now) - $s" | bc)
	b=$(sed -n 's/.*, \([0-9]*\) bytes fetched$/\1/p' "$T/warm.out" | awk '{ s += $1 } END { print s + 0 }')
	printf 'warm remote, empty CACHE_DIR (%s): %.2f s, built %d, cached (remote) %d, fetched %d B\n' "$arch" "$w" \
		"$(grep -c '\.\.\. ok ' "$T/warm.out")" "$(grep -c 'cached (remote)' "$T/warm.out")" "$b"
	# the fetched results against the source cache's, key by key
	for k in $(cut -d' ' -f1 "$T/b/build/graph.keys"); do
		[ -f "$FROM_CACHE/results/$k/done" ] || continue
		(cd "$FROM_CACHE/results" && sha256sum "$k"/*.pkg.tar.zst) >>"$T/s1"
		(cd "$T/warm/results" && sha256sum "$k"/*.pkg.tar.zst) >>"$T/s2" 2>&1
	done
	cmp -s "$T/s1" "$T/s2" && echo "packages: $(wc -l <"$T/s1") byte-identical to $FROM_CACHE's" ||
		{ echo "packages DIFFER"; diff "$T/s1" "$T/s2" | head; exit 1; }
	nginx_stop_all
	exit 0
fi
echo "ports: $ports ($(echo $ports | wc -w)), -j$jobs, load $(cut -d' ' -f1-3 /proc/loadavg)"
run "cold local build + push" a cold KRILL_BUILDER_KEY="$T/k/builder.pem"
run "warm remote, empty CACHE_DIR" b warm KRILL_REMOTE_CACHE_PUSH=0
run "no-op (second make)" b warm KRILL_REMOTE_CACHE_PUSH=0
(cd "$T/cold/results" && find . -name '*.pkg.tar.zst' -exec sha256sum {} + | sort) >"$T/s1"
(cd "$T/warm/results" && find . -name '*.pkg.tar.zst' -exec sha256sum {} + | sort) >"$T/s2"
cmp -s "$T/s1" "$T/s2" && echo "packages: $(wc -l <"$T/s1") byte-identical" || { echo "packages DIFFER"; exit 1; }
echo "server: $(find "$T/srv/cache" -name RESULT | wc -l) entries, $(du -sb "$T/srv/cache" | cut -f1) B"
nginx_stop_all
