#!/usr/bin/env python3
"""Lines up each run of probe-tri.sh with the SpeedProbe's timings on the server's CPU meanwhile.

For every run (system, round): the server's CPU per call in the serial, 1000/s and 10,000/s phases, and the median
CPU time of the probe's fixed work over the whole run and over its last 30 s (the 10,000/s window and its warm-up).
Usage: probesum.py DIR
"""
import datetime
import glob
import os
import re
import statistics
import sys

d = sys.argv[1]
probe = []
syscalls = []
for line in open(os.path.join(d, 'probe.txt')):
    f = line.split()
    if len(f) >= 3:
        probe.append((int(f[0]) / 1000.0, int(f[1])))
    if len(f) == 4:
        syscalls.append((int(f[0]) / 1000.0, int(f[3])))


def ts(line):
    m = re.match(r'\[(\S+?)(\.\d+)?Z\]', line)
    t = datetime.datetime.strptime(m.group(1), '%Y-%m-%dT%H:%M:%S').replace(tzinfo=datetime.timezone.utc)
    return t.timestamp() + (float(m.group(2)) if m.group(2) else 0)


def med(a, b, series=None):
    """The probe's lowest-quartile time in [a, b]: the probes least disturbed by the server's threads."""
    v = sorted(c for (t, c) in (probe if series is None else series) if a <= t <= b)
    return (v[len(v) // 4], len(v)) if v else (float('nan'), 0)


rows = []
for log in sorted(glob.glob(os.path.join(d, '*-r*.log'))):
    name = os.path.basename(log)[:-4]
    system, rnd = name.rsplit('-r', 1)
    lines = [l for l in open(log) if l.startswith('[')]
    start = ts(lines[0])
    end = next((ts(l) for l in lines if ' run 1: {' in l), None)
    if end is None:
        continue
    res = next(l for l in lines if ' run 1: {' in l)
    cpu = {k: float(v) for k, v in re.findall(r'(\w+)\.cpuPerCallMicros=([\d.]+)', res)}
    whole = med(start, end)
    last = med(end - 30, end - 2)
    rows.append((int(rnd), system, cpu.get('serial'), cpu.get('rate1000'), cpu.get('rate10000'), whole, last,
                 med(end - 30, end - 2, syscalls)))

print('round system   serialCPU 1000/sCPU 10k/sCPU | compute probe p25 us (n): whole run | last 30 s'
      ' | system-call probe p25 us, last 30 s')
for r in sorted(rows):
    print('%5d %-8s %9.1f %9.1f %9.1f | %7.0f (%d) | %7.0f (%d) | %7.0f' % (
        r[0], r[1], r[2], r[3], r[4], r[5][0], r[5][1], r[6][0], r[6][1], r[7][0]))
print()
for system in sorted({r[1] for r in rows}):
    rs = [r for r in rows if r[1] == system]
    print(system, '10k/s CPU per call / compute probe / system-call probe (last 30 s), by CPU per call:',
          ', '.join('%.1f/%.0f/%.0f' % (r[4], r[6][0], r[7][0]) for r in sorted(rs, key=lambda r: r[4])))
