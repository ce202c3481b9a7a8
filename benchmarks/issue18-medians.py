#!/usr/bin/env python3
"""Medians (min-max) of the runs logged by benchmarks/issue18-pass.sh, per side and system, and the ratios the
targets of issue 18 ask for. Reads OUT/{ingest,rpc}-{before,after}.txt (the "<system> run 1: {...}" lines)."""
import os
import re
import statistics
import sys

out = sys.argv[1]
LINE = re.compile(r'\] (\S+) run \d+: \{(.*)\}')


def runs(log):
    """system -> metric -> [values], in run order."""
    result = {}
    if not os.path.exists(log):
        return result
    for line in open(log):
        m = LINE.search(line)
        if not m:
            continue
        metrics = result.setdefault(m.group(1), {})
        for pair in m.group(2).split(', '):
            if '=' not in pair:
                continue
            key, value = pair.split('=', 1)
            try:
                metrics.setdefault(key, []).append(float(value))
            except ValueError:
                pass
    return result


def cell(values):
    if not values:
        return 'n/a'
    med = statistics.median(values)
    return f'{med:,.0f} ({min(values):,.0f}–{max(values):,.0f})' if med >= 100 else \
        f'{med:.1f} ({min(values):.1f}–{max(values):.1f})'


def med(table, system, key):
    values = table.get(system, {}).get(key, [])
    return statistics.median(values) if values else float('nan')


def loads(log):
    if not os.path.exists(log):
        return []
    return [float(line.split()[2]) for line in open(log) if line.startswith('load before:')]


for scenario, keys in (('ingest', ['fast.rate', 'fast.allocPerSample', 'fast.cpuPerSample', 'fast.lost']),
                       ('rpc', ['serial.p50us', 'serial.p99us', 'serial.p999us', 'serial.throughput',
                                'rate1000.p50us', 'rate1000.p99us', 'rate1000.p999us',
                                'rate10000.p50us', 'rate10000.p99us', 'rate10000.p999us'])):
    for side in ('before', 'after'):
        log = os.path.join(out, f'{scenario}-{side}.txt')
        table = runs(log)
        if not table:
            continue
        systems = list(table)
        n = max(len(v) for s in table.values() for v in s.values())
        l1 = loads(log)
        print(f'\n### {scenario}, {side} ({n} runs; 1-min load average before each invocation '
              f'{min(l1):.1f}–{max(l1):.1f})\n')
        print('| metric | ' + ' | '.join(systems) + ' |')
        print('|---|' + '---|' * len(systems))
        for key in keys:
            print(f'| {key} | ' + ' | '.join(cell(table[s].get(key, [])) for s in systems) + ' |')
        if scenario == 'ingest' and 'raw-decode' in table:
            for s in systems:
                if s != 'raw-decode':
                    ratios = [a / b for a, b in zip(table[s]['fast.rate'], table['raw-decode']['fast.rate'])]
                    print(f'\n{s} ÷ raw-decode, rate: ratio of medians '
                          f'{med(table, s, "fast.rate") / med(table, "raw-decode", "fast.rate"):.2f}, '
                          f'per run {", ".join(f"{x:.2f}" for x in ratios)}; CPU per sample '
                          f'{med(table, s, "fast.cpuPerSample") / med(table, "raw-decode", "fast.cpuPerSample"):.2f}×; '
                          f'bytes per sample '
                          f'{med(table, s, "fast.allocPerSample") / med(table, "raw-decode", "fast.allocPerSample"):.2f}×')
        if scenario == 'rpc' and 'raw' in table:
            for s in systems:
                if s != 'raw':
                    print(f'\n{s} ÷ raw: ' + ', '.join(
                        f'{k} {med(table, s, k) / med(table, "raw", k):.2f}' for k in keys))
