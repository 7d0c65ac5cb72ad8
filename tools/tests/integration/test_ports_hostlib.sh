#!/bin/sh
# An undeclared host library fails packaging (tools/doc/package.md,
# "Runtime dependencies"). A test port built with the host compiler links
# -lz, which the host has (zlib1g-dev) but nothing declares: packaging must
# fail naming the file and the soname, and nothing may be cached. The same
# port with a tiny port providing libz.so.1 declared in build-depends
# passes, depends on it, and runs against it.
set -u
. "$TOP/tools/tests/integration/lib.sh"

t=$T
export SOURCE_DATE_EPOCH=1700000000
sha() { sha256sum "$1" | cut -c1-64; }
# the host must have the library for the test to mean anything
check_cmd "the host has libz.so.1 and its link name" test -e "/usr/lib/$(cc -dumpmachine)/libz.so"

mkdir -p "$t/src/zprog-1.0" "$t/src/myz-1.0"
printf '%s\n' '#include <stdio.h>' '#include <zlib.h>' \
	'int main(void) { puts(zlibVersion()); return 0; }' > "$t/src/zprog-1.0/main.c"
printf '%s\n' 'zprog: main.c' '	$(CC) $(CFLAGS) $(CPPFLAGS) -o $@ main.c $(LDFLAGS) -lz' 'install:' \
	'	install -D -m 755 zprog $(DESTDIR)/usr/bin/zprog' > "$t/src/zprog-1.0/Makefile"
# a stand-in zlib: one function, soname libz.so.1
echo 'const char *zlibVersion(void) { return "krill-test-z"; }' > "$t/src/myz-1.0/z.c"
echo 'const char *zlibVersion(void);' > "$t/src/myz-1.0/zlib.h"
printf '%s\n' 'libz.so.1: z.c' \
	'	$(CC) $(CFLAGS) -fPIC -shared -Wl,-soname,libz.so.1 -o $@ z.c' 'install:' \
	'	install -D -m 755 libz.so.1 $(DESTDIR)/usr/lib/libz.so.1' \
	'	ln -sf libz.so.1 $(DESTDIR)/usr/lib/libz.so' \
	'	install -D -m 644 zlib.h $(DESTDIR)/usr/include/zlib.h' > "$t/src/myz-1.0/Makefile"
for p in zprog myz; do
	(cd "$t/src" && tar --sort=name --owner=0 --group=0 --mtime=@0 -czf $p-1.0.tar.gz $p-1.0)
done

mkport() { # NAME BUILD-DEPENDS, the rest of the recipe on stdin
	mkdir -p "$t/ports/$1"
	{
		printf 'name: %s\nversion: 1.0\nrelease: 1\nsummary: test port %s\nlicense: MIT\n' "$1" "$1"
		[ -n "$2" ] && echo "build-depends: [$2]"
		printf 'sources:\n  - url: file://%s/src/%s-${version}.tar.gz\n    sha256: %s\n' \
			"$t" "$1" "$(sha "$t/src/$1-1.0.tar.gz")"
		cat
	} > "$t/ports/$1/port.yaml"
}
printf 'build:\n  style: make\ntest: |\n  zprog | grep -qx krill-test-z\n' | mkport zprog ""
printf 'build:\n  style: make\n' | mkport myz ""

kmake() { make -C "$TOP" ARCH=host SAN="${SAN:-0}" PORTS_DIR="$t/ports" CACHE_DIR="$t/cache" \
	ARCH_BUILD="$t/build" "$@"; }

# --- undeclared: the host's libz.so.1 is linked, nothing declares it
kmake zprog >"$t/bad.out" 2>&1
rc=$?
check_cmd "undeclared host library fails the port" sh -c "test $rc -ne 0 && grep -q 'zprog 1.0 host ... FAILED' '$t/bad.out'"
check_cmd "the message names the file and the soname" grep -q "usr/bin/zprog: needs libz.so.1, which no declared dependency provides (found on the host: /[^ ]*/libz.so.1); add it to build-depends or configure the port not to use it" "$t/bad.out"
check_cmd "the host's C library is not named" sh -c "! grep -q 'needs libc.so.6' '$t/bad.out'"
[ $rc -ne 0 ] && grep -q 'needs libz.so.1' "$t/bad.out" || tail -30 "$t/bad.out"
check_cmd "nothing cached for the failed port" sh -c "! find '$t/cache/results' -name 'zprog*' 2>/dev/null | grep -q ."
check_cmd "no half-written result dirs" sh -c "! ls '$t/cache/results' 2>/dev/null | grep -q tmp"

# --- declared: a port providing libz.so.1 in build-depends
sed -i 's/^license: MIT$/license: MIT\nbuild-depends: [myz-dev]/' "$t/ports/zprog/port.yaml"
kmake zprog >"$t/good.out" 2>&1
rc=$?
check_cmd "with the dependency declared the port builds (and its test runs it)" test $rc -eq 0
[ $rc -eq 0 ] || tail -30 "$t/good.out"
pkg=$(find "$t/cache/results" -name 'zprog-1.0-r1.host.pkg.tar.zst' | head -1)
check_cmd "the package depends on the declared library" sh -c "zstd -dc '$pkg' | tar -xOf - .PKGINFO | grep -qx 'depend: so:libz.so.1'"
check_cmd "and not on the host's C library" sh -c "! zstd -dc '$pkg' | tar -xOf - .PKGINFO | grep -q 'so:libc.so.6'"
finish
