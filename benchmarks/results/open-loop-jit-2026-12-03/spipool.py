import re,statistics as st,glob
keys=['serial.p50us','serial.p99us','serial.p999us','serial.throughput','rate1000.p99us','rate10000.p99us']
res={}
for d,labs in [('/work/spiab',('pre','spi')),('/work/spiab2',('pre','spi')),('/work/spiab3',('pre2','spi2')),('/work/spiab4',('pre3','spi3'))]:
    for lab,name in zip(labs,('pre','spi')):
        try: lines=open(f'{d}/{lab}-rpc.log').read().splitlines()
        except FileNotFoundError: continue
        for l in lines:
            m=re.search(r'\] camel run \d+: \{(.*)\}',l)
            if not m: continue
            dd=dict(kv.split('=',1) for kv in m.group(1).split(', ') if '=' in kv)
            for k in keys:
                if k in dd: res.setdefault((k,name,d),[]).append(float(dd[k]))
for k in keys:
    allp=[];alls=[]
    for d in ('/work/spiab','/work/spiab2','/work/spiab3','/work/spiab4'):
        a=res.get((k,'pre',d),[]);b=res.get((k,'spi',d),[])
        allp+=a;alls+=b
        if a and b: print(f"  {k:16} {d:13} n={len(a)} pre {st.median(a):9.1f} spi {st.median(b):9.1f} ratio {st.median(b)/st.median(a):.2f}")
    print(f"{k:16} POOLED n={len(allp)}/{len(alls)} pre {st.median(allp):9.1f} spi {st.median(alls):9.1f} ratio {st.median(alls)/st.median(allp):.2f}")
