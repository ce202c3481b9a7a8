#!/bin/bash
# The experiments of meter-first/, perf-sched/ and idle-spinners/: camel-iotmp at 10,000/s after the burst warm-up,
# with a standalone HiccupMeter pinned to each CPU, and optionally perf sched or a SCHED_IDLE busy loop per CPU.
# usage: run.sh plain|perf|spinners OUT PORT SYSTEMS RUNS   (JAR: the benchmarks jar; spinners: gcc -O0 -o burn burn.c)
MODE=$1; OUT=$2; PORT=$3; SYS=$4; RUNS=$5
J=${JAR:-benchmarks/target/benchmarks.jar}
mkdir -p $OUT
taskset -c 0 java -Xmx16m -XX:+UseSerialGC -cp $J io.cameliotmp.benchmarks.load.HiccupMeter 3000 alone > $OUT/hiccup-cpu0.log &
H0=$!
taskset -c 1 java -Xmx16m -XX:+UseSerialGC -cp $J io.cameliotmp.benchmarks.load.HiccupMeter 3000 alone > $OUT/hiccup-cpu1.log &
H1=$!
ulimit -n 20000
EXTRA=()
case $MODE in
  perf) perf sched record -a -o $OUT/perf.data > $OUT/perf.log 2>&1 & EXTRA+=($!) ;;
  spinners) for c in 0 1; do chrt -i 0 taskset -c $c "$(dirname "$0")/idle-spinners/burn" & EXTRA+=($!); done ;;
esac
taskset -c 1 java -Xmx512m -cp $J io.cameliotmp.benchmarks.load.Bench runs=$RUNS serverCpus=0 loadCpus=1 \
  basePort=$PORT systems=$SYS scenario=rpc devices=100 serialWarmup=50000 serialCalls=150000 rates=10000 \
  rateJitQuietMillis=20 rateSettleHeap=true rateWarmupBurst=8 out=$OUT charts=$OUT/charts > $OUT/bench.log 2>&1
[ ${#EXTRA[@]} -gt 0 ] && kill -INT "${EXTRA[@]}"
kill -TERM $H0 $H1; wait
