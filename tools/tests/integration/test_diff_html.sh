#!/bin/sh
# `krill diff --html FILE`: two builds of a port that differ in exactly one
# file's mode, one line of a text file and one byte of an ELF section give
# a page whose file headings are exactly those three, each with the text
# report's detail and a deep diff naming its tool (diffoscope when it is
# installed, krill's own with --no-diffoscope); hostile names are escaped;
# a bad option gets one message.
set -u
. "$TOP/tools/tests/integration/lib.sh"
t=$T
export SOURCE_DATE_EPOCH=1700000000

# prog: an ELF program; B's copy differs in one byte of .rodata ("hello A"
# -> "hello B"), patched here so that nothing else can differ
printf '#include <stdio.h>\nint main(void) { puts("hello A"); return 0; }\n' >"$t/prog.c"
cc -O1 -o "$t/prog" "$t/prog.c"
mkdir -p "$t/a/demo/files"
cat >"$t/a/demo/port.yaml" <<'YAML'
name: demo
version: 1.0
release: 1
summary: diff --html test
license: MIT
build:
  style: custom
  script: |
    install -D -m 755 $FILESDIR/prog $DESTDIR/usr/bin/prog
    install -D -m 644 $FILESDIR/msg.txt $DESTDIR/usr/share/demo/msg.txt
    install -D -m 644 $FILESDIR/conf $DESTDIR/etc/demo.conf
    install -D -m 644 $FILESDIR/same.txt "$DESTDIR/usr/share/demo/<b>&same</b>.txt"
YAML
cp "$t/prog" "$t/a/demo/files/prog"
printf 'one\ntwo\nthree\n' >"$t/a/demo/files/msg.txt"
printf 'key = value\n' >"$t/a/demo/files/conf"
printf 'unchanged <script>alert(1)</script>\n' >"$t/a/demo/files/same.txt"
cp -r "$t/a" "$t/b"
python3 - "$t/prog" "$t/b/demo/files/prog" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
assert d.count(b"hello A") == 1
open(sys.argv[2], "wb").write(d.replace(b"hello A", b"hello B"))
PY
printf 'one\nTWO\nthree\n' >"$t/b/demo/files/msg.txt"
sed -i 's|-m 644 $FILESDIR/conf|-m 600 $FILESDIR/conf|' "$t/b/demo/port.yaml"

build() {
	"$KRILL" build --arch host --key samekey --out "$t/$1" --work "$t/work-$1" --cache "$t/cache" "$2" \
		>"$t/build-$1.log" 2>&1
}
build oa "$t/a/demo" && build ob "$t/b/demo"
WHY="krill build failed: $(tail -q -n 5 "$t"/build-*.log)"
check builds_succeed '[ -f "$t/oa/done" ] && [ -f "$t/ob/done" ]'

# the page's file headings, and what each file's section says
page() { # HTML OUT: "heading<TAB>text of its section" per file, tags dropped
	python3 - "$1" >"$2" <<'PY'
import html, re, sys
s = open(sys.argv[1], encoding="utf-8").read()
parts = re.split(r'<h3 class="file">(.*?)</h3>', s)
for i in range(1, len(parts), 2):
    body = re.split(r"<h3 |</section>", parts[i + 1])[0]
    text = html.unescape(re.sub(r"<[^>]*>", "", body))
    print(html.unescape(parts[i]) + "\t" + " ".join(text.split()))
PY
}

"$KRILL" diff --html "$t/d.html" "$t/oa" "$t/ob" >"$t/d.out" 2>&1
rc=$?
WHY="rc $rc: $(cat "$t/d.out")"
check html_exit_1_and_text_report_too '[ $rc = 1 ] && [ -s "$t/d.html" ] && grep -q "^0 identical, 1 differ" "$t/d.out"'
page "$t/d.html" "$t/files"
WHY="files: $(cut -f1 "$t/files" | tr '\n' ' ')"
check html_names_exactly_the_three_files '[ "$(cut -f1 "$t/files" | tr "\n" " ")" = "etc/demo.conf usr/bin/prog usr/share/demo/msg.txt " ]'
WHY=$(cat "$t/files")
check html_mode_line 'grep -q "^etc/demo.conf	etc/demo.conf: mode 0644 -> 0600$" "$t/files"'
check html_text_line 'grep "^usr/share/demo/msg.txt	" "$t/files" | grep -q "first difference at byte 4, 3 bytes differ"'
check html_elf_one_byte_one_section 'grep "^usr/bin/prog	" "$t/files" | grep -q "first difference at byte [0-9]*, 1 byte differs ELF sections: .rodata Deep diff"'
WHY=$(grep -o '<p class="verdict[^<]*' "$t/d.html"; grep -c "<tr><td>" "$t/d.html")
check html_verdict_per_package 'grep -q "<p class=\"verdict differs\">Verdict: different: 0 identical, 1 differ, 0 only in A, 0 only in B" "$t/d.html" &&
	grep -q "<tr><td>demo</td><td class=\"differs\"><a href=\"#p1\">differs</a></td></tr>" "$t/d.html"'
