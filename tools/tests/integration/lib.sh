# lib.sh - shared helpers for the integration tests (sourced, POSIX sh).
# Every test keeps its state under $T (a mktemp -d dir removed on exit;
# KEEP_T=1 keeps it, to look at a failure's files).
: "${KRILL:?}" "${TOP:?}"
T=$(mktemp -d)
trap '[ -n "${KEEP_T:-}" ] || rm -rf "$T"' EXIT
# The suite runs inside `make check`: a nested make must not join its jobserver.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
# check NAME 'CONDITION': PASS if the shell condition (eval'd, so it may use
# && and pipes; quote it in single quotes) holds; else FAIL with $WHY or it.
check() {
	if eval "$2"; then pass "$1"; else fail "$1" "${WHY:-$2}"; fi
	WHY=
}

# port DIR NAME BUILD-DEPENDS [EXTRA]: a small valid recipe.
port() {
	mkdir -p "$1/$2"
	printf 'name: %s\nversion: 1.0\nrelease: 1\nsummary: test port %s\nlicense: MIT\nbuild-depends: [%s]\nbuild:\n  style: none\n%s' \
		"$2" "$2" "$3" "${4:-}" >"$1/$2/port.yaml"
}

# check_cmd NAME CMD ARGS...: PASS if the command succeeds; counts failures
# for finish.
_fails=0
check_cmd() {
	_name=$1
	shift
	if "$@" >/dev/null 2>&1; then
		pass "$_name"
	else
		fail "$_name" "$*"
		_fails=$((_fails + 1))
	fi
}
# finish: exit status of the test: non-zero if a check_cmd failed.
finish() {
	[ "$_fails" -eq 0 ]
	exit $?
}
