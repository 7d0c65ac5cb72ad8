#!/bin/sh
# mk/repro.sh - the two builds of `make repro` (mk/repro.mk sets the
# environment) and their comparison. Build 1 is a normal build; build 2
# varies what reprotest varies (tools/doc/repro.md): krill build --vary for
# what the sandboxed script sees, and here build_path (the ports tree at
# another path, another work dir and CACHE_DIR) and the caller's side of
# num_cpus, umask, timezone and locales (krill's own processes). With
# REPRO_IMAGES=1 each build then signs its results into its own repository
# (N/repo) and assembles every image spec from it (N/images), both with the
# same key and the same index version, expiry and OpenVEX timestamp;
# ci/repro-images.py compares the two sets of images. The report files
# (N/packages, N/images, packages.json, images.json, ports.tsv, meta) are
# what ci/repro-table.py reads.
set -eu
: "${KRILL:?}" "${MAKE:?}" "${TOP:?}" "${ARCH:?}" "${REPRO_DIR:?}" "${CACHE_DIR:?}"
: "${PORTS_DIR:?}" "${BOOTSTRAP_DIR:?}" "${REPRO_GOALS:?}"
spec="all${VARY:+,$VARY}"
images=${REPRO_IMAGES:-0}
[ "$images" = 0 ] || : "${IMAGES_DIR:?}" "${KEY:?}"

# A run that was killed leaves build 2's disorderfs mounts (fileordering)
# behind, and rm cannot remove a mount point: unmount them first.
if [ -d "$REPRO_DIR" ]; then
	rd=$(cd "$REPRO_DIR" && pwd -P)
	awk -v d="$rd/" '$3 ~ /^fuse\.?disorderfs$/ && index($2, d) == 1 { print $2 }' /proc/mounts |
		while read -r m; do
			m=$(printf '%b' "$m") # /proc/mounts writes a space as \040
			echo "repro: unmounting $m (disorderfs), left mounted by an interrupted run"
			fusermount -u "$m" 2>/dev/null || umount -l "$m" || {
				echo "repro: cannot unmount $m: unmount it (fusermount -u) and run again" >&2
				exit 1
			}
		done
fi
rm -rf "$REPRO_DIR"
mkdir -p "$REPRO_DIR"
desc=$("$KRILL" build --vary "$spec" --describe-vary)
# the stages rebuilt and compared: 1 (all), 0 (none, linked) or names
stages=${REPRO_STAGES:-}
[ "$stages" = "${REPRO_STAGE_NAMES:-}" ] && [ -n "$stages" ] && stages=1
stages=${stages:-0}
{
	echo "arch: $ARCH"
	echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "vary: $spec"
	echo "ports: $REPRO_GOALS"
	echo "stages: $stages"
	echo "images: $images"
	printf '%s\n' "$desc" | sed -n 's/^repro:   \([a-z_]*\)  *\(on\|off\)  .*/variation: \1 \2/p'
} >"$REPRO_DIR/meta"
on() { printf '%s\n' "$desc" | awk -v n="$1" '$2 == n { f = $3 } END { exit f != "on" }'; }

ncmp=$(echo $REPRO_CMP | wc -w)
echo "repro: ARCH=$ARCH, $ncmp ports compared$([ "$REPRO_GOALS" = ports ] || echo " (PORTS=$REPRO_GOALS and their build dependencies)")," \
	"toolchain stages $(case $stages in 0) echo "linked from the cache" ;; 1) echo "rebuilt and compared" ;; *) echo "$stages rebuilt and compared, the others linked from the cache" ;; esac)," \
	"images $([ "$images" = 1 ] && echo "assembled and compared" || echo "not built (REPRO_IMAGES=0)")"
[ -n "$VARY" ] && echo "repro: VARY=$VARY"
printf '%s\n' "$desc"

