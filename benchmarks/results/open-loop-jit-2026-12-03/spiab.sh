#!/bin/bash
# Alternating rounds of the jar before the cluster SPI and the jar with it (issue 13's single-node target).
#   set 3: spiab.sh /work/spiab3 59000 pre2 spi2
#   set 4: spiab.sh /work/spiab4 60000 pre3 spi3 rateJitQuietMillis=20
# (../cluster-absent-2026-12-03/spiab2.sh ran sets 1 and 2 the same way, jars pre and spi.)
OUT=$1; PORT=$2; PRE=$3; SPI=$4; EXTRA=$5; mkdir -p $OUT
for r in 1 2 3 4 5 6; do
  if [ $((r % 2)) = 0 ]; then order="$PRE $SPI"; else order="$SPI $PRE"; fi
  for l in $order; do
    echo "$(date -u +%T) load $(cut -d' ' -f1 /proc/loadavg) $l rpc" >> $OUT/order.txt
    taskset -c 1 java -Xmx512m -cp /work/jars/$l.jar io.cameliotmp.benchmarks.load.Bench runs=1 serverCpus=0 loadCpus=1 \
      basePort=$PORT systems=camel devices=100 scenario=rpc serialWarmup=50000 serialCalls=150000 rates=1000,10000 $EXTRA \
      out=$OUT/$l-rpc-r$r charts=$OUT/$l-rpc-r$r/charts >> $OUT/$l-rpc.log 2>&1
    PORT=$((PORT+20))
  done
done
echo done >> $OUT/order.txt
