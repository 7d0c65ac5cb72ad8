#!/bin/sh
# Port builds dispatched to a real scheduler: a single-node Slurm cluster
# (munged, slurmctld, slurmd on 127.0.0.1, started by ci/slurm-node.sh in
# this test's temp dir) runs every port's `krill build` through
# LAUNCHER="srun ...", with `make -j2`; the packages are byte-identical to
# a local build's. Results come back through the shared CACHE_DIR, and,
# with REMOTE_CACHE, through the remote cache to another checkout that
# builds nothing. If Slurm cannot start here, one SKIP line says why.
set -u
. "$TOP/tools/tests/integration/lib.sh"
. "$TOP/tools/tests/integration/greet_ports.sh"

t=$T
export SOURCE_DATE_EPOCH=1700000000 KRILL_HEARTBEAT=0
unset KRILL_REMOTE_CACHE KRILL_BUILDER_KEY KRILL_BUILDER_KEYS KRILL_REMOTE_CACHE_PUSH
out=$(sh "$TOP/ci/slurm-node.sh" start "$t/slurm")
case $? in
0) eval "$out" ;;
3)
	echo "SKIP slurm: $out"
	exit 0
	;;
*)
	echo "FAIL slurm: ci/slurm-node.sh start failed: $out"
	exit 1
	;;
esac
trap 'sh "$TOP/ci/slurm-node.sh" stop "$t/slurm"; [ -n "${KEEP_T:-}" ] || rm -rf "$t"' EXIT
check_cmd "the Slurm node is idle" sh -c "sinfo -h -N -o %t | grep -qx idle"

greet_ports "$t"
"$KRILL" keygen builder --dir "$t/k" >/dev/null
mkdir -p "$t/trust" && cp "$t/k/builder.pub" "$t/trust/"
kmake() { make -C "$TOP" ARCH=host SAN="${SAN:-0}" PORTS_DIR="$t/ports" "$@"; }
sums() { (cd "$t/$1/results" && find . -name '*.pkg.tar.zst' -exec sha256sum {} + | sort); }
jobs_run() { grep -c '_slurm_rpc_allocate_resources JobId=' "$t/slurm/slurmctld.log"; }

kmake ports CACHE_DIR="$t/local" ARCH_BUILD="$t/lb" >"$t/local.out" 2>&1
check_cmd "local build" test $? -eq 0
before=$(jobs_run)
kmake -j2 ports CACHE_DIR="$t/viaslurm" ARCH_BUILD="$t/sb" \
	LAUNCHER="srun --ntasks=1 --cpus-per-task=1 --quiet" \
	REMOTE_CACHE="file://$t/remote" BUILDER_KEYS="$t/trust" KRILL_BUILDER_KEY="$t/k/builder.pem" \
	>"$t/slurm.out" 2>&1
rc=$?
check_cmd "make -j2 ports through srun" test $rc -eq 0
[ $rc -eq 0 ] || tail -30 "$t/slurm.out"
n=$(($(jobs_run) - before))
check_cmd "one Slurm job per port ($n jobs)" test "$n" -eq 3
check_cmd "each port built in its job" test "$(grep -c '\.\.\. ok ' "$t/slurm.out")" -eq 3
sums local >"$t/sums.local"
sums viaslurm >"$t/sums.slurm"
check_cmd "packages exist" test -s "$t/sums.local"
check_cmd "byte-identical to the local build" cmp "$t/sums.local" "$t/sums.slurm"
# the jobs pushed to the remote cache: a checkout with nothing builds nothing
kmake ports CACHE_DIR="$t/fresh" ARCH_BUILD="$t/fb" REMOTE_CACHE="file://$t/remote" \
	BUILDER_KEYS="$t/trust" KRILL_REMOTE_CACHE_PUSH=0 >"$t/fresh.out" 2>&1
check_cmd "another checkout gets every result from the jobs' uploads" \
	test "$(grep -c 'cached (remote)' "$t/fresh.out")" -eq 3
sums fresh >"$t/sums.fresh"
check_cmd "and the same bytes" cmp "$t/sums.local" "$t/sums.fresh"
finish
