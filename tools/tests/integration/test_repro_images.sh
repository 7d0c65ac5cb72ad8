#!/bin/sh
# test_repro_images.sh - `make repro` with REPRO_STAGES=1 and images, on a
# target arch (x86_64) whose toolchain stages are stand-ins
# (tools/tests/repro/stages: the five stage names, the packages the ports
# get, no compiler), so the path a real cross toolchain takes runs end to
# end in seconds: both builds rebuild the stages (gcc and gcc-runtime from
# one tree of the source store, disorderfs over it in build 2), sign their own
# repository with the same key at two paths, assemble every image spec,
# and the report names what differs per package, stage and image.
. "$(dirname "$0")/lib.sh"

R=$TOP/tools/tests/repro
mkdir -p "$T/ports" "$T/images" "$T/src/stagesrc-1.0"
cp -r "$R/ports/steady" "$R/ports/clock" "$T/ports/"
# the stages under a dir name of their own (not "bootstrap"): build 2's
# copy must keep it, since the recipe path is in the provenance
cp -r "$R/stages" "$T/stages"
# security data on a stand-in stage (no cpe or purl, as the real stages
# have none yet) and on a port: each build's index then names an OpenVEX
# document, whose timestamp make repro pins like the expiry
printf 'secfixes:\n  1.0-r1: [KRILL-2026-1]\n' >>"$T/stages/glibc/port.yaml"
printf 'not-affected:\n  - id: CVE-2026-0002\n    justification: vulnerable_code_not_present\n' \
	>>"$T/ports/steady/port.yaml"
echo "stand-in compiler sources" >"$T/src/stagesrc-1.0/README.txt"
(cd "$T/src" && tar --sort=name --owner=0 --group=0 --mtime=@0 -czf stagesrc-1.0.tar.gz stagesrc-1.0)
for s in gcc gcc-runtime; do
	printf 'sources:\n  - url: file://%s/src/stagesrc-1.0.tar.gz\n    sha256: %s\n    strip-components: 1\n' \
		"$T" "$(sha256sum "$T/src/stagesrc-1.0.tar.gz" | cut -c1-64)" >>"$T/stages/$s/port.yaml"
done
# calm: steady alone; clocky: steady and the port that embeds the clock
printf 'description: steady alone\ncontents:\n  packages: [steady]\n' >"$T/images/calm.yaml"
printf 'description: steady and the clock\ncontents:\n  packages: [steady, clock]\n' >"$T/images/clocky.yaml"
mk() {
	make -C "$TOP" ARCH=x86_64 SAN="${SAN:-0}" PORTS_DIR="$T/ports" BOOTSTRAP_DIR="$T/stages" \
		CACHE_DIR="$T/cache" ARCH_BUILD="$T/build" "$@"
}

# --- every variation on: the stage and the port that embed the clock are
# named, and so is the image holding the port, down to its file
mk repro REPRO_STAGES=1 IMAGES_DIR="$T/images" OUT="$T/a" >"$T/all" 2>&1
rc=$?
A=$T/a/x86_64/repro
WHY="rc=$rc: $(tail -n 30 "$T/all")"
check repro_stages_images_fail_with_the_clock '[ $rc -ne 0 ] && grep -q "^repro: ARCH=x86_64, 7 ports compared, toolchain stages rebuilt and compared, images assembled and compared" "$T/all"'
check repro_stages_built_in_both '[ "$(grep -c "^plan (x86_64): build 5 of 5 toolchain stages and 2 of 2 ports, 0 cached" "$T/all")" -eq 2 ]'
check repro_stages_gcc_from_the_shared_source '[ -n "$(ls "$A/2/cache/store/src")" ] &&
	zstd -dc "$A/2/packages/gcc-1.0-r1.x86_64.pkg.tar.zst" | tar -xOf - toolchain/share/gcc/source | grep -qx "stand-in compiler sources"'
