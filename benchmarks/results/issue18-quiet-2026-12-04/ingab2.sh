#!/usr/bin/env bash
# usage: ingab2.sh OUT RUNS SYSTEMS "label:jar:extra args" ...
OUT=$1; RUNS=$2; SYS=$3; shift 3
mkdir -p $OUT; PORT=${PORT:-53000}
for r in $(seq 1 $RUNS); do for spec in "$@"; do
  n=${spec%%:*}; rest=${spec#*:}; j=${rest%%:*}; extra=${rest#*:}
  echo "load $(cut -d' ' -f1-3 /proc/loadavg)" >> $OUT/$n.log
  taskset -c 1 java -Xmx512m -cp $j io.cameliotmp.benchmarks.load.Bench runs=1 serverCpus=0 loadCpus=1 basePort=$PORT \
    scenario=ingest devices=100 systems=$SYS slowSpinNanos=0 ingestSeconds=${SECS:-40} windowSeconds=${WIN:-25} $extra \
    out=$OUT/$n-run$r charts=$OUT/$n-run$r/charts >> $OUT/$n.log 2>&1
  PORT=$((PORT+10))
  grep -h ' run 1: ' $OUT/$n.log | tail -$(echo $SYS | tr ',' '\n' | wc -l) | sed -E "s/.*\] ([a-z-]+) run 1: .*fast.rate=([0-9.]+).*fast.allocPerSample=([0-9.]+).*fast.cpuPerSample=([0-9.]+).*/$n r$r \1 rate=\2 alloc=\3 cpu=\4/" >> $OUT/summary.txt
done; done
