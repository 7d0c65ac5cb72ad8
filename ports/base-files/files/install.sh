#!/bin/sh
# install.sh FILESDIR DESTDIR VERSION: the base layout of every root.
set -eu
f=$1 d=$2 v=$3
cd "$d"
# configuration (conffiles: every regular file under etc/); shadow is
# for root alone
for x in passwd group hosts nsswitch.conf services protocols krill/repositories; do
	install -D -m 644 "$f/etc/$x" "etc/$x"
done
install -m 600 "$f/etc/shadow" etc/shadow
mkdir -p etc/krill/keys
# os-release is data of the release, not configuration: in usr/lib, with
# the usual etc/ link (so it is no conffile an old copy could shadow)
mkdir -p usr/lib
cat >usr/lib/os-release <<OS
NAME="Krill"
ID=krill
VERSION_ID=$v
PRETTY_NAME="Krill $v"
HOME_URL="https://krill.invalid/"
OS
ln -s ../usr/lib/os-release etc/os-release
# merged /usr: the glibc stage already owns lib (and lib64 on x86_64);
# usr/sbin stays a directory of its own, as Debian and Alpine have it
mkdir -p usr/bin usr/sbin usr/local/bin usr/share
ln -s usr/bin bin
ln -s usr/sbin sbin
# the other directories of a root; ownership (home/nonroot is 65532's)
# is the image's: packages carry uid/gid 0 only
install -d -m 1777 tmp var/tmp
install -d -m 700 root
install -d -m 755 home/nonroot run var/cache var/lib var/log dev proc sys
