#!/bin/bash
# every second: for the benchmark's server JVM, per thread: name, voluntary and involuntary context switches, CPU ticks
OUT=$1
while true; do
  pid=$(pgrep -f 'load.ServerMain' | head -1)
  if [ -n "$pid" ]; then
    ts=$(date +%s.%N); echo "START $pid $(cut -d" " -f22 /proc/$pid/stat) $(awk "/^btime/{print \$2}" /proc/stat)"
    for t in /proc/$pid/task/*; do
      n=$(cat $t/comm 2>/dev/null); v=$(awk '/^voluntary_ctxt/{print $2}' $t/status 2>/dev/null); nv=$(awk '/^nonvoluntary_ctxt/{print $2}' $t/status 2>/dev/null)
      st=$(cut -d' ' -f14,15 $t/stat 2>/dev/null)
      echo "$ts $pid ${t##*/} $v $nv $st $n"
    done
  fi
  sleep 1
done > $OUT