# build_path: build 2 reads a copy of the ports tree (and of the tree:
# sources krill's own port copies) at another path, works in another dir
# and uses another CACHE_DIR (whose distfiles are the cache's, linked)
ports1=$PORTS_DIR boot1=$BOOTSTRAP_DIR cache1=$CACHE_DIR imgs1=${IMAGES_DIR:-} key1=${KEY:-}
work1=$REPRO_DIR/build work2=$REPRO_DIR/build
ports2=$ports1 boot2=$boot1 cache2=$cache1 imgs2=$imgs1 key2=$key1
if on build_path; then
	work1=$REPRO_DIR/1/build work2=$REPRO_DIR/2/build
	co=$REPRO_DIR/2/checkout-elsewhere
	mkdir -p "$co" "$REPRO_DIR/2/cache"
	# each dir under its own name: a recipe's path relative to its dir's
	# parent (stages/gcc/port.yaml) is in the provenance
	pn=$(basename "$PORTS_DIR") bn=$(basename "$BOOTSTRAP_DIR")
	cp -a "$PORTS_DIR" "$co/$pn"
	[ ! -d "$BOOTSTRAP_DIR" ] || cp -a "$BOOTSTRAP_DIR" "$co/$bn"
	if [ "$images" = 1 ]; then
		# the specs (and the keys/ beside them, which a spec's keyring may
		# name), and the signing key at another path: the same key (see
		# tools/doc/repro.md, "Images: one key for both builds")
		cp -a "$IMAGES_DIR" "$co/images"
		kd=$(dirname "$IMAGES_DIR")/keys
		[ ! -d "$kd" ] || [ -e "$co/keys" ] || cp -a "$kd" "$co/keys"
		mkdir -p "$REPRO_DIR/2/cache/keys"
		cp -p "$KEY" "${KEY%.pem}.pub" "$REPRO_DIR/2/cache/keys/"
		imgs2=$co/images key2=$REPRO_DIR/2/cache/keys/$(basename "$KEY")
	fi
	top=$(dirname "$(cd "$PORTS_DIR" && pwd -P)")
	for t in ${REPRO_TREES:-}; do
		mkdir -p "$co/$(dirname "$t")"
		cp -a "$top/$t" "$co/$t"
	done
	mkdir -p "$CACHE_DIR/distfiles"
	ln -s "$CACHE_DIR/distfiles" "$REPRO_DIR/2/cache/distfiles"
	ports2=$co/$pn boot2=$co/$bn cache2=$REPRO_DIR/2/cache
fi
# CCACHE=1: both builds use one ccache dir of their own, empty before
# build 1: build 1 fills it (cold), build 2 reads it (warm); with VARY=-all
# the warm cache is the only difference (tools/doc/repro.md)
[ "${CCACHE:-0}" = 1 ] && echo "repro: CCACHE=1: ccache in $REPRO_DIR/ccache, cold in build 1, warm in build 2"
echo "repro:   build 1: ports $ports1, work $work1, CACHE_DIR $cache1$([ "$images" = 0 ] || echo ", images $imgs1, key $key1")"
echo "repro:   build 2: ports $ports2, work $work2, CACHE_DIR $cache2$([ "$images" = 0 ] || echo ", images $imgs2, key $key2")"
# both repositories: version 1, expiring at one time set here (30 days on,
# at midnight UTC): with the key, the publication parameters of the index
expires=$(date -u -d '+30 days' +%Y-%m-%dT00:00:00Z)
# and one OpenVEX timestamp (the feeds' sha256 is in INDEX): now, read once
vexts=$(date -u +%Y-%m-%dT%H:%M:%SZ)
# and one revision annotation (the checkout's commit, read once: a commit
# made while the builds run must not make their images differ)
rev=$(git -C "$TOP" rev-parse HEAD 2>/dev/null || :)
[ "$images" = 0 ] || echo "repro: images: each build signs its results (INDEX version 1, expires $expires) and builds $(ls "$IMAGES_DIR" | grep -c '\.yaml$') image specs"

