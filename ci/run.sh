#!/bin/sh
# ci/run.sh - what CI runs (.ci/run calls it), exactly as README.md says:
#   1. `make` itself, if missing (a bare Debian 12): build-essential, as root
#      (apt's output in build/ci-apt.log);
#   2. `make check`: installs the remaining host prerequisites
#      (mk/host-packages.txt) as root, builds krill, runs every test;
#   3. `make check SAN=1`: the same suite against an ASan+UBSan build
#      (skip with CI_SAN=0). It takes about as long as step 2 again, which
#      keeps the whole run well inside 15 minutes on 2 cores.
# Ends with one line "N passed, N failed" over both runs; exits non-zero
# on any failure.
set -u
cd "$(dirname "$0")/.."

if ! command -v make >/dev/null 2>&1; then
	if [ "$(id -u)" != 0 ]; then
		echo "ci: 'make' is missing; run as root: apt-get update && apt-get install -y build-essential" >&2
		exit 1
	fi
	# apt's output in a log, its tail on failure (as mk/host-prereqs.sh)
	mkdir -p build
	alog=$PWD/build/ci-apt.log
	echo "ci: installing build-essential (for make; apt log: $alog)" >&2
	export DEBIAN_FRONTEND=noninteractive
	if ! { apt-get update && apt-get install -y --no-install-recommends build-essential; } >"$alog" 2>&1; then
		echo "ci: installing build-essential failed; last lines of $alog:" >&2
		tail -n 20 "$alog" | sed 's/^/  /' >&2
		exit 1
	fi
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
total_pass=0
total_fail=0
rc=0
# run_suite LABEL MAKE-ARGS...: run make, keep its "N passed, N failed" line.
run_suite() {
	label=$1
	shift
	echo "== ci: make $* ($label)"
	start=$(date +%s)
	# make's exit status survives the pipe through a file
	{ make "$@" 2>&1; echo $? >"$log.rc"; } | tee "$log"
	st=$(cat "$log.rc")
	rm -f "$log.rc"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
	p=${line%% passed*}
	f=${line#*, }
	f=${f%% failed}
	if [ -z "$line" ]; then
		p=0
		f=1 # the suite did not even get to run: count that as a failure
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	[ "$st" = 0 ] || rc=1
	echo "== ci: $label: ${line:-no result line}, exit $st, $(($(date +%s) - start))s"
}

run_suite plain check
if [ "${CI_SAN:-1}" = 1 ]; then
	run_suite sanitizers check SAN=1
fi
echo "$total_pass passed, $total_fail failed"
[ $rc = 0 ] && [ $total_fail = 0 ]
