#!/usr/bin/env bash
# Before/after pass of issue 18 (docs/performance.md, "Ingest on the I/O thread"): the ingest scenario with the
# product before and after a change, and the rpc scenario, interleaved run by run so that the machine's drift hits
# both sides alike. Each invocation is one run of its systems; the load average is logged before each.
#
#   BEFORE_JAR=/path/to/benchmarks-before.jar AFTER_JAR=benchmarks/target/benchmarks.jar \
#     OUT=benchmarks/results/issue18-io RUNS=5 benchmarks/issue18-pass.sh
#   python3 benchmarks/issue18-medians.py benchmarks/results/issue18-io
#
# BEFORE_JAR and AFTER_JAR are benchmark jars built (mvn -B -Pbenchmarks -pl benchmarks -am package -DskipTests) at
# the two commits; SCENARIOS picks "ingest", "rpc" or both (rpc runs the after jar only unless RPC_BEFORE=1).
# BEFORE_INGEST_SYSTEMS sets the before side's systems when its jar lacks some (default: INGEST_SYSTEMS);
# INGEST_ARGS adds arguments to every ingest run, e.g. "ingestSeconds=40 windowSeconds=25" for a steady state past
# the JIT's warm-up (12 s and 8 s by default).
# SERIAL_WARMUP sets the rpc scenario's serial warm-up calls (50000 by default).
# RPC_ARGS adds arguments to every rpc run, e.g. "jitQuietMillis=20" to go on warming up until the JIT is quiet.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
OUT=${OUT:-benchmarks/results/issue18-io}
SCENARIOS=${SCENARIOS:-"ingest rpc"}
INGEST_SYSTEMS=${INGEST_SYSTEMS:-camel,camel-batch,raw-decode}
BEFORE_INGEST_SYSTEMS=${BEFORE_INGEST_SYSTEMS:-$INGEST_SYSTEMS}
INGEST_ARGS=${INGEST_ARGS:-}
RPC_SYSTEMS=${RPC_SYSTEMS:-camel,raw}
RPC_ARGS=${RPC_ARGS:-}
PORT=${BASE_PORT:-53000}
mkdir -p "$OUT"
ulimit -n 20000 2>/dev/null || true
bench() { # jar log args...
  local jar=$1 log=$2
  shift 2
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M:%S)" >> "$log"
  taskset -c 1 java -Xmx512m -cp "$jar" io.cameliotmp.benchmarks.load.Bench runs=1 serverCpus=0 loadCpus=1 \
    basePort="$PORT" "$@" >> "$log" 2>&1
  PORT=$((PORT + 20))
}
for r in $(seq 1 "$RUNS"); do
  for s in $SCENARIOS; do
    case $s in
      ingest)
        for side in before after; do
          jar=$BEFORE_JAR systems=$BEFORE_INGEST_SYSTEMS
          [ "$side" = after ] && jar=$AFTER_JAR systems=$INGEST_SYSTEMS
          # shellcheck disable=SC2086 # INGEST_ARGS is a list of arguments
          bench "$jar" "$OUT/ingest-$side.txt" scenario=ingest devices=100 systems="$systems" slowSpinNanos=0 $INGEST_ARGS \
            out="$OUT/ingest-$side-run$r" charts="$OUT/ingest-$side-run$r/charts"
        done ;;
      rpc)
        sides=after; [ "${RPC_BEFORE:-0}" = 1 ] && sides="before after"
        for side in $sides; do
          jar=$BEFORE_JAR; [ "$side" = after ] && jar=$AFTER_JAR
          # shellcheck disable=SC2086 # RPC_ARGS is a list of arguments
          bench "$jar" "$OUT/rpc-$side.txt" scenario=rpc devices=100 serialWarmup=${SERIAL_WARMUP:-50000} serialCalls=150000 \
            rates=1000,10000 systems="$RPC_SYSTEMS" $RPC_ARGS out="$OUT/rpc-$side-run$r" charts="$OUT/rpc-$side-run$r/charts"
        done ;;
    esac
  done
done
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M:%S)" >> "$OUT/ingest-after.txt"