WHY="$(grep -A8 "^package gcc-clock:" "$T/all")"
check repro_stage_caught_and_named 'grep -q "^package gcc-clock:" "$T/all" && grep -q "^  usr/share/gcc-clock/year: content differs" "$T/all"'
WHY="$(grep -E "^package (binutils|linux-headers|gcc|libgcc-initial|glibc)" "$T/all")"
check repro_other_stages_identical_under_all '! grep -Eq "^package (binutils|linux-headers|linux-headers-dev|gcc|libgcc-initial|gcc-build-internal|glibc|glibc-dev|gcc-runtime|libgcc):" "$T/all"'
WHY="$(sed -n "/^repository INDEX/,\$p" "$T/all")"
check repro_index_names_the_packages 'grep -q "^repository INDEX: differs (.*): clock, gcc-clock$" "$T/all"'
check repro_image_caught_and_named 'grep -q "^image clocky-x86_64: differs: .*layer amd64 #0" "$T/all" &&
	sed -n "/^image clocky-x86_64/,/^image /p" "$T/all" | grep -q "^    usr/share/clock/year: content differs"'
# calm holds no varying package: manifest, config and layer are the same;
# only its provenance (the INDEX digest) differs; its VEX (what the
# feeds say of glibc, which it holds) is the same too. A build path in the
# layer (the installed db pinned the repository's path) would show here.
check repro_image_content_identical_beside_a_differing_index 'grep -q "^image calm-x86_64: differs: index.json, image index, provenance amd64, provenance amd64 document, .oci.tar$" "$T/all" &&
	grep -q "^  identical: manifest amd64, config amd64, layer amd64 #0, sbom amd64, sbom amd64 document, vex amd64, vex amd64 document$" "$T/all"'
check repro_images_summary 'grep -q "^images: 0 identical, 2 differ, 0 only in A, 0 only in B$" "$T/all"'
check repro_same_key_at_two_paths 'grep -q "^repro:   build 2: .*key $A/2/cache/keys/local.pem$" "$T/all" &&
	cmp "$T/cache/keys/local.pub" "$A/2/cache/keys/local.pub"'
check repro_status_file 'grep -q "^stage	gcc-runtime	differs	1 of 4 packages differ: gcc-clock: usr/share/gcc-clock/year (content)$" "$A/status.tsv" &&
	grep -q "^image	calm	differs	.*(manifests, configs and layers identical)$" "$A/status.tsv" &&
	grep -q "^stage	binutils	identical	" "$A/status.tsv" && grep -q "^# variations: all 14 variations$" "$A/status.tsv"'

# --- time off, the 13 others on: every package, stage and image identical,
# from the second checkout path and CACHE_DIR (issue 12's proof)
mk repro REPRO_STAGES=1 IMAGES_DIR="$T/images" OUT="$T/b" VARY=-time >"$T/notime" 2>&1
rc=$?
B=$T/b/x86_64/repro
WHY="rc=$rc: $(tail -n 12 "$T/notime")"
check repro_stages_images_identical_without_time '[ $rc -eq 0 ] && grep -q "^14 identical, 0 differ, 0 only in A, 0 only in B$" "$T/notime" &&
	grep -q "^repository INDEX: identical (sha256:[0-9a-f]*), INDEX.sig identical$" "$T/notime" &&
	grep -q "^image calm-x86_64: identical (10 blobs, " "$T/notime" && grep -q "^image clocky-x86_64: identical (10 blobs, " "$T/notime" &&
	grep -q "^images: 2 identical, 0 differ, 0 only in A, 0 only in B$" "$T/notime"'
