import re,sys,statistics as st
rows={}
for l in open(sys.argv[1]):
    m=re.search(r'\] (\S+) run (\d+): \{(.*)\}',l)
    if not m: continue
    d=dict(kv.split('=') for kv in m.group(3).split(', ') if '=' in kv)
    rows.setdefault(m.group(1),[]).append(d)
keys=['serial.p50us','serial.p99us','serial.p999us','serial.throughput','rate1000.p99us','rate10000.p99us']
med={}
for s,v in rows.items():
    for k in keys:
        vals=[float(x[k]) for x in v if k in x]
        med[(s,k)]=st.median(vals)
        print(f"{s:6} {k:18} {' / '.join(str(round(x)) for x in vals):45} median {round(st.median(vals),1)}")
for k in keys:
    if ('camel',k) in med and ('raw',k) in med: print(k,'camel/raw',round(med[('camel',k)]/med[('raw',k)],2))
