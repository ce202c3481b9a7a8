#!/bin/bash
# serial and 10,000/s RPC, jars alternating: A = before, B = after; raw Netty (from B's jar) as the control
OUT=$1; PORT=$2; ROUNDS=$3; A=$4; B=$5
mkdir -p $OUT
for r in $(seq 1 $ROUNDS); do
  for v in a b raw; do
    case $v in a) j=$A; sys=camel;; b) j=$B; sys=camel;; raw) j=$B; sys=raw;; esac
    echo "== round $r $v $(date -u +%T) load $(cut -d' ' -f1 /proc/loadavg)" >> $OUT/ab.log
    taskset -c 1 java -Xmx512m -cp $j io.cameliotmp.benchmarks.load.Bench runs=1 serverCpus=0 loadCpus=1 basePort=$PORT systems=$sys scenario=rpc devices=100 serialWarmup=50000 serialCalls=150000 rates=10000 rateJitQuietMillis=20 rateSettleHeap=true rateWarmupBurst=8 out=$OUT/$v-r$r charts=$OUT/$v-r$r/charts > $OUT/$v-r$r.log 2>&1
    grep -E "serial (p50|p99|p99.9) |CPU per call|allocated per call|10000/s open loop: (p50|p99) " $OUT/$v-r$r.log | sed "s/^/$v r$r /" >> $OUT/ab.log
    PORT=$((PORT+50))
  done
done
echo DONE >> $OUT/ab.log
