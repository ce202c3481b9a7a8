#!/bin/bash
# usage: cab.sh OUTDIR order...   (each arg label; jar = /work/jars/label.jar)
out=$1; shift; mkdir -p $out
i=0
for l in "$@"; do i=$((i+1))
  d=$out/$i-$l; mkdir -p $d
  echo "$(date +%T) load=$(cut -d' ' -f1 /proc/loadavg) $l" >> $out/log
  (cd /work/main && java -Xmx256m -cp /work/jars/$l.jar io.cameliotmp.benchmarks.load.ClusterRpcBench runs=5 warmup=2000 count=10000 results=$d > $d/out.txt 2>&1)
done
echo done >> $out/log
