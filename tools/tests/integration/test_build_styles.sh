#!/bin/sh
# Every build style builds a small project for ARCH=host in the sandbox, and
# its recipe's test runs the installed program: autotools (a hand-written
# configure, built out of tree), meson, cmake, make, custom.
set -u
. "$TOP/tools/tests/integration/lib.sh"
t=$T
export SOURCE_DATE_EPOCH=1700000000

mkproj() { # style: a source tarball with main.c printing "hello from STYLE"
	d="$t/src/$1-1.0"
	mkdir -p "$d"
	printf '#include <stdio.h>\nint main(void) { puts("hello from %s"); return 0; }\n' "$1" > "$d/main.c"
	cat > "$d/$2"
	[ "$2" = configure ] && chmod 755 "$d/configure"
	(cd "$t/src" && tar --sort=name --owner=0 --group=0 --mtime=@0 -czf "$1-1.0.tar.gz" "$1-1.0")
}
mkproj autotools configure <<'EOF'
#!/bin/sh
# a minimal configure: records its arguments, writes a Makefile here
srcdir=$(dirname "$0")
prefix=/usr
for a in "$@"; do
	case "$a" in
	--prefix=*) prefix=${a#*=} ;;
	--host=*) host=${a#*=} ;;
	--build=*|--sysconfdir=*|--localstatedir=*|--libdir=*|--libexecdir=*|--mandir=*|--infodir=*|--enable-*) ;;
	*) echo "configure: unknown option $a" >&2; exit 1 ;;
	esac
done
[ -n "${host:-}" ] || { echo "configure: no --host" >&2; exit 1; }
printf 'all: hello-autotools\nhello-autotools: %s/main.c\n\t$(CC) $(CFLAGS) -o $@ %s/main.c\ninstall:\n\tinstall -D -m 755 hello-autotools $(DESTDIR)%s/bin/hello-autotools\n' \
	"$srcdir" "$srcdir" "$prefix" > Makefile
EOF
mkproj meson meson.build <<'EOF'
project('hello-meson', 'c')
executable('hello-meson', 'main.c', install: true)
EOF
mkproj cmake CMakeLists.txt <<'EOF'
cmake_minimum_required(VERSION 3.13)
project(hello-cmake C)
add_executable(hello-cmake main.c)
install(TARGETS hello-cmake)
EOF
mkproj make Makefile <<'EOF'
hello-make: main.c
	$(CC) $(CFLAGS) -o $@ main.c
install:
	install -D -m 755 hello-make $(DESTDIR)$(PREFIX)/bin/hello-make
EOF
mkproj custom build.sh <<'EOF'
$CC $CFLAGS -o hello-custom main.c
install -D -m 755 hello-custom $DESTDIR/usr/bin/hello-custom
EOF

for style in autotools meson cmake make custom; do
	mkdir -p "$t/ports/hello-$style"
	{
		printf 'name: hello-%s\nversion: 1.0\nrelease: 1\nsummary: the %s style\nlicense: MIT\n' "$style" "$style"
		printf 'sources:\n  - url: file://%s/src/%s-${version}.tar.gz\n    sha256: %s\n' \
			"$t" "$style" "$(sha256sum "$t/src/$style-1.0.tar.gz" | cut -c1-64)"
		printf 'build:\n  style: %s\n' "$style"
		[ "$style" = custom ] && printf '  script: sh build.sh\n'
		printf 'test: |\n  $RUN "$ROOT/usr/bin/hello-%s" | grep -qx "hello from %s"\n' "$style" "$style"
	} > "$t/ports/hello-$style/port.yaml"
done

make -C "$TOP" ports ARCH=host PORTS_DIR="$t/ports" CACHE_DIR="$t/cache" ARCH_BUILD="$t/build" SAN="${SAN:-0}" >"$t/make.out" 2>&1
check_cmd "all styles build" test $? -eq 0
for style in autotools meson cmake make custom; do
	check_cmd "style $style: built, packaged and its test ran" \
		grep -q "hello-$style 1.0 host ... ok" "$t/make.out"
done
check_cmd "autotools built out of tree" sh -c "! zgrep -q . /dev/null; grep -q '>>> configure' '$t/build/logs/hello-autotools.log'"
grep -q "ok" "$t/make.out" || tail -30 "$t/make.out"
finish
