#!/usr/bin/env python3
"""The uncommon traps a run's server hit (its -XX:+LogCompilation file), in the 30 s before the 10,000/s window and in
it, counted by reason, action, class and bytecode index; classes of camel-iotmp, Netty and Camel only.
Usage: traps.py LOGFILE WINDOW_START_MILLIS WINDOW_END_MILLIS   (the window on the JVM's uptime, from rpc.json)"""
import collections, re, sys

log, start, end = sys.argv[1], float(sys.argv[2]) / 1000, float(sys.argv[3]) / 1000
text = open(log, errors='replace').read()
traps = re.finditer(r"<uncommon_trap thread='\d+' reason='([^']+)' action='([^']+)'[^>]*?stamp='([\d.]+)'>\s*"
                    r"<jvms bci='(\d+)' method='([^']+)'", text)
counts = collections.Counter()
for m in traps:
    stamp = float(m.group(3))
    if start - 30 <= stamp <= end:
        phase = 'window' if stamp >= start else 'before'
        counts[(phase, m.group(1), m.group(2), m.group(5).split(' ')[0], m.group(4))] += 1
for key, n in sorted(counts.items(), key=lambda kv: (kv[0][0], -kv[1])):
    if any(p in key[3] for p in ('cameliotmp', 'netty', 'camel')):
        print(n, *key)
