#!/bin/bash
OUT=/work/olab; mkdir -p $OUT; PORT=61000
for r in 1 2 3 4; do
  if [ $((r % 2)) = 0 ]; then order="false true"; else order="true false"; fi
  for s in $order; do
    echo "$(date -u +%T) load $(cut -d' ' -f1 /proc/loadavg) settle=$s r$r" >> $OUT/order.txt
    taskset -c 1 java -Xmx512m -cp /work/jars/head2.jar io.cameliotmp.benchmarks.load.Bench runs=1 serverCpus=0 loadCpus=1 \
      basePort=$PORT systems=camel,raw devices=100 scenario=rpc serialWarmup=50000 serialCalls=150000 rates=1000,10000 \
      rateJitQuietMillis=20 rateSettleHeap=$s out=$OUT/settle-$s-r$r charts=$OUT/settle-$s-r$r/charts >> $OUT/settle-$s.log 2>&1
    PORT=$((PORT+20))
  done
done
echo done >> $OUT/order.txt
