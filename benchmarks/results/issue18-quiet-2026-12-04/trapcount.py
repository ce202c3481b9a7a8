# Per camel run of a Bench rpc result with -XX:+LogCompilation files ({system}-{run}.xml beside rpc.json): the
# 10,000/s window's p99 and JIT time, the C2 deoptimizations whose inlined chain went through IotmpProducer, and
# every deoptimization inside the measured window, with its chain.
#   python3 trapcount.py producer-before
import json, re, sys
d = sys.argv[1]
res = json.load(open(f'{d}/rpc.json'))
for i, r in enumerate(res['runs']['camel']):
    x = r['rate10000']
    a, b = x['uptimeAtStartMillis'] / 1000, x['uptimeAtEndMillis'] / 1000
    txt = open(f'{d}/camel-{i + 1}.xml', errors='replace').read()
    through, inside = 0, []
    for m in re.finditer(r"<uncommon_trap thread='\d+' reason='(\w+)' action='(\w+)'[^>]*compiler='c2'[^>]*"
                         r"stamp='([\d.]+)'>(.*?)</uncommon_trap>", txt, re.S):
        t = float(m.group(3))
        through += 'IotmpProducer' in m.group(4)
        if a <= t <= b:
            chain = re.findall(r"<jvms bci='(\d+)' method='([^ ']+) ([^ ']+) ", m.group(4))
            inside.append(f"  +{t - a:5.2f}s {m.group(1)}: "
                          + ' < '.join(f"{c.split('.')[-1]}.{mm}@{bci}" for bci, c, mm in chain[:6]))
    print(f"run {i + 1}: 10,000/s p99 {x['p99us']:.0f} us, JIT {x['jitMillis']} ms; deoptimizations through "
          f"IotmpProducer: {through}; in the window: {len(inside)}")
    print('\n'.join(inside))
