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
  }
  END {
    if (!n) { print "nothing was built: no overhead to measure"; exit }
    printf "built %d; their wall %.0f s, scripts %.0f s: framework overhead %.0f s = %.1f%% of the world's wall (%.1f%% of the builds')\n", n, sw, ss, sw - ss, 100 * (sw - ss) / wall, 100 * (sw - ss) / sw
    printf "build-script CPU %.0f s over %.0f s wall x %d cores: parallel efficiency %.1f%%\n", cpu, wall, cores, 100 * cpu / (wall * cores)
  }
