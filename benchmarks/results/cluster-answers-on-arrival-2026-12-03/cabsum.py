import json,sys,glob,statistics as st,os
rows={}
for d in sorted(glob.glob(sys.argv[1]+'/*/cluster-rpc.json'), key=lambda p:int(os.path.basename(os.path.dirname(p)).split('-')[0])):
    j=json.load(open(d)); lab=os.path.basename(os.path.dirname(d))
    lp50=st.median(r['p50'] for r in j['local']); rp50=st.median(r['p50'] for r in j['crossNode'])
    lp99=st.median(r['p99'] for r in j['local']); rp99=st.median(r['p99'] for r in j['crossNode'])
    print(f"{lab:10} local p50 {lp50:7.1f} remote p50 {rp50:7.1f} ratio {rp50/lp50:5.2f} | p99 {lp99:7.0f} {rp99:7.0f} ratio {rp99/lp99:5.2f}")
    rows.setdefault(lab.split('-',1)[1],[]).append((lp50,rp50,rp50/lp50,lp99,rp99))
for k,v in rows.items():
    print(k, 'median local p50 %.1f remote p50 %.1f p50ratio %.2f  local p99 %.0f remote p99 %.0f'%tuple(st.median(x[i] for x in v) for i in range(5)))
