import json,glob,statistics as st,sys,os,re
rows=[]
for d in sys.argv[1:]:
    for f in glob.glob(d+'/*/rpc.json')+glob.glob(d+'/rpc.json'):
        j=json.load(open(f)); lab=os.path.basename(os.path.dirname(f)) if not f.endswith(d+'/rpc.json') else os.path.basename(d)
        for sysn,runs in j['runs'].items():
            for r in runs:
                for k,v in r.items():
                    if k.startswith('rate') and 'jitMillis' in v:
                        rows.append((re.sub(r'-r\d+$','',lab),sysn,k,v['jitMillis'],v['p99us'],v.get('gcMillis')))
for rate in ('rate1000','rate10000'):
    for sysn in sorted({r[1] for r in rows}):
        sel=[r for r in rows if r[2]==rate and r[1]==sysn]
        lo=[r[4] for r in sel if r[3]<150]; hi=[r[4] for r in sel if r[3]>=400]
        print(f"{rate:9} {sysn:6} n={len(sel):2}  JIT<150ms: n={len(lo):2} p99 med {st.median(lo) if lo else float('nan'):7.0f}   JIT>=400ms: n={len(hi):2} p99 med {st.median(hi) if hi else float('nan'):7.0f}")
    print()
for r in sorted(rows, key=lambda r:(r[2],r[3])):
    if r[2]=='rate10000': print(r)
