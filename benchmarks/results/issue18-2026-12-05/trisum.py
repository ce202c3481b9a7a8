#!/usr/bin/env python3
"""Sums up a tri.sh directory: per system, the median over rounds (and each round) of the serial and open-loop
figures, and the open-loop p99 over the windows without a stall (a call slower than STALL_MS, default 50: on this
machine every such stall was a virtual CPU the host did not run, see rpc-freezes-2026-12-04).
Ratios are to BASE (default raw).
Usage: trisum.py DIR [STALL_MS [BASE]]"""
import glob, json, os, re, statistics as st, sys

root = sys.argv[1]
stall_ms = float(sys.argv[2]) if len(sys.argv) > 2 else 50
base = sys.argv[3] if len(sys.argv) > 3 else 'raw'
runs = {}
for f in sorted(glob.glob(os.path.join(root, '*-r*/rpc.json'))):
    m = re.match(r'(.+)-r(\d+)$', os.path.basename(os.path.dirname(f)))
    d = json.load(open(f))
    for system, rs in d['runs'].items():
        runs.setdefault(m.group(1), []).append((int(m.group(2)), rs[0]))
systems = [s for s in ('camel', 'camel-io', 'raw') if s in runs] + [s for s in runs if s not in ('camel', 'camel-io', 'raw')]
rows = [('serial p50 (us)', lambda r: r['serial']['p50us']),
        ('serial p99.9 (us)', lambda r: r['serial']['p999us']),
        ('serial CPU per call (us)', lambda r: r['serial']['cpuPerCallMicros']),
        ('serial bytes per call', lambda r: r['serial']['allocPerCall'])]
for rate in ('1000', '10000'):
    k = 'rate' + rate
    rows += [(rate + '/s p50 (us)', lambda r, k=k: r[k]['p50us']),
             (rate + '/s p99 (us)', lambda r, k=k: r[k]['p99us']),
             (rate + '/s CPU per call (us)', lambda r, k=k: r[k]['cpuPerCallMicros']),
             (rate + '/s longest call (ms)', lambda r, k=k: r[k]['maxus'] / 1000),
             (rate + '/s p99 without a stall (us)',
              lambda r, k=k: r[k]['p99us'] if r[k]['maxus'] < stall_ms * 1000 else None)]
med = {}
for name, fn in rows:
    line = f'{name:34s}'
    for s in systems:
        vals = [(n, fn(r)) for n, r in sorted(runs[s])]
        kept = [v for _, v in vals if v is not None]
        med[(name, s)] = st.median(kept) if kept else None
        each = '/'.join('-' if v is None else f'{v:.4g}' for _, v in vals)
        line += f' | {s}: {med[(name, s)]:.4g} [{len(kept)}] ({each})' if kept else f' | {s}: - ({each})'
    print(line)
if base in runs:
    print(f'\nratios of the medians to {base}')
    for name, _ in rows:
        if 'bytes' in name or 'longest' in name:
            continue
        out = [f'{s} {med[(name, s)] / med[(name, base)]:.2f}' for s in systems if s != base
               and med[(name, s)] is not None and med[(name, base)]]
        print(f'{name:34s} ' + '  '.join(out))
