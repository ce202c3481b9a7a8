#!/usr/bin/env python3
"""Issue 13's single-node target with the hiccup meters: per jar, every run's open-loop figures and its longest CPU
freeze, then the medians over all runs and over the windows without a freeze, and their ratio (second jar / first).
Usage: spifreeze.py OUT FIRST SECOND [FREEZE_MS]  (OUT as given to ../open-loop-jit-2026-12-03/spiab.sh)"""
import glob, json, statistics, sys

out, jars = sys.argv[1], sys.argv[2:4]
freeze_ms = float(sys.argv[4]) if len(sys.argv) > 4 else 25
keys = ['p50us', 'p99us', 'p999us', 'cpuPerCallMicros', 'allocPerCall', 'jitMillis']
med = {}
for jar in jars:
    rows = {}
    for f in sorted(glob.glob(f'{out}/{jar}-rpc-r*/rpc.json'), key=lambda p: int(p.split('-r')[-1].split('/')[0])):
        run = json.load(open(f))['runs']['camel'][0]
        rnd = f.split('-r')[-1].split('/')[0]
        s = run['serial']
        print(f"{jar} round {rnd}: serial p50 {s['p50us']:.1f} p99.9 {s['p999us']:.0f} cpu {s['cpuPerCallMicros']:.1f} "
              f"alloc {s['allocPerCall']:.0f}")
        rows.setdefault('serial', []).append((s, 0))
        for rate in ('rate1000', 'rate10000'):
            w = run[rate]
            fr = w.get('longestCpuFreezeMillis', float('nan'))
            rows.setdefault(rate, []).append((w, fr))
            print(f"   {rate[4:]}/s: p50 {w['p50us']:.0f} p99 {w['p99us']:.0f} p99.9 {w['p999us']:.0f} "
                  f"cpu {w['cpuPerCallMicros']:.1f} alloc {w['allocPerCall']:.0f} jit {w['jitMillis']} "
                  f"freeze {fr:.0f} ms")
    for phase, v in rows.items():
        for k in keys:
            if k in v[0][0]:
                med[(jar, phase, k)] = statistics.median(w[k] for w, _ in v)
        clean = [w['p99us'] for w, fr in v if fr <= freeze_ms]
        med[(jar, phase, 'p99 without a freeze')] = statistics.median(clean) if clean else float('nan')
        med[(jar, phase, 'windows without a freeze')] = len(clean)
print()
print(f"| median | {jars[0]} | {jars[1]} | {jars[1]} / {jars[0]} |")
print("|---|---|---|---|")
for phase in ('serial', 'rate1000', 'rate10000'):
    for k in keys + ['p99 without a freeze', 'windows without a freeze']:
        a, b = med.get((jars[0], phase, k)), med.get((jars[1], phase, k))
        if a is None or b is None or phase == 'serial' and 'freeze' in k:
            continue
        ratio = f"{b / a:.2f}" if a and 'windows' not in k else ''
        print(f"| {phase} {k} | {a:.1f} | {b:.1f} | {ratio} |")
