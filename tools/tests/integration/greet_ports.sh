# greet_ports.sh - the tiny test ports built with the host compiler
# (ARCH=host) by test_ports_host and test_remote_cache (sourced, not a test
# itself): libgreet (a shared library), greet (a program linking it, with a
# test), greet-data (data only, from files/).

# greet_ports DIR: sources in DIR/src, recipes in DIR/ports.
greet_ports() {
	_g=$1
	mkdir -p "$_g/src/libgreet-1.0" "$_g/src/greet-1.0"
	cat >"$_g/src/libgreet-1.0/greet.c" <<'C'
#include <stdio.h>
#include "greet.h"
void greet(const char *who) { printf("hello, %s\n", who); }
C
	echo 'void greet(const char *who);' >"$_g/src/libgreet-1.0/greet.h"
	printf '%s\n' 'all: libgreet.so.1' 'libgreet.so.1: greet.c' \
		'	$(CC) $(CFLAGS) -fPIC -shared -Wl,-soname,libgreet.so.1 -o $@ greet.c' 'install:' \
		'	install -D -m 755 libgreet.so.1 $(DESTDIR)/usr/lib/libgreet.so.1' \
		'	ln -sf libgreet.so.1 $(DESTDIR)/usr/lib/libgreet.so' \
		'	install -D -m 644 greet.h $(DESTDIR)/usr/include/greet.h' >"$_g/src/libgreet-1.0/Makefile"
	printf '%s\n' '#include <greet.h>' 'int main(void) { greet("krill"); return 0; }' >"$_g/src/greet-1.0/main.c"
	printf '%s\n' 'greet: main.c' '	$(CC) $(CFLAGS) $(CPPFLAGS) -o $@ main.c $(LDFLAGS) -lgreet' 'install:' \
		'	install -D -m 755 greet $(DESTDIR)/usr/bin/greet' >"$_g/src/greet-1.0/Makefile"
	(cd "$_g/src" && tar --sort=name --owner=0 --group=0 --mtime=@0 -czf libgreet-1.0.tar.gz libgreet-1.0 &&
		tar --sort=name --owner=0 --group=0 --mtime=@0 -czf greet-1.0.tar.gz greet-1.0)
	printf 'sources:\n  - url: file://%s/src/libgreet-${version}.tar.gz\n    sha256: %s\nbuild:\n  style: make\n' \
		"$_g" "$(sha256sum "$_g/src/libgreet-1.0.tar.gz" | cut -c1-64)" | greet_mkport "$_g" libgreet ""
	printf 'sources:\n  - url: file://%s/src/greet-${version}.tar.gz\n    sha256: %s\nbuild:\n  style: make\ntest: |\n  greet | grep -qx "hello, krill"\n' \
		"$_g" "$(sha256sum "$_g/src/greet-1.0.tar.gz" | cut -c1-64)" | greet_mkport "$_g" greet "libgreet-dev"
	printf 'build:\n  style: none\n  post-install: |\n    install -D -m 644 $FILESDIR/greeting.txt $DESTDIR/usr/share/greet/greeting.txt\n' |
		greet_mkport "$_g" greet-data ""
	mkdir -p "$_g/ports/greet-data/files"
	echo "hello from data" >"$_g/ports/greet-data/files/greeting.txt"
}

# greet_mkport DIR NAME BUILD-DEPENDS: DIR/ports/NAME/port.yaml, the rest of
# the recipe on stdin
greet_mkport() {
	mkdir -p "$1/ports/$2"
	{
		printf 'name: %s\nversion: 1.0\nrelease: 1\nsummary: test port %s\nlicense: MIT\n' "$2" "$2"
		[ -n "$3" ] && echo "build-depends: [$3]"
		cat
	} >"$1/ports/$2/port.yaml"
}
