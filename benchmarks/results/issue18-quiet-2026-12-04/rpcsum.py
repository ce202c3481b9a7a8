# Per-run values and medians of a Bench rpc log, camel against raw (issue 18): latency, JIT time in the window,
# and the server process's CPU and allocation per call.
import re, sys, statistics as st
rows = {}
for l in open(sys.argv[1]):
    m = re.search(r'\] (\S+) run (\d+): \{(.*)\}', l)
    if not m:
        continue
    d = dict(kv.split('=', 1) for kv in m.group(3).split(', ') if '=' in kv)
    rows.setdefault(m.group(1), []).append(d)
keys = ['serial.p50us', 'serial.p99us', 'serial.p999us', 'serial.throughput', 'serial.cpuPerCallMicros',
        'serial.allocPerCall', 'rate1000.p99us', 'rate1000.cpuPerCallMicros', 'rate10000.p50us', 'rate10000.p99us',
        'rate10000.p999us', 'rate10000.jitMillis', 'rate10000.cpuPerCallMicros', 'rate10000.allocPerCall']
med = {}
for s, v in rows.items():
    for k in keys:
        vals = [float(x[k]) for x in v if k in x and x[k] not in ('NaN', 'null')]
        if not vals:
            continue
        med[(s, k)] = st.median(vals)
        fmt = (lambda x: f"{x:.1f}") if 'cpu' in k else (lambda x: str(round(x)))
        print(f"{s:6} {k:26} {' / '.join(fmt(x) for x in vals):50} median {fmt(st.median(vals))}")
for k in keys:
    if ('camel', k) in med and ('raw', k) in med and med[('raw', k)]:
        print(f"{k:26} camel/raw {med[('camel', k)] / med[('raw', k)]:.2f}")
