#!/usr/bin/env python3
"""Medians (min-max) per build of every metric of the hold and dead-peers runs in a results folder.

Each run folder is SCENARIO-BUILD-TIME with the bench.log of one Bench invocation, whose table has a column per
system: camel-iotmp first, raw Netty second when the pass ran it."""
import collections, glob, re, statistics as st, sys
root = sys.argv[1] if len(sys.argv) > 1 else '.'
rows = collections.defaultdict(lambda: collections.defaultdict(list))
for log in sorted(glob.glob(f'{root}/*-*-*/bench.log')):
    sc, label, _ = log.split('/')[-2].split('-')
    for line in open(log):
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        if len(cells) < 2 or not re.match(r'[\d.]+', cells[1]):
            continue
        for system, cell in zip(('camel', 'raw'), cells[1:]):
            m = re.match(r'([\d.]+)', cell)
            if m:
                rows[(sc, cells[0])][label + ' ' + system].append(float(m.group(1)))
for (sc, metric), per in rows.items():
    cells = '; '.join(f'{k} {st.median(v):g} ({min(v):g}-{max(v):g}, n={len(v)})' for k, v in sorted(per.items()))
    print(f'{sc} | {metric} | {cells}')
