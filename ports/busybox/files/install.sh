#!/bin/sh
# install.sh BUSYBOX LINKS DESTDIR: the binary as usr/bin/busybox and one
# relative symlink per applet of the links list (`make busybox.links`,
# generated from the configuration: /bin/X, /sbin/X, /usr/bin/X,
# /usr/sbin/X). Merged /usr: /bin and /sbin applets go to usr/bin and
# usr/sbin (bin and sbin are links to them, from base-files). Fails on an
# unexpected path or an applet listed twice.
set -eu
bb=$1 links=$2 dest=$3
install -D -m 755 "$bb" "$dest/usr/bin/busybox"
mkdir -p "$dest/usr/sbin"
n=0
while read -r p; do
	case $p in
	/bin/* | /usr/bin/*) d=usr/bin t=busybox ;;
	/sbin/* | /usr/sbin/*) d=usr/sbin t=../bin/busybox ;;
	*) echo "install.sh: unexpected applet path '$p'" >&2; exit 1 ;;
	esac
	a=${p##*/}
	if [ -e "$dest/usr/bin/$a" ] || [ -e "$dest/usr/sbin/$a" ]; then
		echo "install.sh: applet '$a' listed twice" >&2
		exit 1
	fi
	ln -s "$t" "$dest/$d/$a"
	n=$((n + 1))
done <"$links"
[ "$n" -gt 100 ] || { echo "install.sh: only $n applets" >&2; exit 1; }
echo "install.sh: $n applet links"
