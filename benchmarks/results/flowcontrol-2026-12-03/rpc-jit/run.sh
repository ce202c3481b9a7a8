#!/usr/bin/env bash
PORT=58000
for r in 1 2 3; do
  for v in default quiet; do
    extra=""; sys=camel,raw
    [ $v = quiet ] && extra="jitQuietMillis=1" && sys=camel
    echo "load $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%T)" >> $v.log
    taskset -c 1 java -Xmx512m -cp /work/jars/s6.jar io.cameliotmp.benchmarks.load.Bench runs=1 serverCpus=0 loadCpus=1 basePort=$PORT \
      scenario=rpc devices=100 serialWarmup=50000 serialCalls=150000 rates=1000 rateSeconds=5 systems=$sys $extra \
      out=/work/tmp/jit/$v-run$r charts=/work/tmp/jit/$v-run$r/charts >> $v.log 2>&1
    PORT=$((PORT+20))
  done
done
