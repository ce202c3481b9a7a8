#!/bin/bash
# a single server before (8aac900^) and with (8aac900) the cluster SPI: serial, 1000/s and 10,000/s RPC,
# the jars alternating (order swapped every round); no hiccup meters
OUT=$1; PORT=$2; ROUNDS=$3; PRE=$4; SPI=$5
mkdir -p $OUT
for r in $(seq 1 $ROUNDS); do
  if [ $((r % 2)) = 1 ]; then order="pre spi"; else order="spi pre"; fi
  for v in $order; do
    case $v in pre) j=$PRE;; spi) j=$SPI;; esac
    echo "== round $r $v $(date -u +%T) load $(cut -d' ' -f1 /proc/loadavg)" >> $OUT/spi.log
    taskset -c 1 java -Xmx512m -cp $j io.cameliotmp.benchmarks.load.Bench runs=1 serverCpus=0 loadCpus=1 basePort=$PORT systems=camel scenario=rpc devices=100 serialWarmup=50000 serialCalls=150000 rates=1000,10000 rateJitQuietMillis=20 rateSettleHeap=true rateWarmupBurst=8 out=$OUT/$v-r$r charts=$OUT/$v-r$r/charts > $OUT/$v-r$r.log 2>&1
    PORT=$((PORT+50))
  done
done
echo DONE >> $OUT/spi.log
