#!/usr/bin/env python3
"""Summarises the CPU samples of a JFR recording: samples per thread, top frames (self) and frames on the stack
(inclusive), in percent of all samples.

    jfr print --events jdk.ExecutionSample recording.jfr > samples.txt
    benchmarks/jfr-top.py samples.txt [how many self frames]

The recordings of docs/performance.md were taken by passing
serverJvm=-XX:StartFlightRecording=filename=/tmp/jfr/NAME-{system}.jfr,settings=profile to Bench.
"""
import collections
import re
import sys

text = open(sys.argv[1]).read()
events = text.split('jdk.ExecutionSample')
top, incl, threads = collections.Counter(), collections.Counter(), collections.Counter()
n = 0
for e in events[1:]:
    m = re.search(r'sampledThread = "([^"]+)"', e)
    thread = re.sub(r'-\d+$', '-N', m.group(1) if m else '?')
    frames = re.findall(r'^\s+([\w$.<>/]+)\(', e, re.M)
    if not frames:
        continue
    n += 1
    threads[thread] += 1
    top[frames[0]] += 1
    for f in set(frames):
        incl[f] += 1
print("samples", n)
print("threads", threads.most_common(8))
print("--- top self")
for f, c in top.most_common(int(sys.argv[2]) if len(sys.argv) > 2 else 25):
    print(f"{c * 100 / n:5.1f}% {f}")
print("--- inclusive")
for f, c in incl.most_common(80):
    print(f"{c * 100 / n:5.1f}% {f}")
