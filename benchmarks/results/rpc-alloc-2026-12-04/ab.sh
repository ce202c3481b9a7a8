#!/bin/bash
# A/B of allocation and CPU per call: camel only, jars alternate
OUT=$1; shift
PORT=$1; shift
mkdir -p $OUT
for r in 1 2 3 4; do
  for j in "$@"; do
    n=$(basename $j .jar)
    echo "== round $r $n $(date -u +%T) load $(cut -d' ' -f1 /proc/loadavg)" >> $OUT/ab.log
    taskset -c 1 java -Xmx512m -cp $j io.cameliotmp.benchmarks.load.Bench runs=1 serverCpus=0 loadCpus=1 basePort=$PORT systems=camel scenario=rpc devices=100 serialWarmup=50000 serialCalls=150000 rates=10000 rateJitQuietMillis=20 rateSettleHeap=true rateWarmupBurst=8 out=$OUT/$n-r$r charts=$OUT/$n-r$r/charts > $OUT/$n-r$r.log 2>&1
    grep -E "serial (p50|p99.9)|CPU per call|allocated per call|10000/s open loop: (p50|p99) " $OUT/$n-r$r.log | sed "s/^/$n r$r /" >> $OUT/ab.log
    PORT=$((PORT+50))
  done
done
echo DONE >> $OUT/ab.log
