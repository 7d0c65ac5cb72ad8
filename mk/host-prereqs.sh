#!/bin/sh
# Check the host prerequisites listed in mk/host-packages.txt; as root,
# install what is missing with apt-get, otherwise print the exact command.
set -eu
list="$(dirname "$0")/host-packages.txt"
pkgs=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$list" | awk '{print $1}')
missing=""
for p in $pkgs; do
	st=$(dpkg-query -W -f '${Status}' "$p" 2>/dev/null || true)
	case "$st" in *" installed") ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0
cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" != 0 ]; then
	echo "krill: missing host packages:$missing" >&2
	echo "krill: run as root:  apt-get update && $cmd" >&2
	exit 1
fi
echo "krill: installing host packages:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
