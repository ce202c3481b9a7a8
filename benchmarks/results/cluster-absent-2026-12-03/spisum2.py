import re,sys,statistics as st
keys=['serial.p50us','serial.p99us','serial.p999us','serial.throughput','rate1000.p99us','rate10000.p99us','fast.rate']
res={}
for out in sys.argv[1:]:
    for lab in ['pre','spi']:
        for sc in ['rpc','ingest']:
            try: lines=open(f'{out}/{lab}-{sc}.log').read().splitlines()
            except FileNotFoundError: continue
            for l in lines:
                m=re.search(r'\] camel run \d+: \{(.*)\}',l)
                if not m: continue
                d=dict(kv.split('=',1) for kv in m.group(1).split(', ') if '=' in kv)
                for k in keys:
                    if k in d: res.setdefault((k,lab),[]).append(float(d[k]))
for k in keys:
    a=res.get((k,'pre'),[]);b=res.get((k,'spi'),[])
    if a and b:
        wins=sum(1 for x,y in zip(a,b) if (y<x if 'rate' not in k and 'throughput' not in k else y>x))
        print(f"{k:18} n={len(a)} pre med {st.median(a):10.1f}  spi med {st.median(b):10.1f}  spi/pre {st.median(b)/st.median(a):.3f}  (runs: pre {' / '.join(str(round(x)) for x in a)}; spi {' / '.join(str(round(x)) for x in b)})")