# the feeds: the stage's secfix (no cpe needed) and the port's
# not-affected, the same bytes in both builds (INDEX names their sha256)
WHY="$(ls -l "$B/1/repo/" "$B/2/repo/"; cat "$B/1/repo/secdb.json"; diff "$B/1/repo/openvex.json" "$B/2/repo/openvex.json")"
check repro_feeds_identical_with_a_stage_secfix 'grep -q "^openvex: " "$B/1/repo/INDEX" &&
	cmp "$B/1/repo/openvex.json" "$B/2/repo/openvex.json" && cmp "$B/1/repo/secdb.json" "$B/2/repo/secdb.json" &&
	grep -q "\"KRILL-2026-1\"" "$B/1/repo/secdb.json" && grep -q "\"name\": \"glibc\"" "$B/1/repo/secdb.json" &&
	grep -q "pkg:generic/krill/glibc-dev@1.0-r1?arch=x86_64" "$B/1/repo/openvex.json" &&
	grep -q "\"CVE-2026-0002\"" "$B/1/repo/openvex.json"'
check repro_build2_images_from_another_checkout 'grep -q "^repro:   build 2: ports $B/2/checkout-elsewhere/ports, work $B/2/build, CACHE_DIR $B/2/cache, images $B/2/checkout-elsewhere/images, key $B/2/cache/keys/local.pem$" "$T/notime" &&
	cmp "$B/1/images/calm-x86_64.oci.tar" "$B/2/images/calm-x86_64.oci.tar"'
