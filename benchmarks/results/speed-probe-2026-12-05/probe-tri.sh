#!/bin/bash
# tri.sh of issue18-2026-12-05 (camel-iotmp default workers, workerThreads=0, raw Netty; order rotating), with a
# SpeedProbe on the server's CPU 0 under SCHED_IDLE (it runs only when the CPU would be idle, and is timed in its
# own CPU time) logging how fast that CPU is, to tell a slow run of the code from a run on a slow CPU
OUT=$1; PORT=$2; ROUNDS=$3; J=$4
mkdir -p $OUT
taskset -c 0 chrt -i 0 java -Xmx32m -cp $J io.cameliotmp.benchmarks.load.SpeedProbe 250 400 > $OUT/probe.txt &
PROBE=$!
orders=("camel camel-io raw" "camel-io raw camel" "raw camel camel-io")
for r in $(seq 1 $ROUNDS); do
  for sys in ${orders[$(( (r-1) % 3 ))]}; do
    echo "== round $r $sys $(date -u +%T) load $(cut -d' ' -f1 /proc/loadavg)" >> $OUT/tri.log
    taskset -c 1 java -Xmx512m -cp $J io.cameliotmp.benchmarks.load.Bench runs=1 serverCpus=0 loadCpus=1 basePort=$PORT systems=$sys scenario=rpc devices=100 serialWarmup=50000 serialCalls=150000 rates=1000,10000 rateJitQuietMillis=20 rateSettleHeap=true rateWarmupBurst=8 out=$OUT/$sys-r$r charts=$OUT/$sys-r$r/charts > $OUT/$sys-r$r.log 2>&1
    grep -E "serial (p50|p99|p99.9) |CPU per call|allocated per call|/s open loop: (p50|p99|p99.9) " $OUT/$sys-r$r.log | sed "s/^/$sys r$r /" >> $OUT/tri.log
    PORT=$((PORT+50))
  done
done
kill $PROBE
echo DONE >> $OUT/tri.log
