#!/usr/bin/env python3
"""Summarises the CPU samples of a JFR recording: samples per thread, top frames (self) and frames on the stack
(inclusive), in percent of all samples.

    jfr print --events jdk.ExecutionSample --stack-depth 64 recording.jfr > samples.txt
    benchmarks/jfr-top.py samples.txt [how many self frames]

Record with serverJvm="-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints
-XX:StartFlightRecording:settings=profile,filename=/tmp/jfr/NAME-{system}.jfr" passed to Bench. Without
DebugNonSafepoints the JIT keeps line information only at safepoints, and a sample taken in compiled code is put on
the nearest one: within inlined code the self frames can be far off (docs/performance.md, "The flow control's lock
off the batched path"). The recordings before 2026-12-03 09:00 UTC were taken without it.
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
