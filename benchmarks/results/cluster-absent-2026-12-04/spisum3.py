# Issue 13's single-node target: the jar before the cluster SPI (8aac900^) against the jar with it (8aac900), both
# with the harness of 2026-12-04. Per-run values, medians and with/before of each figure: latency, the JIT's and
# the collector's time in the window, the server process's CPU and allocation per call, and the hiccup meters'
# freezes where the runs had them.
#   python3 spisum3.py pre-h-rpc.log spi-h-rpc.log
import re, sys, statistics as st

def runs(path):
    out = []
    for line in open(path):
        m = re.search(r'\] (\S+) run (\d+): \{(.*)\}', line)
        if m:
            out.append(dict(kv.split('=', 1) for kv in m.group(3).split(', ') if '=' in kv))
    return out

keys = ['serial.p50us', 'serial.p99us', 'serial.p999us', 'serial.throughput', 'serial.cpuPerCallMicros',
        'serial.allocPerCall', 'rate1000.p50us', 'rate1000.p99us', 'rate1000.jitMillis', 'rate1000.gcMillis',
        'rate1000.cpuPerCallMicros', 'rate1000.allocPerCall', 'rate10000.p50us', 'rate10000.p99us',
        'rate10000.jitMillis', 'rate10000.gcMillis', 'rate10000.cpuPerCallMicros', 'rate10000.allocPerCall',
        # with hiccupMeter=true (the p99 only of the windows without a CPU freeze; the others are NaN, left out)
        'rate1000.longestCpuFreezeMillis', 'rate1000.p99usNoFreeze', 'rate10000.longestCpuFreezeMillis',
        'rate10000.p99usNoFreeze']
before, after = runs(sys.argv[1]), runs(sys.argv[2])
print(f"runs: before {len(before)}, with {len(after)}")
for k in keys:
    b = [float(r[k]) for r in before if r.get(k) not in (None, 'NaN', 'null')]
    a = [float(r[k]) for r in after if r.get(k) not in (None, 'NaN', 'null')]
    if not a or not b:
        continue
    f = (lambda x: f"{x:.1f}") if 'cpu' in k else (lambda x: str(round(x)))
    mb, ma = st.median(b), st.median(a)
    ratio = ma / mb if mb else float('nan')
    print(f"{k:26} before {mb:>10.1f}  with {ma:>10.1f}  with/before {ratio:.2f}")
    print(f"{'':26}   before: {' / '.join(f(x) for x in b)}")
    print(f"{'':26}   with:   {' / '.join(f(x) for x in a)}")
