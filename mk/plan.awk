# mk/plan.awk - the estimate of make's plan line (mk/ports.mk).
# Input: the durations file (CACHE_DIR/durations/ARCH: "NAME SECONDS"),
# then the ports to build, one "NAME DEP..." record per line (deps among
# them only). -v jobs=N. Simulates make -jN: ports start in dependency
# order as soon as their deps are done and one of N slots is free, each
# taking its last recorded time (unknown ones count 0 and are reported).
# Prints "WALL KNOWN TOTAL": estimated wall seconds, how many of the ports
# have a recorded time, how many there are.
FNR == NR { if ($2 ~ /^[0-9]+$/) secs[$1] = $2; next }
NF {
	n++
	name[n] = $1
	nd[$1] = NF - 1
	for (i = 2; i <= NF; i++) dep[$1, i - 1] = $i
}
END {
	if (jobs < 1) jobs = 1
	for (s = 1; s <= jobs; s++) slot[s] = 0
	left = n
	known = 0
	wall = 0
	while (left > 0) {
		progress = 0
		for (k = 1; k <= n; k++) {
			p = name[k]
			if (p in fin) continue
			ready = 0
			ok = 1
			for (i = 1; i <= nd[p]; i++) {
				d = dep[p, i]
				if (!(d in fin)) { ok = 0; break }
				if (fin[d] > ready) ready = fin[d]
			}
			if (!ok) continue
			best = 1
			for (s = 2; s <= jobs; s++) if (slot[s] < slot[best]) best = s
			start = slot[best] > ready ? slot[best] : ready
			t = (p in secs) ? secs[p] : 0
			if (p in secs) known++
			fin[p] = start + t
			slot[best] = fin[p]
			if (fin[p] > wall) wall = fin[p]
			left--
			progress = 1
		}
		if (!progress) break # a cycle cannot happen (krill graph refuses it)
	}
	print wall, known, n
}
