# lib.sh - helpers for integration tests: `check NAME CMD...` prints
# "PASS NAME" or "FAIL NAME: ..." and `finish` sets the exit status.
_fails=0
check() {
	name=$1
	shift
	if "$@" >/dev/null 2>&1; then
		echo "PASS $name"
	else
		echo "FAIL $name: $*"
		_fails=$((_fails + 1))
	fi
}
finish() {
	[ "$_fails" -eq 0 ]
	exit $?
}
