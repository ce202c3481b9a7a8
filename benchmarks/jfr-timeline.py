#!/usr/bin/env python3
"""Lines up, in 2-second bins, the slow serial calls of a recording taken with -Dbench.slowCalls=true against the
JIT's work: compilations (count and time; on a one-core server they take the core from the calls) and
deoptimisations. Then lists, from FROM seconds on, every deoptimisation and every compilation above 20 ms, so that a
recompilation cascade and the trap that started it can be read off.

    jfr print --json --events iotmp.bench.SlowCall,jdk.Compilation,jdk.Deoptimization rec.jfr > rec.json
    benchmarks/jfr-timeline.py rec.json [FROM seconds, 5 by default]

Take the recording with compilations of any length, as for TailAnalysis:
serverJvm=-Dbench.slowCalls=true -XX:StartFlightRecording:settings=profile,jdk.Compilation#threshold=0ms,filename=...
"""
import collections
import datetime
import json
import re
import sys


def instant(text):
    return datetime.datetime.fromisoformat(text.replace('Z', '+00:00')).timestamp()


def seconds(iso_duration):
    total = 0.0
    for number, unit in re.findall(r'([\d.]+)([HMS])', iso_duration[2:]):
        total += float(number) * {'H': 3600, 'M': 60, 'S': 1}[unit]
    return total


def method(values):
    m = values.get('method') or {}
    return (m.get('type') or {}).get('name', '?') + '.' + m.get('name', '?')


events = json.load(open(sys.argv[1]))['recording']['events']
start_from = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0
slow = [(instant(e['values']['startTime']), seconds(e['values']['duration']))
        for e in events if e['type'] == 'iotmp.bench.SlowCall']
if not slow:
    sys.exit('no slow calls in the recording (was -Dbench.slowCalls=true set?)')
t0 = min(s for s, _ in slow)
end = max(s for s, _ in slow)
slow_in, over_ms, compiles, compile_time, deopts = (collections.Counter() for _ in range(5))
for s, d in slow:
    slow_in[int((s - t0) // 2)] += 1
    over_ms[int((s - t0) // 2)] += d > 1e-3
details = []
for e in events:
    v = e['values']
    at = instant(v['startTime']) - t0
    if e['type'] == 'jdk.Compilation':
        d = seconds(v['duration'])
        compiles[int(at // 2)] += 1
        compile_time[int(at // 2)] += d
        if at >= start_from and d > 0.02:
            details.append((at, f"compiled {method(v)} at level {v.get('compileLevel')} in {d * 1000:.0f} ms "
                                f"({v.get('codeSize')} bytes of code, {v.get('inlinedBytes')} inlined)"))
    elif e['type'] == 'jdk.Deoptimization':
        deopts[int(at // 2)] += 1
        if at >= start_from:
            details.append((at, f"deoptimised {method(v)} line {v.get('lineNumber')}: {v.get('reason')}, "
                                f"{v.get('action')}"))
print(f"slow calls from the first one, {end - t0:.1f} s")
print("  from  calls>200us  >1ms  compilations  compiling(ms)  deoptimisations")
for b in range(int((end - t0) // 2) + 1):
    print(f"{b * 2:5d}s {slow_in[b]:11d} {over_ms[b]:5d} {compiles[b]:13d} {compile_time[b] * 1000:14.0f} "
          f"{deopts[b]:16d}")
print(f"\nfrom {start_from:.0f} s on:")
for at, text in sorted(details):
    print(f"{at:7.2f}s {text}")
