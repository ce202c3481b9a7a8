#!/usr/bin/env python3
"""Bytes per device between two class histograms (jcmd GC.class_histogram) of servers holding the same devices.

usage: histdiff.py BEFORE.txt AFTER.txt [devices=19000] [rows=25]
Lambda classes are merged by their defining class, since their generated names differ between runs.
"""
import re
import sys


def load(path):
    classes = {}
    for line in open(path):
        m = re.match(r'\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)', line)
        if m:
            name = re.sub(r'\$\$Lambda\$\d+/0x[0-9a-f]+', '$$Lambda', m.group(3))
            count, size = classes.get(name, (0, 0))
            classes[name] = (count + int(m.group(1)), size + int(m.group(2)))
    return classes


before, after = load(sys.argv[1]), load(sys.argv[2])
devices = int(sys.argv[3]) if len(sys.argv) > 3 else 19000
rows = int(sys.argv[4]) if len(sys.argv) > 4 else 25
total = sum(v[1] for v in after.values()) - sum(v[1] for v in before.values())
print(f'whole heap: {total / devices:+.1f} bytes per device')
names = sorted(set(before) | set(after), key=lambda k: -abs(after.get(k, (0, 0))[1] - before.get(k, (0, 0))[1]))
for name in names[:rows]:
    b, a = before.get(name, (0, 0)), after.get(name, (0, 0))
    print(f'{(a[1] - b[1]) / devices:+8.1f} B/device  {b[0]:>7} -> {a[0]:>7} instances  {name}')
