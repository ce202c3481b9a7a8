#!/usr/bin/env python3
"""Per open-loop window of a Bench rpc.json taken with hiccupMeter=true: its p99 and worst call, when its slow calls
were issued (StallTimeline's slots over 20 ms, merged into stalls) and which CPU freezes the meters saw meanwhile.
A stall is "the CPU's" when a meter woke up more than 25 ms late between its first slot and 150 ms after it.
Usage: freezesum.py DIR [FREEZE_MS]"""
import json, statistics, sys

d = json.load(open(sys.argv[1] + '/rpc.json'))
freeze_ms = float(sys.argv[2]) if len(sys.argv) > 2 else 25
rates = sorted({k for runs in d['runs'].values() for r in runs for k in r if k.startswith('rate')},
               key=lambda k: int(k[4:]))
table = {}
for system, runs in d['runs'].items():
    for i, run in enumerate(runs, 1):
        for rate in rates:
            w = run.get(rate)
            if not w:
                continue
            slots = w.get('slowSlots', [])
            stalls = []
            for off, worst in slots:  # merge consecutive slots into one stall
                if stalls and off - stalls[-1][1] <= 20:
                    stalls[-1][1] = off
                    stalls[-1][2] = max(stalls[-1][2], worst)
                else:
                    stalls.append([off, off, worst])
            freezes = [(cpu, t, late) for cpu, evs in w.get('cpuFreezes', {}).items() for t, late in evs
                       if late > freeze_ms]
            described = []
            for s0, s1, worst in stalls:
                hit = [f'cpu{c} {late:.0f} ms late at +{t:.0f}' for c, t, late in freezes if s0 <= t <= s1 + 150]
                described.append(f'stall at +{s0} ms, worst {worst / 1000:.0f} ms: '
                                 + ('; '.join(hit) if hit else 'no CPU freeze'))
            unmatched = [f'cpu{c} {late:.0f} ms at +{t:.0f}' for c, t, late in freezes
                         if not any(s0 <= t <= s1 + 150 for s0, s1, _ in stalls)]
            longest = w.get('longestCpuFreezeMillis', float('nan'))
            table.setdefault((rate, system), []).append((w['p99us'], longest))
            print(f"{system} run {i} {rate[4:]}/s: p99 {w['p99us']:.0f} us, max {w['maxus'] / 1000:.0f} ms, "
                  f"JIT {w['jitMillis']} ms, longest freeze {longest:.0f} ms")
            for line in described:
                print('   ', line)
            if unmatched:
                print('    freezes without a stall:', ', '.join(unmatched))
print()
for (rate, system), v in sorted(table.items()):
    clean = [p for p, l in v if l <= freeze_ms]
    print(f"{rate[4:]}/s {system}: p99 median {statistics.median(p for p, _ in v):.0f} us over {len(v)} windows; "
          f"{len(v) - len(clean)} with a freeze > {freeze_ms:.0f} ms; p99 median of the others "
          + (f"{statistics.median(clean):.0f} us over {len(clean)}" if clean else "n/a"))
