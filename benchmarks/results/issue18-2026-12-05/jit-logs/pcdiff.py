#!/usr/bin/env python3
"""Compares what the JIT left compiled at the end of the 10,000/s window in two runs of jit-logs/: for every method of
camel-iotmp, Netty, Camel and java.util.concurrent whose highest live standalone tier was C2 (4) in one run and not
in the other, prints both tiers ('-' = never compiled on its own). A method's standalone tier says nothing about the
copies inlined into its callers, so this only points at where to look.
Usage: pcdiff.py DIR RUN_A RUN_B   (e.g. pcdiff.py jit-logs 6 8)"""
import glob, gzip, json, re, sys

PATTERN = re.compile(r'^\s*(\d+)\s+(\d+)\s+([%sbn!]*)\s*(\d)\s+(\S+)\s+(\(\d+ bytes\))?(.*)$')


def live_tiers(root, run):
    d = json.load(open(f'{root}/run{run}/rpc.json'))
    end = d['runs']['camel-io'][0]['rate10000']['uptimeAtEndMillis']
    tiers = {}
    with gzip.open(f'{root}/run{run}/server-printcompilation.log.gz', 'rt') as log:
        for line in log:
            m = PATTERN.match(line)
            if not m:
                continue
            millis, _, attrs, tier, method, _, rest = m.groups()
            if int(millis) > end or '%' in attrs:
                continue
            live = tiers.setdefault(method, set())
            if 'made not entrant' in rest or 'made zombie' in rest:
                live.discard(int(tier))
            else:
                live.add(int(tier))
    return {method: max(live) if live else 0 for method, live in tiers.items()}


root, a_run, b_run = sys.argv[1:4]
a, b = live_tiers(root, a_run), live_tiers(root, b_run)
prefixes = ('io.cameliotmp', 'io.netty', 'org.apache.camel', 'java.util.concurrent')
for method in sorted(m for m in set(a) | set(b) if m.startswith(prefixes) and '$$Lambda' not in m):
    if (a.get(method) == 4) != (b.get(method) == 4):
        print(f'{a.get(method, "-")!s:3} {b.get(method, "-")!s:3} {method}')
