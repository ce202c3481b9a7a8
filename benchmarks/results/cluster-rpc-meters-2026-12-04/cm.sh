#!/bin/bash
# cross-node vs local serial RPC, with and without a hiccup meter on each CPU (keeps the vCPUs from halting > 1 ms)
J=${JAR:-benchmarks/target/benchmarks.jar}   # the jar of 40c0536
for pass in 1 2; do
  for mode in plain meters meters plain; do
    if [ $mode = meters ]; then
      taskset -c 0 java -Xmx16m -XX:+UseSerialGC -cp $J io.cameliotmp.benchmarks.load.HiccupMeter 3000 alone > m0-$pass-$mode.log &
      A=$!
      taskset -c 1 java -Xmx16m -XX:+UseSerialGC -cp $J io.cameliotmp.benchmarks.load.HiccupMeter 3000 alone > m1-$pass-$mode.log &
      B=$!
      sleep 2
    fi
    echo "== pass $pass $mode $(date -u +%T)" >> cm.log
    java -Xmx256m -cp $J io.cameliotmp.benchmarks.load.ClusterRpcBench runs=5 warmup=2000 count=10000 2>&1 | grep -v "^\[" | tail -15 >> cm.log
    if [ $mode = meters ]; then kill -TERM $A $B; wait $A $B; fi
  done
done
echo done >> cm.log