# run N PORTS BOOT WORK CACHE IMAGES KEY UMASK JOBS VARYARG [ENV...]: one
# build of the goals into REPRO_DIR/N/results, its packages linked into
# N/packages; with images, its repository N/repo and images N/images
run() {
	n=$1 ports=$2 boot=$3 work=$4 cache=$5 imgs=$6 skey=$7 um=$8 jobs=$9 vary=${10}
	shift 10
	res=$REPRO_DIR/$n/results
	mkdir -p "$res" "$REPRO_DIR/$n/packages"
	for l in ${REPRO_LINK:-}; do ln -sfn "$l" "$res/"; done
	loc=
	if [ -n "$vary" ] && on locales; then
		# made once per version of the host's locale sources and glibc
		v=$(dpkg-query -W -f '${Version}_' locales libc-bin 2>/dev/null | tr -c 'A-Za-z0-9.+~_-' _)
		loc=$CACHE_DIR/repro-locale/${v:-unknown}
		if [ ! -d "$loc/fr_CH.UTF-8" ]; then
			"$KRILL" build --make-locale "$loc.tmp.$$"
			rm -rf "$loc" && mv "$loc.tmp.$$" "$loc"
		fi
	fi
	echo "repro: build $n: make -j$jobs, umask $um${vary:+, krill build --vary $vary}${*:+, $*}"
	t0=$(date +%s)
	(umask "$um" && env "$@" "$MAKE" -C "$TOP" -j"$jobs" $REPRO_GOALS JOBS="$jobs" \
		ARCH="$ARCH" PORTS_DIR="$ports" BOOTSTRAP_DIR="$boot" CACHE_DIR="$cache" \
		ARCH_BUILD="$work" KR_RESULTS="$res" KR_BUILD_VARY="$vary" KR_BUILD_LOCALES="$loc" \
		CCACHE="${CCACHE:-0}" KR_CCACHE_DIR="$REPRO_DIR/ccache")
	for pk in $REPRO_CMP; do
		key=${pk#*=}
		ls "$res/$key/"*.pkg.tar.zst >/dev/null 2>&1 || {
			echo "repro: build $n has no result for ${pk%%=*} ($key): did its key change?" >&2
			exit 1
		}
		ln -f "$res/$key/"*.pkg.tar.zst "$res/$key/"*.provenance.json "$REPRO_DIR/$n/packages/"
	done
	if [ "$images" = 1 ]; then
		# `make images` (index, then image-files) from this build's results
		# alone: nothing is built (KR_INDEX_DEPS empty), nothing of
		# out/ARCH/repo or out/images is read or written
		(umask "$um" && env "$@" "$MAKE" -C "$TOP" -j"$jobs" images JOBS="$jobs" \
			ARCH="$ARCH" PORTS_DIR="$ports" BOOTSTRAP_DIR="$boot" CACHE_DIR="$cache" \
			ARCH_BUILD="$work" KR_RESULTS="$res" KR_INDEX_DEPS= \
			REPO_DIR="$REPRO_DIR/$n/repo" IMAGES_OUT="$REPRO_DIR/$n/images" \
			IMAGES_DIR="$imgs" KEY="$skey" INDEX_VERSION=1 INDEX_EXPIRES_AT="$expires" \
			INDEX_VEX_TIMESTAMP="$vexts" \
			IMAGE_REV="$rev")
	fi
	echo "repro: build $n took $(($(date +%s) - t0))s"
}

run 1 "$ports1" "$boot1" "$work1" "$cache1" "$imgs1" "$key1" 022 "${JOBS:-2}" ""
# ports.tsv: KIND PORT PACKAGE-FILES, what the table (ci/repro-table.py)
# groups the package verdicts by
for pk in $REPRO_CMP; do
	p=${pk%%=*} kind=port
	case " ${REPRO_STAGE_NAMES:-} " in *" $p "*) kind=stage ;; esac
	printf '%s\t%s\t%s\n' "$kind" "$p" "$(cd "$REPRO_DIR/1/results/${pk#*=}" 2>/dev/null && ls *.pkg.tar.zst | tr '\n' ' ')"
done >"$REPRO_DIR/ports.tsv"
# build 2's own side (krill's processes, make's parallelism) varied too
um2=022 jobs2=${JOBS:-2}
set --
if on umask; then um2=077; fi
if on num_cpus; then jobs2=1; fi
if on timezone; then set -- "$@" TZ=GMT-14; fi
if on locales; then set -- "$@" LC_ALL=C.UTF-8 LANG=fr_CH.UTF-8; fi
run 2 "$ports2" "$boot2" "$work2" "$cache2" "$imgs2" "$key2" "$um2" "$jobs2" "$spec" "$@"

# the verdict: packages, then images; 0 only when all are identical
rc=0
"$KRILL" diff "$REPRO_DIR/1/packages" "$REPRO_DIR/2/packages" || rc=$?
"$KRILL" diff --json --verbose "$REPRO_DIR/1/packages" "$REPRO_DIR/2/packages" >"$REPRO_DIR/packages.json" || :
if [ "$images" = 1 ]; then
	irc=0
	python3 "$TOP/ci/repro-images.py" --json "$REPRO_DIR/images.json" \
		"$REPRO_DIR/1" "$REPRO_DIR/2" || irc=$?
	[ "$irc" -le "$rc" ] || rc=$irc
fi
# the verdict per port, stage and image, for the docs' status table
if [ "$rc" -le 1 ]; then
	python3 "$TOP/ci/repro-table.py" --status "$REPRO_DIR" >"$REPRO_DIR/status.tsv" &&
		echo "repro: status of every port$([ "$stages" != 0 ] && echo ", stage")$([ "$images" = 1 ] && echo " and image"): $REPRO_DIR/status.tsv (ci/repro-table.py makes the table of tools/doc/repro.md)"
fi
exit "$rc"
