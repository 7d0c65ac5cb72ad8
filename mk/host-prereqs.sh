#!/bin/sh
# Check the host prerequisites listed in mk/host-packages.txt; as root,
# install what is missing with apt-get, otherwise print the exact command.
# usage: mk/host-prereqs.sh [LOG]   (default LOG: build/host-prereqs.log)
# apt's and dpkg's output (about 1,100 lines on a fresh Debian 12) goes to
# LOG only; the terminal gets one line, or on failure the log's tail.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
list="$top/mk/host-packages.txt"
log=${1:-$top/build/host-prereqs.log}
# one package a line: a second word would otherwise be dropped unseen
bad=$(sed 's/#.*//' "$list" | awk -v f="$list" 'NF > 1 { print f ":" NR ": one package per line, found: " $0; exit }')
[ -z "$bad" ] || { echo "krill: $bad" >&2; exit 1; }
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
mkdir -p "$(dirname "$log")"
echo "krill: installing $(echo $missing | wc -w) host packages (apt log: $log)" >&2
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
if ! { apt-get update && apt-get install -y --no-install-recommends $missing; } >"$log" 2>&1; then
	echo "krill: installing host packages failed; last lines of $log:" >&2
	tail -n 20 "$log" | sed 's/^/  /' >&2
	echo "krill: full log: $log; the packages:$missing" >&2
	exit 1
fi
