#!/bin/bash
# serial p99.9 against the timer wheel's tick: camel with tick 10 ms and 100 ms, raw as control
OUT=$1; PORT=$2; ROUNDS=${3:-4}
J=/work/jars/tick.jar
mkdir -p $OUT
for r in $(seq 1 $ROUNDS); do
  for v in t10 t100 raw; do
    case $v in
      t10) sys=camel; jvm="serverJvm=-Diotmp.tick=10";;
      t100) sys=camel; jvm="serverJvm=-Diotmp.tick=100";;
      raw) sys=raw; jvm="serverJvm=-Dx=1";;
    esac
    echo "== round $r $v $(date -u +%T) load $(cut -d' ' -f1 /proc/loadavg)" >> $OUT/ab.log
    taskset -c 1 java -Xmx512m -cp $J io.cameliotmp.benchmarks.load.Bench runs=1 serverCpus=0 loadCpus=1 basePort=$PORT systems=$sys scenario=rpc devices=100 serialWarmup=50000 serialCalls=150000 rates=1000 rateSeconds=2 rateWarmupSeconds=1 "$jvm" out=$OUT/$v-r$r charts=$OUT/$v-r$r/charts > $OUT/$v-r$r.log 2>&1
    grep -E "serial (p50|p99|p99.9) |serial: server process CPU" $OUT/$v-r$r.log | sed "s/^/$v r$r /" >> $OUT/ab.log
    PORT=$((PORT+50))
  done
done
echo DONE >> $OUT/ab.log
