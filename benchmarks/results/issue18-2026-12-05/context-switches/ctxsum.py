import json, sys, collections
out, sysname = sys.argv[1], sys.argv[2]
d = json.load(open(f'{out}/{sysname}/rpc.json'))
w = d['runs'][sysname][0]['rate10000']
samples = collections.OrderedDict()
start = None
for line in open(f'{out}/{sysname}-ctx.txt'):
    p = line.split()
    if p[0] == 'START':
        start = int(p[3]) + int(p[2]) / 100.0
        continue
    if len(p) < 8:
        continue
    ts = float(p[0])
    samples.setdefault(ts, {})[p[2]] = (int(p[3] or 0), int(p[4] or 0), int(p[5]) + int(p[6]), ' '.join(p[7:]))
t0 = start + w['uptimeAtStartMillis'] / 1000 + 3
t1 = start + w['uptimeAtEndMillis'] / 1000 - 3
ts = [t for t in samples if t0 <= t <= t1]
a, b = samples[ts[0]], samples[ts[-1]]
secs = ts[-1] - ts[0]
calls = 10000 * secs
byname = collections.defaultdict(lambda: [0, 0, 0])
for tid, (v, nv, cpu, name) in b.items():
    if tid in a:
        g = name.rstrip('0123456789-#') or name
        byname[g][0] += v - a[tid][0]; byname[g][1] += nv - a[tid][1]; byname[g][2] += cpu - a[tid][2]
print(f'{sysname}: {secs:.1f} s of the window, p99 {w["p99us"]} us, CPU/call {w["cpuPerCallMicros"]}')
tot = [0, 0, 0]
for g, (v, nv, cpu) in sorted(byname.items(), key=lambda x: -x[1][0]):
    if v + nv + cpu == 0:
        continue
    tot[0] += v; tot[1] += nv; tot[2] += cpu
    print(f'  {g:32s} voluntary/call {v / calls:6.3f}  involuntary/call {nv / calls:6.3f}  cpu {cpu / secs:5.1f} %')
print(f'  {"all":32s} voluntary/call {tot[0] / calls:6.3f}  involuntary/call {tot[1] / calls:6.3f}  cpu {tot[2] / secs:5.1f} %')
