#!/bin/sh
# Port builds dispatched to a real scheduler: a single-node Slurm cluster
# (munged, slurmctld, slurmd on 127.0.0.1, started by ci/slurm-node.sh in
# this test's temp dir) runs every port's `krill build` through
# LAUNCHER="srun ...", with `make -j2`; the packages are byte-identical to
# a local build's. Results come back through the shared CACHE_DIR, and,
# with REMOTE_CACHE, through the remote cache to another checkout that
# builds nothing. Then jobs with a node-local CACHE_DIR (an empty tmpfs
# mounted over it inside each job): their dependencies and their results
# travel through the remote cache only. If Slurm cannot start here, one
# SKIP line says why.
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

# --- node-local CACHE_DIRs: each job sees an empty tmpfs at CACHE_DIR, so
# it fetches its dependencies from the remote cache and uploads its result,
# which `krill build --fetch-only` then brings to the submitting side
cat >"$t/nodelocal.sh" <<'SH'
# nodelocal.sh DIR CMD...: CMD with an empty tmpfs over DIR (this job only)
d=$1
shift
mkdir -p "$d" && mount -t tmpfs tmpfs "$d" && exec "$@"
SH
before=$(jobs_run)
kmake -j2 ports CACHE_DIR="$t/nl" ARCH_BUILD="$t/nb" \
	LAUNCHER="srun --ntasks=1 --cpus-per-task=1 --quiet unshare -m sh $t/nodelocal.sh $t/nl" \
	REMOTE_CACHE="file://$t/remote2" BUILDER_KEYS="$t/trust" KRILL_BUILDER_KEY="$t/k/builder.pem" \
	>"$t/nl.out" 2>&1
rc=$?
check_cmd "node-local caches: make -j2 ports through srun" test $rc -eq 0
[ $rc -eq 0 ] || tail -30 "$t/nl.out"
n=$(($(jobs_run) - before))
check_cmd "node-local caches: one job per port ($n jobs)" test "$n" -eq 3
check_cmd "node-local caches: each port built in its job" test "$(grep -c '\.\.\. ok ' "$t/nl.out")" -eq 3
# (and a job really sees none of the submitting side's results)
check_cmd "node-local caches: a job sees an empty CACHE_DIR" test -z "$(srun --ntasks=1 --quiet \
	unshare -m sh "$t/nodelocal.sh" "$t/nl" ls -A "$t/nl")"
check_cmd "node-local caches: while the submitting side has them" test -n "$(ls -A "$t/nl/results")"
check_cmd "node-local caches: the results came back through the remote cache" \
	test "$(find "$t/remote2" -name RESULT | wc -l)" -eq 3
sums nl >"$t/sums.nl"
check_cmd "node-local caches: byte-identical to the local build" cmp "$t/sums.local" "$t/sums.nl"
finish
