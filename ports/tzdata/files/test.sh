# tzdata's test: the root's busybox date, with the root as / ($INROOT).
# For host the host's /usr stays, so TZDIR points at the root's zones.
set -eu
z=$ROOT/usr/share/zoneinfo
[ "$ARCH" = host ] && export TZDIR=$z
d() { $INROOT env "$@"; }
test "$(d TZ=Asia/Tokyo date -d @1700000000 '+%H:%M %z %Z')" = "07:13 +0900 JST"
test "$(d TZ=UTC date -d @1700000000 '+%H:%M %z %Z')" = "22:13 +0000 UTC"
# daylight saving rules: New York in winter and summer
test "$(d TZ=America/New_York date -d @1700000000 +%z)" = -0500
test "$(d TZ=America/New_York date -d @1690000000 +%z)" = -0400
# no TZ: /etc/localtime, which is UTC
test "$(d -u TZ date -d @1700000000 '+%z %Z')" = "+0000 UTC"
test "$(readlink "$ROOT/etc/localtime")" = ../usr/share/zoneinfo/UTC
# slim TZif files: version 2+, and the 32-bit block of the version 1
# header has no transitions, no leap seconds (counts at bytes 20-35 zero)
test "$(head -c 4 "$z/Asia/Tokyo")" = TZif
test "$(od -An -tx1 -j 20 -N 16 "$z/Asia/Tokyo" | tr -d ' \n')" = "$(printf '%032d' 0)"
test "$(find "$z" -type f | wc -l)" -gt 300
test ! -e "$z/right"
