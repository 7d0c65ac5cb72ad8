#!/bin/sh
# test_man.sh - every verb has a man page generated from its help text,
# and `man -l` renders each (mk/man.mk builds them before the tests).
. "$(dirname "$0")/lib.sh"

M=$(dirname "$KRILL")/../man/man1
verbs=$("$KRILL" help | sed -n 's/^  \([a-z]*\) .*/\1/p')
missing=
for v in $verbs; do [ -f "$M/krill-$v.1" ] || missing="$missing $v"; done
WHY="no page for:$missing"
check man_page_for_every_verb '[ -n "$verbs" ] && [ -z "$missing" ] && [ -f "$M/krill.1" ]'

bad=
for p in "$M"/krill*.1; do
	# groff's own warnings (bad requests) would show on stderr
	MANWIDTH=80 man -l "$p" >"$T/out" 2>"$T/err" && grep -q "^NAME" "$T/out" &&
		! grep -q "warning" "$T/err" || bad="$bad $(basename "$p")"
done
WHY="man -l failed for:$bad"
check man_pages_render '[ -z "$bad" ]'

MANWIDTH=200 man -l "$M/krill-lint.1" >"$T/out" 2>&1
check man_page_carries_help_text 'grep -q "krill-lint - check recipes" "$T/out" &&
	grep -q "krill lint \[--ports DIR\]" "$T/out" && grep -q "Exit status: 0 clean" "$T/out"'
MANWIDTH=200 man -l "$M/krill.1" >"$T/out" 2>&1
nv=0
for v in $verbs; do grep -q "^       $v " "$T/out" && nv=$((nv + 1)); done
WHY="krill(1) lists $nv of $(echo $verbs | wc -w) verbs"
check man_krill_lists_every_verb '[ $nv = $(echo $verbs | wc -w) ]'
