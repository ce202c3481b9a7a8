#!/usr/bin/env bash
# Serial and open-loop RPC of the camel system, before (c12d5eb6) and after (058792a7) the session's handlers next to
# the socket, interleaved. Jars built with: mvn -B -ntp -o -q -Pbenchmarks -pl benchmarks -am package -DskipTests
# in a checkout of each commit, copied to /work/jars/.
set -euo pipefail
OUT=${OUT:-benchmarks/results/edge-handlers-2026-12-07}
PASSES=${PASSES:-4}
for i in $(seq "${FIRST:-1}" "$PASSES"); do
  if (( i % 2 )); then order="before after"; else order="after before"; fi
  for side in $order; do
    jar=$(ls /work/jars/${side}-*.jar)
    taskset -c 1 java -cp "$jar" io.cameliotmp.benchmarks.load.Bench scenario=rpc systems=camel devices=100 \
      rates=1000,10000 runs=1 charts=/tmp/edge-charts basePort=$((30000 + i * 200 + ${#side} * 10)) \
      out="$OUT/$side-$i" > "$OUT/$side-$i.log" 2>&1
  done
done
