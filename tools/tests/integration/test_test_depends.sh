#!/bin/sh
# test-depends: a tiny tree built for ARCH=host through make. Port `tool`
# ships a program; port `app` test-depends on it. The tool is built
# first, its package is in app's test root (the test runs it, and $INROOT
# sees it too), app's packages do not depend on it, and app's build
# sysroot does not have it.
set -u
. "$TOP/tools/tests/integration/lib.sh"

t=$T
export SOURCE_DATE_EPOCH=1700000000
mkdir -p "$t/ports/tool/files" "$t/ports/app"
printf '#!/bin/sh\necho "tool says $1"\n' >"$t/ports/tool/files/tool"
port "$t/ports" tool "" '  post-install: install -D -m 755 "$FILESDIR/tool" "$DESTDIR/usr/bin/tool"
'
# app's build fails if the tool is in its sysroot; its test needs it
port "$t/ports" app "" '  post-install: |
    test ! -e /sysroot/usr/bin/tool
    mkdir -p "$DESTDIR/usr/share/app" && echo data >"$DESTDIR/usr/share/app/d"
test-depends: [tool]
test: |
  test "$(tool hi)" = "tool says hi"
  test -x "$ROOT/usr/bin/tool"
  test -f "$ROOT/usr/share/app/d"
  test "$($INROOT tool in)" = "tool says in"
'
kmake() { make -C "$TOP" ARCH=host SAN="${SAN:-0}" PORTS_DIR="$t/ports" CACHE_DIR="$t/cache" ARCH_BUILD="$t/build" "$@"; }
kmake app >"$t/make.out" 2>&1
rc=$?
check_cmd "make app succeeds (its test ran the test dependency)" test $rc -eq 0
[ $rc -eq 0 ] || tail -30 "$t/make.out"
tl=$(grep -n '\] tool ' "$t/make.out" | cut -d: -f1)
al=$(grep -n '\] app ' "$t/make.out" | cut -d: -f1)
check_cmd "the test dependency is built first" test "${tl:-99}" -lt "${al:-0}"
pkg=$(find "$t/cache/results" -name 'app-1.0-r1.host.pkg.tar.zst' | head -1)
check_cmd "app's package exists" test -n "$pkg"
check_cmd "app's package does not depend on the test dependency" \
	sh -c "zstd -dc '$pkg' | tar -xOf - .PKGINFO | grep -q '^name: app' &&
		! zstd -dc '$pkg' | tar -xOf - .PKGINFO | grep -q '^depend:'"

# without test-depends the test cannot find the tool: the test fails
sed -i '/^test-depends/d' "$t/ports/app/port.yaml"
kmake app >"$t/make2.out" 2>&1
check_cmd "without test-depends the test fails" sh -c "grep -q 'test failed' '$t/make2.out'"
# lint: test-depends without a test is an error at its place
sed -i 's/^test: |$/test-depends: [tool]\nnotest: |/; /^notest:/,$d' "$t/ports/app/port.yaml"
"$KRILL" lint --ports "$t/ports" >"$t/lint.out" 2>&1
check_cmd "lint: test-depends without a test" grep -q "port.yaml:[0-9]*:16: 'test-depends' without a 'test'" "$t/lint.out"
finish
