import json,glob,statistics as st,re,os
rows={}
for f in sorted(glob.glob('/work/olab/*/rpc.json')):
    lab=re.sub(r'-r\d+$','',os.path.basename(os.path.dirname(f)))
    j=json.load(open(f))
    for sysn,runs in j['runs'].items():
        for r in runs:
            for k,v in r.items():
                if k=='serial' or k.startswith('rate'):
                    for m in ('p50us','p99us','p999us','jitMillis','gcMillis','extraWarmupRounds'):
                        if m in v: rows.setdefault((lab,k,m,sysn),[]).append(v[m])
for lab in ('settle-false','settle-true'):
    for k in ('serial','rate1000','rate10000'):
        for m in ('p50us','p99us','p999us','jitMillis','gcMillis','extraWarmupRounds'):
            c=rows.get((lab,k,m,'camel'));r=rows.get((lab,k,m,'raw'))
            if c and r:
                ratio=st.median(c)/st.median(r) if st.median(r) else float('nan')
                print(f"{lab:12} {k:9} {m:17} camel {st.median(c):8.0f} raw {st.median(r):8.0f} ratio {ratio:5.2f}   camel {[round(x) for x in c]} raw {[round(x) for x in r]}")
