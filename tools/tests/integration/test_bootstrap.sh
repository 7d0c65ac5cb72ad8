#!/bin/sh
# test_bootstrap.sh - the toolchain recipes of bootstrap/ as a whole: lint
# clean, every stage dir is in TOOLCHAIN_STAGES (and the other way round),
# and the two gcc stages, which build from one source tree and one
# top-level configure (bootstrap/README.md), keep byte-identical copies of
# the patches and of files/configure-gcc.sh: a change to one copy only
# would give the target libraries a Makefile other than the compiler's.
. "$(dirname "$0")/lib.sh"
B=$TOP/bootstrap

"$KRILL" lint --ports "$B" >"$T/lint" 2>&1
rc=$?
WHY="exit $rc: $(cat "$T/lint")" check bootstrap_lint_clean '[ $rc -eq 0 ]'

stages=$(sed -n 's/^TOOLCHAIN_STAGES *:= *//p' "$TOP/mk/bootstrap.mk" | tr ' ' '\n' | sort)
dirs=$(for d in "$B"/*/port.yaml; do basename "$(dirname "$d")"; done | sort)
WHY="TOOLCHAIN_STAGES: $(echo $stages); bootstrap/: $(echo $dirs)" \
	check bootstrap_stages_are_the_dirs '[ "$stages" = "$dirs" ]'

same() { # same A B: the two trees hold the same names with the same bytes
	[ "$(cd "$1" && find . -type f | sort)" = "$(cd "$2" && find . -type f | sort)" ] &&
		(cd "$1" && find . -type f) | while read -r f; do cmp -s "$1/$f" "$2/$f" || exit 1; done
}
WHY="bootstrap/gcc/patches and bootstrap/gcc-runtime/patches differ" \
	check bootstrap_gcc_patches_one_copy 'same "$B/gcc/patches" "$B/gcc-runtime/patches"'
WHY="the two files/configure-gcc.sh differ" \
	check bootstrap_gcc_configure_one_copy 'cmp -s "$B/gcc/files/configure-gcc.sh" "$B/gcc-runtime/files/configure-gcc.sh"'

# the check can fail: a copy that drifted is caught
cp -R "$B/gcc/patches" "$T/p" && echo '# drift' >>"$T/p/$(ls "$T/p" | head -n 1)"
check bootstrap_gcc_drift_caught '! same "$B/gcc/patches" "$T/p"'
