#!/bin/sh
# build.sh SRCDIR DESTDIR: the zones compiled with the host's zic into
# usr/share/zoneinfo, and etc/localtime -> UTC.
set -eu
src=$1 d=$2
# zic is the host's (Debian's libc-bin): the same glibc build as the
# libc6/libc6-dev whose version is part of every key (mk/host-key.sh), or
# an upgrade could change its output unseen. Refuse any other zic.
zv=$(zic --version | sed -n 's/^zic (\(.*\)) .*/\1/p')
# (libc.so.6 run as a program crashes with a library preloaded, e.g.
# make repro's libfaketime: not for this one command)
lv=$(env -u LD_PRELOAD "$(ls /usr/lib/*-linux-gnu/libc.so.6 | head -n 1)" | sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p')
if [ -z "$zv" ] || [ "$zv" != "$lv" ]; then
	echo "build.sh: zic is '$zv', the host's glibc '$lv': expected the same build" >&2
	exit 1
fi
z=$d/usr/share/zoneinfo
mkdir -p "$z" "$d/etc"
cd "$src"
# slim output (zic's default since 2020b, as Debian and Alpine ship it):
# 64-bit data only, no leap seconds (no right/), no posixrules
zic -b slim -d "$z" africa antarctica asia australasia europe northamerica southamerica \
	etcetera backward factory
install -m 644 iso3166.tab zone.tab zone1970.tab zonenow.tab "$z/"
ln -s ../usr/share/zoneinfo/UTC "$d/etc/localtime"
