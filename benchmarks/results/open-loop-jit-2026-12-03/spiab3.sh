#!/bin/bash
OUT=/work/spiab3; mkdir -p $OUT; PORT=59000
for r in 1 2 3 4 5 6; do
  if [ $((r % 2)) = 0 ]; then order="pre2 spi2"; else order="spi2 pre2"; fi
  for l in $order; do
    echo "$(date -u +%T) load $(cut -d' ' -f1 /proc/loadavg) $l rpc" >> $OUT/order.txt
    taskset -c 1 java -Xmx512m -cp /work/jars/$l.jar io.cameliotmp.benchmarks.load.Bench runs=1 serverCpus=0 loadCpus=1 \
      basePort=$PORT systems=camel devices=100 scenario=rpc serialWarmup=50000 serialCalls=150000 rates=1000,10000 \
      out=$OUT/$l-rpc-r$r charts=$OUT/$l-rpc-r$r/charts >> $OUT/$l-rpc.log 2>&1
    PORT=$((PORT+20))
  done
done
echo done >> $OUT/order.txt
