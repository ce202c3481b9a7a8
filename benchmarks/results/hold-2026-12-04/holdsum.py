#!/usr/bin/env python3
"""Medians (min-max) per build of every metric of the hold and dead-peers runs in a results folder."""
import collections, glob, re, statistics as st, sys
root = sys.argv[1] if len(sys.argv) > 1 else '.'
rows = collections.defaultdict(lambda: collections.defaultdict(list))
for log in sorted(glob.glob(f'{root}/*-*-*/bench.log')):
    sc, label, _ = log.split('/')[-2].split('-')
    for line in open(log):
        m = re.match(r'\| ([^|]+?) \| ([\d.]+)[^|]*\| ([\d.]+)[^|]*\|', line)
        if m:
            rows[(sc, m.group(1))][label + ' camel'].append(float(m.group(2)))
            rows[(sc, m.group(1))][label + ' raw'].append(float(m.group(3)))
for (sc, metric), per in rows.items():
    cells = '; '.join(f'{k} {st.median(v):g} ({min(v):g}-{max(v):g}, n={len(v)})' for k, v in sorted(per.items()))
    print(f'{sc} | {metric} | {cells}')
