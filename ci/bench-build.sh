#!/bin/sh
# ci/bench-build.sh - the framework's fixed cost per port: `krill build` of a
# trivial port (one shell-script file), i.e. work dir + sandbox start +
# packaging + result commit, against the same script run directly.
# Target (issue 3): at most 0.3 s beyond the port's own build commands.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
make -s -C "$top" tools >/dev/null
krill=$top/build/host/bin/krill
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
mkdir -p "$t/ports/trivial"
cat > "$t/ports/trivial/port.yaml" <<'YAML'
name: trivial
version: 1.0
release: 1
summary: a one-file port
license: MIT
build:
  style: custom
  script: |
    mkdir -p $DESTDIR/usr/bin
    printf '#!/bin/sh\necho hi\n' > $DESTDIR/usr/bin/trivial
    chmod 755 $DESTDIR/usr/bin/trivial
YAML
key=$(printf trivial | sha256sum | cut -c1-64)
runs=${RUNS:-20}
i=0
start=$(date +%s.%N)
while [ $i -lt $runs ]; do
	rm -rf "$t/out"
	"$krill" build --arch host --key "$key" --out "$t/out" --cache "$t/cache" \
		--work "$t/work" "$t/ports/trivial" >/dev/null
	i=$((i + 1))
done
end=$(date +%s.%N)
i=0
dstart=$(date +%s.%N)
while [ $i -lt $runs ]; do
	rm -rf "$t/direct" && mkdir -p "$t/direct/usr/bin"
	sh -c 'printf "#!/bin/sh\necho hi\n" > "$1/usr/bin/trivial"; chmod 755 "$1/usr/bin/trivial"' _ "$t/direct"
	i=$((i + 1))
done
dend=$(date +%s.%N)
awk -v a="$start" -v b="$end" -v c="$dstart" -v d="$dend" -v n="$runs" 'BEGIN {
	k = (b - a) / n; s = (d - c) / n
	printf "krill build (trivial port): %.3f s per build (%d runs)\n", k, n
	printf "its commands run directly:  %.3f s\n", s
	printf "framework overhead:         %.3f s (target <= 0.300)\n", k - s
	exit (k - s > 0.3)
}'
