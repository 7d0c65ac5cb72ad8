# image_lib.sh - helpers sourced by test_image.sh (not a test itself): tiny
# ports built for ARCH=host with the host compiler in the sandbox (a
# library, a program linking it, a base-files-like data package with
# /etc/passwd and /etc/group, and the host's own libc so the program runs
# in a root with nothing from the host), relabelled for an arch and signed.
. "$TOP/tools/tests/integration/lib.sh"
set -u
unset MAKEFLAGS MAKELEVEL MFLAGS

# build_ports DIR: sources and recipes under DIR, packages into DIR/cache
build_ports() {
	_t=$1
	mkdir -p "$_t/src/libgreet-1.0" "$_t/src/greet-1.0"
	cat >"$_t/src/libgreet-1.0/greet.c" <<'C'
#include <stdio.h>
#include "greet.h"
void greet(const char *who) { printf("hello, %s\n", who); }
C
	echo 'void greet(const char *who);' >"$_t/src/libgreet-1.0/greet.h"
	printf '%s\n' 'all: libgreet.so.1' 'libgreet.so.1: greet.c' \
		'	$(CC) $(CFLAGS) -fPIC -shared -Wl,-soname,libgreet.so.1 -o $@ greet.c' 'install:' \
		'	install -D -m 755 libgreet.so.1 $(DESTDIR)/usr/lib/libgreet.so.1' \
		'	ln -sf libgreet.so.1 $(DESTDIR)/usr/lib/libgreet.so' \
		'	install -D -m 644 greet.h $(DESTDIR)/usr/include/greet.h' >"$_t/src/libgreet-1.0/Makefile"
	printf '%s\n' '#include <greet.h>' 'int main(void) { greet("krill"); return 0; }' >"$_t/src/greet-1.0/main.c"
	printf '%s\n' 'greet: main.c' '	$(CC) $(CFLAGS) $(CPPFLAGS) -o $@ main.c $(LDFLAGS) -lgreet' 'install:' \
		'	install -D -m 755 greet $(DESTDIR)/usr/bin/greet' >"$_t/src/greet-1.0/Makefile"
	(cd "$_t/src" && tar --sort=name --owner=0 --group=0 --mtime=@0 -czf libgreet-1.0.tar.gz libgreet-1.0 &&
		tar --sort=name --owner=0 --group=0 --mtime=@0 -czf greet-1.0.tar.gz greet-1.0)
	_mkport() {
		mkdir -p "$_t/ports/$1"
		{
			printf 'name: %s\nversion: 1.0\nrelease: 1\nsummary: test port %s\nlicense: %s\n' "$1" "$1" "$3"
			[ -n "$2" ] && echo "build-depends: [$2]"
			cat
		} >"$_t/ports/$1/port.yaml"
	}
	_sha() { sha256sum "$1" | cut -c1-64; }
	printf 'sources:\n  - url: file://%s/src/libgreet-${version}.tar.gz\n    sha256: %s\nbuild:\n  style: make\n' \
		"$_t" "$(_sha "$_t/src/libgreet-1.0.tar.gz")" | _mkport libgreet "" MIT
	printf 'sources:\n  - url: file://%s/src/greet-${version}.tar.gz\n    sha256: %s\nbuild:\n  style: make\n' \
		"$_t" "$(_sha "$_t/src/greet-1.0.tar.gz")" | _mkport greet "libgreet-dev" "Apache-2.0 OR MIT"
	mkdir -p "$_t/ports/tbase/files"
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$_t/ports/tbase/files/passwd"
	printf 'root:x:0:\n' >"$_t/ports/tbase/files/group"
	printf 'build:\n  style: none\n  post-install: |\n    install -D -m 644 $FILESDIR/passwd $DESTDIR/etc/passwd\n    install -D -m 644 $FILESDIR/group $DESTDIR/etc/group\n    mkdir -p $DESTDIR/tmp $DESTDIR/usr/bin $DESTDIR/usr/lib $DESTDIR/usr/lib64\n    ln -s usr/bin $DESTDIR/bin\n    ln -s usr/lib $DESTDIR/lib\n    ln -s usr/lib64 $DESTDIR/lib64\n' |
		_mkport tbase "" MIT
	# the host's C library, so the program runs with nothing of the host
	_ld=$(readelf -l /bin/true | sed -n 's/.*interpreter: \(.*\)]/\1/p')
	_libc=$(ldd /bin/true | sed -n 's/.*libc.so.6 => \([^ ]*\).*/\1/p')
	printf 'build:\n  style: none\n  post-install: |\n    install -D -m 755 %s $DESTDIR%s\n    install -D -m 755 %s $DESTDIR%s\n' \
		"$(readlink -f "$_libc")" "/usr${_libc#/usr}" "$(readlink -f "$_ld")" "/usr${_ld#/usr}" | _mkport tlibc "" LGPL-2.1-or-later
	make -C "$TOP" ARCH=host SAN="${SAN:-0}" ports PORTS_DIR="$_t/ports" CACHE_DIR="$_t/cache" \
		ARCH_BUILD="$_t/build" >"$_t/ports.out" 2>&1
}

# relabel DIR ARCH REPO: every package of DIR/cache as arch ARCH into REPO
# (.PKGINFO's arch and the SBOM's purl/namespace), member order kept
relabel() {
	mkdir -p "$3"
	for _f in $(find "$1/cache/results" -name '*.host.pkg.tar.zst' | LC_ALL=C sort); do
		_b=$(basename "$_f" .host.pkg.tar.zst)
		python3 - "$_f" "$3/$_b.$2.pkg.tar.zst" "$2" <<'PY'
import io, subprocess, sys, tarfile
src, dst, arch = sys.argv[1:]
raw = subprocess.run(["zstd", "-dc", src], capture_output=True, check=True).stdout
out = io.BytesIO()
with tarfile.open(fileobj=io.BytesIO(raw)) as t, tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as o:
    for m in t.getmembers():
        data = t.extractfile(m).read() if m.isreg() else None
        if m.name == ".PKGINFO":
            data = data.replace(b"arch: host\n", b"arch: %s\n" % arch.encode())
        elif m.name == ".SBOM.spdx.json":
            data = data.replace(b"arch=host", b"arch=" + arch.encode()).replace(b".host-", b"." + arch.encode() + b"-")
        if data is not None:
            m.size = len(data)
            o.addfile(m, io.BytesIO(data))
        else:
            o.addfile(m)
subprocess.run(["zstd", "-q", "-f", "-3", "-o", dst], input=out.getvalue(), check=True)
PY
	done
	"$KRILL" index "$3" --key "$T/keys/test.pem" --arch "$2" >/dev/null
}