WHY=$(grep -c "<script\|<link\|src=\|http" "$t/d.html")
check html_self_contained '! grep -Eiq "<script|<link|<img|<iframe|src=|url\(" "$t/d.html"'
# a hostile file name and contents: escaped, never markup
"$KRILL" build --arch host --key otherkey --out "$t/c" --work "$t/work-c" --cache "$t/cache" "$t/a/demo" >/dev/null 2>&1
printf 'changed <script>alert(1)</script>\n' >"$t/a/demo/files/same.txt"
"$KRILL" build --arch host --key samekey --out "$t/e" --work "$t/work-e" --cache "$t/cache" "$t/a/demo" >/dev/null 2>&1
"$KRILL" diff --html "$t/h.html" "$t/c" "$t/e" >/dev/null 2>&1
WHY=$(grep -n "script\|<b>&" "$t/h.html" | head -5)
check html_escapes_names_and_contents '[ -s "$t/h.html" ] && ! grep -q "<script" "$t/h.html" && ! grep -q "<b>&amp;same" "$t/h.html" &&
	grep -q "usr/share/demo/&lt;b&gt;&amp;same&lt;/b&gt;.txt" "$t/h.html" && grep -q "&lt;script&gt;alert(1)" "$t/h.html"'

# the deep diff: diffoscope's when installed; krill's without it
"$KRILL" diff --html "$t/k.html" --no-diffoscope "$t/oa" "$t/ob" >/dev/null 2>&1
page "$t/k.html" "$t/kfiles"
WHY=$(cat "$t/kfiles")
check html_without_diffoscope_is_complete '[ "$(cut -f1 "$t/kfiles" | tr "\n" " ")" = "etc/demo.conf usr/bin/prog usr/share/demo/msg.txt " ] &&
	grep "^usr/share/demo/msg.txt	" "$t/kfiles" | grep -q "Deep diff by krill (the differing lines) -two +TWO" &&
	grep "^usr/bin/prog	" "$t/kfiles" | grep -q "Deep diff by krill (the bytes at the first difference)" &&
	grep -q "deep diff of each differing file by <b>krill</b> (diffoscope not used)" "$t/k.html"'
if command -v diffoscope >/dev/null 2>&1; then
	WHY=$(cat "$t/files")
	check html_deep_diff_by_diffoscope 'grep "^usr/share/demo/msg.txt	" "$t/files" | grep -q "Deep diff by diffoscope [0-9].*-two +TWO" &&
		grep "^usr/bin/prog	" "$t/files" | grep -q "Deep diff by diffoscope [0-9].*rodata" &&
		grep -q "deep diff of each differing file by <b>diffoscope [0-9]" "$t/d.html"'
else
	WHY="diffoscope is not installed (mk/host-packages.txt lists diffoscope-minimal)"
	check html_deep_diff_by_diffoscope false
fi

# one message for a bad option, naming it
"$KRILL" diff --bogus "$t/oa" "$t/ob" >"$t/bad.out" 2>&1
rc=$?
WHY="rc $rc: $(cat "$t/bad.out")"
check bad_option_one_message '[ $rc = 2 ] && [ "$(grep -c "unknown option\|unrecognized option" "$t/bad.out")" = 1 ] &&
	grep -q "^krill diff: unknown option .--bogus.$" "$t/bad.out"'
"$KRILL" diff "$t/oa" "$t/ob" --html >"$t/bad.out" 2>&1
rc=$?
WHY="rc $rc: $(cat "$t/bad.out")"
check missing_value_one_message '[ $rc = 2 ] && grep -q "^krill diff: option .--html. needs a value$" "$t/bad.out" &&
	[ "$(grep -c "option" "$t/bad.out")" -le 3 ] && ! grep -q "^diff:" "$t/bad.out"'
