#!/bin/bash
# Single-node numbers with and without the cluster SPI: jars at 8aac900^ (pre) and 8aac900 (spi), camel only,
# rpc and ingest, five rounds, the order alternating from round to round.
OUT=${OUT:-/work/spiab}; mkdir -p $OUT; PORT=57000
run() { # label scenario args...
  local l=$1 s=$2; shift 2
  echo "$(date -u +%T) load $(cut -d' ' -f1 /proc/loadavg) $l $s" >> $OUT/order.txt
  taskset -c 1 java -Xmx512m -cp /work/jars/$l.jar io.cameliotmp.benchmarks.load.Bench runs=1 serverCpus=0 loadCpus=1 \
    basePort=$PORT systems=camel devices=100 scenario=$s "$@" out=$OUT/$l-$s-r$r charts=$OUT/$l-$s-r$r/charts >> $OUT/$l-$s.log 2>&1
  PORT=$((PORT+20))
}
for r in 1 2 3 4 5; do
  if [ $((r % 2)) = 1 ]; then order="pre spi"; else order="spi pre"; fi
  for l in $order; do run $l rpc serialWarmup=50000 serialCalls=150000 rates=1000,10000; done
  for l in $order; do run $l ingest slowSpinNanos=0 ingestSeconds=40 windowSeconds=25; done
done
echo done >> $OUT/order.txt
