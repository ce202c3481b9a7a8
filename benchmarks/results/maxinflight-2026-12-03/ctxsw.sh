#!/usr/bin/env bash
# usage: ctxsw.sh OUTFILE — waits for a ServerMain JVM, snapshots per-thread context switches 15 s and 35 s later
out=$1
while ! pid=$(pgrep -f 'ServerMain system=' | head -1) || [ -z "$pid" ]; do sleep 0.5; done
snap() { for t in /proc/$pid/task/*; do c=$(cat $t/comm 2>/dev/null); v=$(grep -h '^voluntary' $t/status 2>/dev/null | awk '{print $2}'); n=$(grep -h '^nonvoluntary' $t/status 2>/dev/null | awk '{print $2}'); echo "$1 ${t##*/} \"$c\" $v $n"; done; }
sleep 15; snap a > $out; sleep 20; snap b >> $out
python3 - "$out" <<'PY'
import sys,collections
a={};b={}
for l in open(sys.argv[1]):
    p=l.rsplit(None,2); head=p[0]; v=int(p[1] or 0); n=int(p[2] or 0)
    tag,tid,name=head.split(' ',2)
    (a if tag=='a' else b)[tid]=(name,v,n)
for tid,(name,v,n) in b.items():
    if tid in a:
        dv=v-a[tid][1]; dn=n-a[tid][2]
        if dv+dn>100: print(f"{name:30s} vol/s={dv/20:9.0f} invol/s={dn/20:9.0f}")
PY
