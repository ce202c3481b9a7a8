#!/bin/bash
# tri.sh of issue18-2026-12-05 (camel-iotmp default workers, workerThreads=0, raw Netty; order rotating), with a
# SpeedProbe on the server's CPU 0 under SCHED_IDLE (it runs only when the CPU would be idle, and is timed in its
# own CPU time) logging how fast that CPU is, to tell a slow run of the code from a run on a slow CPU
OUT=$1; PORT=$2; ROUNDS=$3; J=$4
mkdir -p "$OUT"
taskset -c 0 chrt -i 0 java -Xmx32m -cp "$J" io.cameliotmp.benchmarks.load.SpeedProbe 250 400 > "$OUT/probe.txt" &
PROBE=$!
bash "$(dirname "$0")/../issue18-2026-12-05/tri.sh" "$OUT" "$PORT" "$ROUNDS" "$J"
kill $PROBE
