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
# (the first yaml block only)
awk '/^```yaml$/ && !n { on = 1; n = 1; next } on && /^```$/ { exit } on' "$TOP/tools/doc/recipe.md" >"$D/zstd/port.yaml"
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

# security data (tools/doc/recipe.md): every problem at its place, in one run
S=$T/sec
mkdir -p "$S/z/patches"
cat >"$S/z/port.yaml" <<'Y'
name: z
version: 1.3.2
release: 2
summary: test
license: Zlib
cpe: cpe:2.3:a:zlib:zlib:${version}:*:*:*:*:*:*
purl: pkg:github/madler/zlib@v${version}
secfixes:
  1.3.2-r2:
    - CVE-2026-0001
    - CVE-26-1
  1.3.3-r1:
    - CVE-2026-0002
not-affected:
  - id: CVE-2023-45853
    justification: it-is-fine
build:
  style: none
Y
printf 'Fix the overflow.\nCVE: CVE-2026-0001 CVE-2026-0042\n\n--- a/x.c\n+++ b/x.c\n' \
	>"$S/z/patches/0001-overflow.patch"
printf 'A fix with no secfix at all.\nCVE: CVE-2026-0077\n\n--- a/y.c\n+++ b/y.c\n' \
	>"$S/z/patches/0002-other.patch"
"$KRILL" lint --ports "$S" >"$T/out" 2>"$T/err"
rc=$?
WHY="rc=$rc: $(cat "$T/out")"
check lint_secfix_malformed_id \
	'[ $rc = 1 ] && grep -q "^$S/z/port.yaml:11:7: bad vulnerability id .CVE-26-1. in secfixes, expected CVE-YYYY-NNNN" "$T/out"'
check lint_secfix_version_release_not_in_recipe \
	'grep -q "^$S/z/port.yaml:12:3: secfixes names 1.3.3-r1, a version-release this recipe does not have (it is at 1.3.2-r2)" "$T/out"'
check lint_patch_cve_header_missing_from_secfixes \
	'grep -q "^$S/z/patches/0001-overflow.patch:2:20: the patch names CVE-2026-0042 in its header, but secfixes does not list it" "$T/out" &&
	 grep -q "^$S/z/patches/0002-other.patch:2:6: the patch names CVE-2026-0077" "$T/out" &&
	 ! grep -q "CVE-2026-0001 in its header" "$T/out"'
check lint_bad_cpe_and_justification \
	'grep -q "^$S/z/port.yaml:6:6: bad cpe .cpe:2.3:a:zlib:zlib:1.3.2:\*:\*:\*:\*:\*:\*., expected" "$T/out" &&
	 grep -q "^$S/z/port.yaml:16:20: unknown justification .it-is-fine., expected one of OpenVEX" "$T/out"'
check lint_security_problems_all_in_one_run '[ "$(wc -l <"$T/out")" = 6 ] && grep -q "^krill lint: 6 problems$" "$T/err"'

# the other direction: a secfix at a later release of the current version
# (a recipe change, so a patch) that no patch header names
mkdir -p "$S/ok/patches"
cat >"$S/ok/port.yaml" <<'Y'
name: ok
version: '2.0'
release: 3
summary: test
license: MIT
cpe: cpe:2.3:a:example:ok:${version}:*:*:*:*:*:*:*
purl: pkg:generic/ok@${version}
secfixes:
  2.0-r3:
    - CVE-2026-1000
    - GHSA-jfh8-c2jp-5v3q
  2.0-r1:
    - CVE-2025-0001
  1.9-r4:
    - KRILL-2026-1
not-affected:
  - id: CVE-2024-9999
    justification: vulnerable_code_not_present
    impact: the feature is configured out
build:
  style: none
Y
printf 'Fix it.\nCVE: CVE-2026-1000\n\n--- a/x.c\n+++ b/x.c\n' >"$S/ok/patches/0001-fix.patch"
"$KRILL" lint --ports "$S" ok >"$T/out" 2>&1
rc=$?
WHY="rc=$rc: $(cat "$T/out")"
check lint_secfix_without_patch \
	'[ $rc = 1 ] && [ "$(wc -l <"$T/out")" = 2 ] && grep -q "^$S/ok/port.yaml:11:7: secfixes lists GHSA-jfh8-c2jp-5v3q under 2.0-r3, a later release of the current version, but no patch in patches/ names it" "$T/out"'
printf 'Fix it.\nCVE: CVE-2026-1000, GHSA-jfh8-c2jp-5v3q\n\n--- a/x.c\n+++ b/x.c\n' >"$S/ok/patches/0001-fix.patch"
"$KRILL" lint --ports "$S" ok >"$T/out" 2>&1
rc=$?
WHY="rc=$rc: $(cat "$T/out")"
check lint_security_data_clean '[ $rc = 0 ]'