# index.json -> image index -> the amd64 manifest -> its layer
lay=$(python3 -c 'import json, sys
d = sys.argv[1]
blob = lambda desc: json.load(open(d + "/blobs/sha256/" + desc["digest"][7:]))
top = json.load(open(d + "/index.json"))["manifests"][0]
print(blob(blob(top)["manifests"][0])["layers"][0]["digest"][7:])' "$B/2/images/calm-x86_64")
check repro_image_embeds_the_signing_key 'tar -xzOf "$B/2/images/calm-x86_64/blobs/sha256/$lay" etc/krill/keys/local.pub | cmp - "$T/cache/keys/local.pub" &&
	! tar -xzOf "$B/2/images/calm-x86_64/blobs/sha256/$lay" var/lib/krill/installed | grep -q "^pin "'
check repro_normal_out_untouched '[ ! -e "$T/b/images" ] && [ ! -e "$T/b/x86_64/repo" ]'

# --- the default way on a target arch: stages linked from the cache (built
# there first by the `toolchain` goal), PORTS= a subset, images asked for
mkdir -p "$T/images-calm" && cp "$T/images/calm.yaml" "$T/images-calm/"
mk repro PORTS=steady REPRO_IMAGES=1 IMAGES_DIR="$T/images-calm" OUT="$T/c" >"$T/linked" 2>&1
rc=$?
WHY="rc=$rc: $(tail -n 12 "$T/linked")"
check repro_linked_stages_with_images '[ $rc -eq 0 ] && grep -q "^repro: ARCH=x86_64, 1 ports compared (PORTS=steady and their build dependencies), toolchain stages linked from the cache, images assembled and compared" "$T/linked" &&
	grep -q "^1 identical, 0 differ" "$T/linked" && grep -q "^images: 1 identical, 0 differ" "$T/linked" &&
	[ -L "$T/c/x86_64/repro/2/results/$(basename "$(dirname "$(grep -l "^port: gcc$" "$T"/cache/results/*/done)")")" ]'

# --- REPRO_STAGES names a subset: those rebuilt in both builds and
# compared, the other stages linked (what a real toolchain can afford)
mk repro PORTS=steady REPRO_STAGES="binutils glibc" OUT="$T/d" >"$T/some" 2>&1
rc=$?
WHY="rc=$rc: $(tail -n 12 "$T/some")"
check repro_stage_subset '[ $rc -eq 0 ] && grep -q "^repro: ARCH=x86_64, 3 ports compared (PORTS=steady and their build dependencies), toolchain stages binutils glibc rebuilt and compared, the others linked from the cache," "$T/some" &&
	grep -q "^4 identical, 0 differ" "$T/some" && grep -q "^stages: binutils glibc$" "$T/d/x86_64/repro/meta" &&
	[ -L "$T/d/x86_64/repro/2/results/$(basename "$(dirname "$(grep -l "^port: gcc$" "$T"/cache/results/*/done)")")" ] &&
	[ ! -L "$T/d/x86_64/repro/2/results/$(basename "$(dirname "$(grep -l "^port: glibc$" "$T"/cache/results/*/done)")")" ] &&
	grep -q "^stage	glibc	identical" "$T/d/x86_64/repro/status.tsv" &&
	grep -q "^\[3/3\] steady " "$T/some" && grep -q "^gcc 1.0 x86_64 ... cached" "$T/some"'
mk repro PORTS=steady REPRO_STAGES="binutils gilbc" OUT="$T/e" >"$T/badstage" 2>&1
rc=$?
WHY="rc=$rc: $(tail -n 5 "$T/badstage")"
check repro_stage_unknown_named '[ $rc -ne 0 ] && grep -q "REPRO_STAGES: expected 0, 1 or stage names (.*glibc.*), not: gilbc" "$T/badstage" && [ ! -e "$T/e/x86_64/repro" ]'

# --- the table: every port of the tree, run or not
python3 "$TOP/ci/repro-table.py" --ports "$R/ports" --stages "$T/stages" --images "$T/images" \
	"$A/status.tsv" "$B" >"$T/table" 2>&1
rc=$?
WHY="rc=$rc: $(head -c 1500 "$T/table")"
check repro_table_rows '[ $rc -eq 0 ] && grep -q "^| steady | identical: all 1 package identical \[2\] | not run |  |$" "$T/table" &&
	grep -q "^| uid | not run | not run |  |$" "$T/table" && [ "$(grep -c "^| [a-z]* | not run | not run |" "$T/table")" -eq 13 ] &&
	grep -q "^| gcc-runtime | identical: all 4 packages identical \[2\] | not run |  |$" "$T/table" &&
	grep -q "^| clocky | identical: every blob and the .oci.tar identical (10 blobs) \[2\] | not run |  |$" "$T/table" &&
	grep -q "^2\. .*x86_64; variations: 13 of 14 variations (off: time); ports: ports; stages: rebuilt and compared; images: assembled and compared" "$T/table"'

# --- bad input: named, never a verdict
cp -a "$B/1" "$T/x1"
printf 'X' | dd of="$T/x1/images/calm-x86_64.oci.tar" bs=1 seek=600 conv=notrunc 2>/dev/null
python3 "$TOP/ci/repro-images.py" "$B/1" "$T/x1" >"$T/ri" 2>&1
rc=$?
WHY="rc=$rc: $(cat "$T/ri")"
check repro_images_names_a_changed_tar_alone '[ $rc -eq 1 ] && grep -q "^image calm-x86_64: differs: .oci.tar$" "$T/ri" && grep -q "^images: 1 identical, 1 differ," "$T/ri"'
python3 "$TOP/ci/repro-images.py" "$B/1" "$T/nowhere" >"$T/ri" 2>&1
rc=$?
WHY="rc=$rc: $(cat "$T/ri")"
check repro_images_refuses_a_dir_without_images '[ $rc -eq 2 ] && grep -q "^repro-images: $T/nowhere/images: no such directory" "$T/ri"'
printf '# arch: x86_64\nport\tsteady\tsame\tok\n' >"$T/bad.tsv"
python3 "$TOP/ci/repro-table.py" "$T/bad.tsv" >"$T/rt" 2>&1
rc=$?
WHY="rc=$rc: $(cat "$T/rt")"
check repro_table_bad_status_line_located '[ $rc -eq 1 ] && grep -q "^repro-table: $T/bad.tsv:2: expected KIND<TAB>NAME<TAB>identical|differs<TAB>DETAIL" "$T/rt"'
finish
