#!/bin/bash
# serial, 1000/s and 10,000/s RPC: camel-iotmp (default workers), workerThreads=0 and raw Netty, one jar,
# the order of the three rotating from round to round; no hiccup meters (they inflate the serial tails)
OUT=$1; PORT=$2; ROUNDS=$3; J=$4
mkdir -p $OUT
orders=("camel camel-io raw" "camel-io raw camel" "raw camel camel-io")
for r in $(seq 1 $ROUNDS); do
  for sys in ${orders[$(( (r-1) % 3 ))]}; do
    echo "== round $r $sys $(date -u +%T) load $(cut -d' ' -f1 /proc/loadavg)" >> $OUT/tri.log
    taskset -c 1 java -Xmx512m -cp $J io.cameliotmp.benchmarks.load.Bench runs=1 serverCpus=0 loadCpus=1 basePort=$PORT systems=$sys scenario=rpc devices=100 serialWarmup=50000 serialCalls=150000 rates=1000,10000 rateJitQuietMillis=20 rateSettleHeap=true rateWarmupBurst=8 out=$OUT/$sys-r$r charts=$OUT/$sys-r$r/charts > $OUT/$sys-r$r.log 2>&1
    grep -E "serial (p50|p99|p99.9) |CPU per call|allocated per call|/s open loop: (p50|p99|p99.9) " $OUT/$sys-r$r.log | sed "s/^/$sys r$r /" >> $OUT/tri.log
    PORT=$((PORT+50))
  done
done
echo DONE >> $OUT/tri.log
