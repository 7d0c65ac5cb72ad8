#!/bin/sh
# gen-config.sh SRCDIR > busybox.config: Krill's busybox configuration from
# applets.list (what is on; everything else off). Run by hand when the list
# or the busybox version changes; the recipe builds with busybox.config as
# committed. Fails if a listed option does not exist or Kconfig turned it
# off again (an unmet dependency), so the list says exactly what is built.
set -eu
src=$1
list=$(cd "$(dirname "$0")" && pwd)/applets.list
test -f "$list"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -a "$src"/. "$tmp/"
cd "$tmp"
make -s allnoconfig >/dev/null
for o in $(grep -v '^#' "$list"); do
	case $o in
	*=*) # NAME=NUMBER: a number option
		grep -q "^CONFIG_${o%%=*}=[0-9]*\$" .config || { echo "gen-config: unknown number option ${o%%=*}" >&2; exit 1; }
		sed -i "s/^CONFIG_${o%%=*}=[0-9]*\$/CONFIG_$o/" .config
		continue ;;
	esac
	grep -q "^# CONFIG_$o is not set\$\|^CONFIG_$o=y\$" .config || { echo "gen-config: unknown option $o" >&2; exit 1; }
	sed -i "s/^# CONFIG_$o is not set\$/CONFIG_$o=y/" .config
done
yes '' | make -s oldconfig >/dev/null
for o in $(grep -v '^#' "$list"); do
	case $o in *=*) grep -q "^CONFIG_$o\$" .config || { echo "gen-config: $o not kept" >&2; exit 1; }; continue ;; esac
	grep -q "^CONFIG_$o=y\$" .config || { echo "gen-config: $o was turned off (dependency)" >&2; exit 1; }
done
grep -q '^# CONFIG_FEATURE_SUID is not set$' .config
sed '/^# [A-Z].* [0-9][0-9]:[0-9][0-9]:[0-9][0-9] 20[0-9][0-9]$/d' .config
