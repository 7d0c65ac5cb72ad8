#!/bin/sh
# test_lint.sh - `krill lint`: every problem of every recipe in one run,
# each as path:line:col:, exit 1; a clean tree exits 0.
. "$(dirname "$0")/lib.sh"

P=$T/ports
port "$P" good ""
port "$P" user "good"
mkdir -p "$P/five"
cat >"$P/five/port.yaml" <<'Y'
name: five
version: 1.0-beta
release: 1
summary: [not, a, string]
license: MIT OR Foo-1.0
colour: red
sources:
  - url: https://example.org/five-${version}.tar.gz
    sha256: 12345
build:
  style: make
Y

"$KRILL" lint --ports "$P" >"$T/out" 2>"$T/err"
rc=$?
check lint_exit_1_on_problems '[ $rc = 1 ]'
WHY="expected 5 path:line:col: lines, got: $(cat "$T/out")"
check lint_five_planted_errors_five_lines \
	'[ "$(grep -c "^$P/five/port.yaml:[0-9]*:[0-9]*: " "$T/out")" = 5 ] && [ "$(wc -l <"$T/out")" = 5 ]'
expect="$P/five/port.yaml:2:10: $P/five/port.yaml:4:10: $P/five/port.yaml:5:10: $P/five/port.yaml:6:1: $P/five/port.yaml:9:13:"
got=$(cut -d' ' -f1 "$T/out" | tr '\n' ' ' | sed 's/ $//')
WHY="places: $got"
check lint_places_line_col '[ "$got" = "$expect" ]'
check lint_messages_say_what_was_expected '[ "$(grep -c "expected" "$T/out")" = 5 ]'
check lint_summary_on_stderr 'grep -q "^krill lint: 5 problems$" "$T/err"'

# a second broken recipe: both are reported in the same run
mkdir -p "$P/wrongdir"
sed 's/^name: good/name: other/' "$P/good/port.yaml" >"$P/wrongdir/port.yaml"
"$KRILL" lint --ports "$P" >"$T/out" 2>/dev/null
check lint_every_recipe_in_one_run \
	'grep -q "^$P/wrongdir/port.yaml:1:7: name .other. differs from its folder .wrongdir." "$T/out" &&
	 [ "$(grep -c "^$P/five/" "$T/out")" = 5 ]'

"$KRILL" lint --ports "$P" good user >"$T/out" 2>&1
rc=$?
check lint_named_clean_ports_exit_0 '[ $rc = 0 ] && [ ! -s "$T/out" ]'
"$KRILL" lint --ports "$P" five >"$T/out" 2>/dev/null
rc=$?
check lint_named_port_only_its_problems '[ $rc = 1 ] && [ "$(wc -l <"$T/out")" = 5 ]'
"$KRILL" lint --ports "$P" nosuch >"$T/out" 2>/dev/null
rc=$?
check lint_unknown_port_named '[ $rc = 1 ] && grep -q "no such port .nosuch." "$T/out"'

# a port named by its path, as tab completion gives it: same as its name
for a in "$P/five" "$P/five/" "$P/five/port.yaml" "$P/five//"; do
	"$KRILL" lint "$a" >"$T/out" 2>/dev/null
	rc=$?
	[ $rc = 1 ] && [ "$(wc -l <"$T/out")" = 5 ] || { WHY="$a: rc=$rc: $(cat "$T/out")"; break; }
done
check lint_port_as_path '[ -z "$WHY" ]'
(cd "$T" && "$KRILL" lint ports/good ports/user/ >"$T/out" 2>&1)
rc=$?
WHY="rc=$rc: $(cat "$T/out")"
check lint_relative_paths_clean_exit_0 '[ $rc = 0 ] && [ ! -s "$T/out" ]'
(cd "$T" && "$KRILL" lint --ports ports ./ports/five/port.yaml >"$T/out" 2>/dev/null)
rc=$?
check lint_path_inside_given_tree '[ $rc = 1 ] && [ "$(wc -l <"$T/out")" = 5 ]'
mkdir -p "$T/elsewhere"
"$KRILL" lint --ports "$T/elsewhere" "$P/good" >"$T/out" 2>&1
rc=$?
WHY="rc=$rc: $(cat "$T/out")"
check lint_path_outside_given_tree_refused '[ $rc = 2 ] && grep -q "not in the ports tree" "$T/out"'
port "$T/elsewhere" solo ""
(cd "$T" && "$KRILL" lint elsewhere/solo >"$T/out" 2>&1)
rc=$?
WHY="rc=$rc: $(cat "$T/out")"
check lint_path_picks_its_tree '[ $rc = 0 ] && [ ! -s "$T/out" ]'
(cd "$T" && "$KRILL" lint ports/good elsewhere/solo >"$T/out" 2>&1)
rc=$?
WHY="rc=$rc: $(cat "$T/out")"
check lint_paths_in_two_trees_refused '[ $rc = 2 ] && grep -q "another tree" "$T/out"'

rm -rf "$P/five" "$P/wrongdir"
"$KRILL" lint --ports "$P" >"$T/out" 2>&1
rc=$?
WHY="rc=$rc: $(cat "$T/out")"
check lint_clean_tree_exit_0 '[ $rc = 0 ] && [ ! -s "$T/out" ]'

port "$P" dep "missing-thing"
"$KRILL" lint --ports "$P" >"$T/out" 2>/dev/null
rc=$?
check lint_missing_dep_names_both \
	'[ $rc = 1 ] && grep -q "port .dep. build-depends on .missing-thing., but no port" "$T/out"'

"$KRILL" lint --ports "$P" --arch mips >/dev/null 2>&1
rc=$?
check lint_bad_arch_is_usage_error '[ $rc = 2 ]'
"$KRILL" lint --ports "$T/nonexistent" >"$T/out" 2>&1
rc=$?
check lint_missing_ports_dir_exit_1 '[ $rc = 1 ] && grep -q "cannot read directory" "$T/out"'

# the full example of tools/doc/recipe.md is a valid recipe
D=$T/doc
mkdir -p "$D/zstd"
sed -n '/^```yaml$/,/^```$/p' "$TOP/tools/doc/recipe.md" | sed '1d;$d' >"$D/zstd/port.yaml"
for p in zlib xz lz4; do port "$D" "$p" ""; done
"$KRILL" lint --ports "$D" >"$T/out" 2>&1
rc=$?
WHY="rc=$rc: $(cat "$T/out")"
check lint_doc_example_is_clean '[ $rc = 0 ] && [ "$(wc -l <"$D/zstd/port.yaml")" -ge 15 ]'

# the new-port template lints clean
make -s -C "$TOP" new-port NAME=fresh PORTS_DIR="$D" >/dev/null 2>&1
"$KRILL" lint --ports "$D" >"$T/out" 2>&1
rc=$?
WHY="rc=$rc: $(cat "$T/out")"
check lint_new_port_template_is_clean '[ $rc = 0 ] && [ -f "$D/fresh/port.yaml" ]'
