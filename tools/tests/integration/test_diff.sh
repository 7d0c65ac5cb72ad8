#!/bin/sh
# `krill diff` on real builds: a port built twice from the same inputs is
# reported identical (exit 0); a port built with chosen variations gets
# each difference named (exit 1); bad input is exit 2 naming the file.
set -u
. "$TOP/tools/tests/integration/lib.sh"
t=$T
export SOURCE_DATE_EPOCH=1700000000

# hello: an ELF program, a text file, a symlink; the B variant changes the
# program's string, one line of text, the link target, a mode, adds a file.
mkdir -p "$t/a/hello/files"
cat >"$t/a/hello/port.yaml" <<'YAML'
name: hello
version: 1.0
release: 1
summary: diff test
license: MIT
build:
  style: custom
  script: |
    mkdir -p $DESTDIR/usr/bin $DESTDIR/usr/share/hello
    cc -O1 -o $DESTDIR/usr/bin/hello $FILESDIR/hello.c
    cp $FILESDIR/msg.txt $DESTDIR/usr/share/hello/msg.txt
    cp $FILESDIR/msg.txt $DESTDIR/usr/share/hello/conf
    ln -s msg.txt $DESTDIR/usr/share/hello/link
YAML
printf '#include <stdio.h>\nint main(void) { puts("hello A"); return 0; }\n' >"$t/a/hello/files/hello.c"
printf 'one\ntwo\nthree\n' >"$t/a/hello/files/msg.txt"
cp -r "$t/a" "$t/b"
sed -i 's/hello A/hello B/' "$t/b/hello/files/hello.c"
printf 'one\nTWO\nthree\n' >"$t/b/hello/files/msg.txt"
sed -i -e 's/ln -s msg.txt/ln -s conf/' \
	-e 's|^    cp $FILESDIR/msg.txt $DESTDIR/usr/share/hello/conf|&\n    chmod 600 $DESTDIR/usr/share/hello/conf\n    echo new > $DESTDIR/usr/share/hello/added|' \
	"$t/b/hello/port.yaml"
port "$t/a" extra ""
mkdir -p "$t/c"
cp -r "$t/a/extra" "$t/c/"

build() { # OUT PORTDIR: same key every time, so only the inputs differ
	"$KRILL" build --arch host --key samekey --out "$t/$1" --work "$t/work-$1" --cache "$t/cache" "$2" \
		>"$t/build-$1.log" 2>&1
}
build a1 "$t/a/hello" && build a2 "$t/a/hello" && build b "$t/b/hello" &&
	build x "$t/c/extra"
WHY="krill build failed: $(tail -q -n 5 "$t"/build-*.log)"
check builds_succeed '[ -f "$t/a1/done" ] && [ -f "$t/a2/done" ] && [ -f "$t/b/done" ] && [ -f "$t/x/done" ]'

# the same inputs built twice, in different work dirs: identical
"$KRILL" diff "$t/a1" "$t/a2" >"$t/same.out" 2>&1
rc=$?
WHY="rc $rc: $(cat "$t/same.out")"
check same_inputs_identical '[ $rc = 0 ] && grep -q "^1 identical, 0 differ, 0 only in A, 0 only in B$" "$t/same.out"'
"$KRILL" diff --verbose "$t/a1" "$t/a2" >"$t/same.out" 2>&1
check verbose_names_identical 'grep -qx "identical: hello" "$t/same.out"'

# the variations, each named
"$KRILL" diff "$t/a1" "$t/b" >"$t/d.out" 2>&1
rc=$?
WHY="rc $rc: $(cat "$t/d.out")"
check differences_exit_1 '[ $rc = 1 ] && grep -q "^0 identical, 1 differ" "$t/d.out"'
WHY=$(cat "$t/d.out")
check program_bytes_and_sections 'grep -q "^  usr/bin/hello: content differs$" "$t/d.out" &&
	grep -q "^    first difference at byte [0-9]*, [0-9]* bytes differ$" "$t/d.out" &&
	grep -q "^    ELF sections:.* \.rodata" "$t/d.out"'
WHY=$(cat "$t/d.out")
check text_file_bytes 'grep -A3 "^  usr/share/hello/msg.txt: content differs" "$t/d.out" |
	grep -q "first difference at byte 4, 3 bytes differ"'
WHY=$(cat "$t/d.out")
check link_mode_added 'grep -q "^  usr/share/hello/link: link msg.txt -> conf$" "$t/d.out" &&
	grep -q "^  usr/share/hello/conf: mode 0644 -> 0600, content differs$" "$t/d.out" &&
	grep -q "^  usr/share/hello/added: added (file, 4 bytes)$" "$t/d.out"'
