#!/usr/bin/env python3
"""ci/lean-mapsize.py MAP [BINARY] - bytes each input archive keeps in a
linked binary, from GNU ld's -Map file: the input sections after
--gc-sections (the map's "Discarded input sections" part is skipped); the
LTO partitions and crt objects count as krill's own code. With BINARY, the
rest of its file size (ELF headers, dynamic tables, relocations,
alignment) is shown as "other". Used by ci/size-lean.sh."""
import re, sys, collections
sizes = collections.Counter()
live = False
pending = None
for line in open(sys.argv[1]):
    if line.startswith('Linker script and memory map'):
        live = True
        continue
    if not live:
        continue
    m = re.match(r'^ (\.\S+)(?:\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+))?\s*$', line)
    if m and m.group(2) is None:
        pending = m.group(1)
        continue
    if m:
        sec, size, obj = m.group(1), int(m.group(3), 16), m.group(4)
    else:
        m = re.match(r'^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)\s*$', line)
        if not (m and pending):
            pending = None
            continue
        sec, size, obj = pending, int(m.group(2), 16), m.group(3)
    pending = None
    if sec.startswith(('.debug', '.comment', '.gnu.lto', '.tbss', '.bss')) or not size:
        continue
    base = obj.split('/')[-1]
    if '(' in base:
        base = base.split('(')[0]
    elif 'ltrans' in base or not base.endswith('.a'):
        base = 'krill (LTO) + crt'
    sizes[base] += size
if len(sys.argv) > 2:
    import os
    sizes["other (ELF headers, dynamic tables, alignment)"] = os.path.getsize(sys.argv[2]) - sum(sizes.values())
for k, v in sizes.most_common():
    print("%9d %s" % (v, k))
print("%9d total" % sum(sizes.values()))
