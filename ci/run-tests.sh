#!/bin/sh
# Run every unit test binary and every integration test script; each prints
# "PASS name" / "FAIL name: why" lines. A test program that exits non-zero
# without a FAIL line counts as one failure. Ends with "N passed, N failed".
# Arguments: optional test names to run (substring match).
set -u
: "${KRILL:?}" "${UNIT_BINS:?}" "${TOP:?}"
export KRILL TOP
filter="$*"
results=$(mktemp)
sanlog=$(mktemp -d)
trap 'rm -f "$results"; rm -rf "$sanlog"' EXIT
# SAN=1: leak detection on, and every sanitizer report goes to a file, so
# a leak on an error path (exit 1 anyway) fails the test that caused it.
if [ "${SAN:-0}" = 1 ]; then
	export ASAN_OPTIONS="detect_leaks=1:log_path=$sanlog/asan"
	export LSAN_OPTIONS="detect_leaks=1"
fi

want() {
	[ -z "$filter" ] && return 0
	for f in $filter; do case "$1" in *"$f"*) return 0 ;; esac; done
	return 1
}

run_one() { # name command...
	name=$1
	shift
	want "$name" || return 0
	start=$(date +%s)
	out=$("$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -E '^(PASS|FAIL|SKIP) ' >>"$results"
	printf '%s\n' "$out" | grep -E '^(PASS|FAIL|SKIP) ' | sed "s|^|  [$name] |"
	if [ $rc -ne 0 ] && ! printf '%s\n' "$out" | grep -q '^FAIL '; then
		echo "FAIL $name: exited $rc" >>"$results"
		echo "  [$name] FAIL: exited $rc; output:"
		printf '%s\n' "$out" | tail -30 | sed 's/^/    /'
	elif [ $rc -ne 0 ]; then
		printf '%s\n' "$out" | grep -v -E '^(PASS|FAIL) ' | tail -30 | sed 's/^/    /'
	fi
	if [ -n "$(ls -A "$sanlog")" ]; then
		echo "FAIL $name: sanitizer report (leak or error)" >>"$results"
		echo "  [$name] FAIL: sanitizer report:"
		cat "$sanlog"/* | grep -E 'ERROR|SUMMARY|#[0-9] ' | head -40 | sed 's/^/    /'
		rm -f "$sanlog"/*
	fi
	echo "  [$name] $(( $(date +%s) - start ))s"
}

echo "== unit tests"
for t in $UNIT_BINS; do
	if [ ! -x "$t" ]; then
		want "$(basename "$t")" && echo "FAIL $(basename "$t"): not built" >>"$results"
		continue
	fi
	run_one "$(basename "$t")" "$t"
done
echo "== integration tests"
for t in "$TOP"/tools/tests/integration/test_*.sh; do
	[ -f "$t" ] || continue
	run_one "$(basename "$t" .sh)" sh "$t"
done

passed=$(grep -c '^PASS ' "$results")
failed=$(grep -c '^FAIL ' "$results")
# a SKIP line (a test that cannot run here, and says why) is neither
if grep -q '^SKIP ' "$results"; then
	echo "skipped:"
	grep '^SKIP ' "$results" | sed 's/^/  /'
fi
if [ "$failed" -gt 0 ]; then
	echo "failures:"
	grep '^FAIL ' "$results" | sed 's/^/  /'
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