WHY=$(cat "$t/d.out")
check sbom_and_provenance_lines 'grep -q "^  .SBOM.spdx.json differs:" "$t/d.out" &&
	grep -q "^  provenance differs:" "$t/d.out"'

# the same report as JSON
"$KRILL" diff --json "$t/a1" "$t/b" >"$t/d.json" 2>"$t/d.err"
rc=$?
python3 - "$t/d.json" >"$t/py.out" 2>&1 <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["result"] == "different" and r["identical"] == 0, r
p = r["differing"][0]
assert p["name"] == "hello" and not p["identical_bytes"]
f = {x["path"]: x for x in p["files"]}
c = f["usr/share/hello/msg.txt"]["content"]
assert c["first_difference"] == 4 and c["differing_bytes"] == 3, c
assert len(c["a"]["sha256"]) == 64 and c["a"]["sha256"] != c["b"]["sha256"]
assert any(s["name"] == ".rodata" for s in f["usr/bin/hello"]["content"]["elf_sections"])
assert f["usr/share/hello/link"]["link"] == {"a": "msg.txt", "b": "conf"}
assert f["usr/share/hello/conf"]["mode"] == {"a": "0644", "b": "0600"}
assert f["usr/share/hello/added"]["change"] == "added"
assert "usr/share/hello" not in f  # unchanged members are not listed
PY
WHY="rc $rc: $(cat "$t/py.out" "$t/d.err")"
check json_report '[ $rc = 1 ] && [ ! -s "$t/py.out" ]'

"$KRILL" diff --quiet "$t/a1" "$t/b" >"$t/q.out" 2>&1
rc=$?
check quiet_only_status '[ $rc = 1 ] && [ ! -s "$t/q.out" ]'
"$KRILL" diff -q "$t/a1" "$t/a2"
check quiet_identical_0 '[ $? = 0 ]'

# directories pair packages by name: a package only on one side
mkdir -p "$t/repo1" "$t/repo2"
cp "$t"/a1/*.pkg.tar.zst "$t/repo1/"
cp "$t"/a2/*.pkg.tar.zst "$t"/x/*.pkg.tar.zst "$t/repo2/"
"$KRILL" diff "$t/repo1" "$t/repo2" >"$t/r.out" 2>&1
rc=$?
WHY="rc $rc: $(cat "$t/r.out")"
check only_in_b '[ $rc = 1 ] && grep -q "^only in B: extra 1.0-r1 (" "$t/r.out" &&
	grep -q "^1 identical, 0 differ, 0 only in A, 1 only in B$" "$t/r.out"'
# a single package file against a directory works the same way
"$KRILL" diff "$t"/a1/hello-*.pkg.tar.zst "$t/repo2" >"$t/r.out" 2>&1
check file_against_dir '[ $? = 1 ] && grep -q "^only in B: extra" "$t/r.out"'

# same tar, other compression: said so
pa=$(ls "$t"/a1/hello-*.pkg.tar.zst)
mkdir -p "$t/z"
zstd -q -d -c "$pa" | zstd -q -19 -c >"$t/z/hello.pkg.tar.zst"
"$KRILL" diff "$pa" "$t/z/hello.pkg.tar.zst" >"$t/z.out" 2>&1
rc=$?
WHY="rc $rc: $(cat "$t/z.out")"
check compression_only '[ $rc = 1 ] && grep -q "only the compressed bytes differ" "$t/z.out" &&
	! grep -q "content differs" "$t/z.out"'

# errors: exit 2, the file named, what was expected
"$KRILL" diff "$t/a1" "$t/nope" >"$t/e.out" 2>&1
rc=$?
WHY="rc $rc: $(cat "$t/e.out")"
check missing_is_2 '[ $rc = 2 ] && grep -q "$t/nope: .*expected a package file or a directory" "$t/e.out"'
echo garbage >"$t/bad.pkg.tar.zst"
"$KRILL" diff "$t/bad.pkg.tar.zst" "$t/a1" >"$t/e.out" 2>&1
rc=$?
WHY="rc $rc: $(cat "$t/e.out")"
check not_a_package_is_2 '[ $rc = 2 ] && grep -q "bad.pkg.tar.zst: not zstd-compressed, expected" "$t/e.out"'
"$KRILL" diff "$t/a1" >"$t/e.out" 2>&1
rc=$?
check usage_is_2 '[ $rc = 2 ] && grep -q "^usage: krill diff" "$t/e.out"'
"$KRILL" diff --json --quiet "$t/a1" "$t/a2" >"$t/e.out" 2>&1
check json_quiet_is_2 '[ $? = 2 ]'
