# Medians of ingab2.sh's summary.txt per system, and camel-batch / raw-decode per round and on the medians.
import re, sys, statistics as st
rows = {}
for l in open(sys.argv[1]):
    m = re.match(r'(\S+) r(\d+) (\S+) rate=([\d.]+) alloc=([\d.]+) cpu=([\d.]+)', l)
    if m:
        rows.setdefault(m.group(3), []).append((int(m.group(2)), float(m.group(4)), float(m.group(5)), float(m.group(6))))
for s, v in rows.items():
    print(f"{s:12} rate/s {' / '.join(f'{x[1] / 1e6:.2f}M' for x in v)}  median {st.median(x[1] for x in v):,.0f}"
          f"  cpu ns {st.median(x[3] for x in v):.0f}  alloc B {st.median(x[2] for x in v):.0f}")
if 'camel-batch' in rows and 'raw-decode' in rows:
    per = [b[1] / r[1] for b, r in zip(rows['camel-batch'], rows['raw-decode'])]
    print('camel-batch / raw-decode per round', ' / '.join(f'{x:.2f}' for x in per), 'median', f'{st.median(per):.2f}',
          'on the medians', f"{st.median(x[1] for x in rows['camel-batch']) / st.median(x[1] for x in rows['raw-decode']):.2f}",
          'cpu', f"{st.median(x[3] for x in rows['raw-decode']) / st.median(x[3] for x in rows['camel-batch']):.2f}")
