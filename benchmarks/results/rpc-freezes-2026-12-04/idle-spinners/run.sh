#!/bin/bash
# usage: run.sh OUT PORT SYSTEMS RUNS
OUT=$1; PORT=$2; SYS=$3; RUNS=$4
mkdir -p $OUT
J=/work/jars/stall.jar
taskset -c 0 java -Xmx16m -XX:+UseSerialGC -cp $J io.cameliotmp.benchmarks.load.HiccupMeter 3000 > $OUT/hiccup-cpu0.log &
H0=$!
taskset -c 1 java -Xmx16m -XX:+UseSerialGC -cp $J io.cameliotmp.benchmarks.load.HiccupMeter 3000 > $OUT/hiccup-cpu1.log &
H1=$!
ulimit -n 20000
# burn: gcc -O0 -o burn burn.c
chrt -i 0 taskset -c 0 ./burn & S0=$!
chrt -i 0 taskset -c 1 ./burn & S1=$!
taskset -c 1 java -Xmx512m -cp $J io.cameliotmp.benchmarks.load.Bench runs=$RUNS serverCpus=0 loadCpus=1 basePort=$PORT systems=$SYS scenario=rpc devices=100 serialWarmup=50000 serialCalls=150000 rates=10000 rateJitQuietMillis=20 rateSettleHeap=true rateWarmupBurst=8 out=$OUT charts=$OUT/charts > $OUT/bench.log 2>&1
kill $S0 $S1; kill -TERM $H0 $H1; wait $H0 $H1
