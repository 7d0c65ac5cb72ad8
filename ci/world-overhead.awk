# ci/world-overhead.awk (ci/bench-world.sh): from make's progress lines of
# the ports and stages a run built, and each one's log (`>>> phases:`), the
# framework overhead (wall - script) and the parallel efficiency.
# -v logs=DIR wall=SECONDS cores=N
  match($0, /\] [^ ]+ [^ ]+ [^ ]+ \.\.\. ok [0-9.]+s \(build: [0-9]+s cpu/) {
    split(substr($0, RSTART, RLENGTH), f, " ")
    name = f[2]; w = f[7]; sub(/s$/, "", w)
    c = f[9]; sub(/s$/, "", c)
    n++; sw += w; cpu += c
    file = logs "/" name ".log"; s = ""
    while ((getline line < file) > 0)
      if (line ~ /^>>> phases: /) s = line
    close(file)
    if (match(s, /script [0-9.]+s/)) { x = substr(s, RSTART + 7, RLENGTH - 8); ss += x }
    # the framework's own steps, summed per step
    split(s, pf, " ")
    for (i = 3; i + 1 <= length(pf); i += 2) { v = pf[i + 1]; sub(/s$/, "", v); ph[pf[i]] += v }
  }
  END {
    if (!n) { print "nothing was built: no overhead to measure"; exit }
    printf "built %d; their wall %.0f s, scripts %.0f s: framework overhead %.0f s = %.1f%% of the world's wall (%.1f%% of the builds')\n", n, sw, ss, sw - ss, 100 * (sw - ss) / wall, 100 * (sw - ss) / sw
    printf "of which: prepare %.1f s, package %.1f s, test %.1f s, cleanup %.1f s; the rest (%.1f s) is krill build around its steps (start, recipe, provenance, result commit)\n", ph["prepare"], ph["package"], ph["test"], ph["cleanup"], (sw - ss) - ph["prepare"] - ph["package"] - ph["test"] - ph["cleanup"]
    printf "build-script CPU %.0f s over %.0f s wall x %d cores: parallel efficiency %.1f%%\n", cpu, wall, cores, 100 * cpu / (wall * cores)
  }
