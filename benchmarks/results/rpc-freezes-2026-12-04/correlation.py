import json,sys
d=json.load(open(sys.argv[1]+'/rpc.json'))
def load(f):
    r=[]
    for l in open(f):
        if l.startswith('#'): print(f, l.strip()); continue
        t,late=l.split(); r.append((int(t),int(late)))
    return r
h={c:load(f'{sys.argv[1]}/hiccup-cpu{c}.log') for c in (0,1)}
for sysname,runs in d['runs'].items():
    for i,run in enumerate(runs):
        w=run['rate10000']; s=w['monotonicAtStartNanos']; e=s+int(w['seconds']*1e9)+int(1e9)
        print(f"{sysname} run{i+1}: p99={w['p99us']:.0f}us max={w['maxus']:.0f}us jit={w['jitMillis']} lag={w['maxScheduleLagMicros']}")
        print("  slow slots (ms offset, worst us):", [tuple(x) for x in w['slowSlots']][:40])
        for c in (0,1):
            ev=[((t-s)/1e6,late) for t,late in h[c] if s<=t<=e]
            big=[(round(o,1),l) for o,l in ev if l>5000]
            print(f"  cpu{c} hiccups>5ms in window (ms offset of wake-up, late us):", big[:30], "count>3ms:",len(ev))
