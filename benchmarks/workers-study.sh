#!/usr/bin/env bash
# The workerThreads study: camel-iotmp with workerThreads = 0, the server's cores, twice its cores and 16 (the
# default), on the RPC and ingest scenarios, each with a route that does nothing, a route that burns CPU and a route
# that blocks. Results: benchmarks/results/workers/SCENARIO.{json,md}, charts: docs/performance/workers/.
#
#   benchmarks/workers-study.sh                    # 5 runs per system
#   RUNS=3 BUILD=0 benchmarks/workers-study.sh     # a shorter pass with the jar already built
#   SYSTEMS=camel-w16,camel-io,camel-io16 VARIANTS="rpc-park ingest-park" OUT=... CHARTS=... benchmarks/workers-study.sh
#                                                  # other systems (camel-ioN: workerThreads=0 with N I/O threads)
#                                                  # and only some of the five variants
#
# The server is pinned to SERVER_CPUS (default CPU 0), so "cores" is the number of CPUs in that list; the JVM sees
# the same number (availableProcessors honours the affinity mask). Route work: SPIN_NANOS of busy CPU per call or
# sample, PARK_NANOS of blocking wait (LockSupport.parkNanos, as for a database or a remote call).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
SERVER_CPUS=${SERVER_CPUS:-0}
LOAD_CPUS=${LOAD_CPUS:-1}
SPIN_NANOS=${SPIN_NANOS:-20000}
PARK_NANOS=${PARK_NANOS:-100000}
INGEST_PARK_NANOS=${INGEST_PARK_NANOS:-50000}
OUT=${OUT:-benchmarks/results/workers}
CHARTS=${CHARTS:-docs/performance/workers}
JAR=benchmarks/target/benchmarks.jar
if [ ! -f "$JAR" ] || [ "${BUILD:-1}" = 1 ]; then
  mvn -B -q -Pbenchmarks -pl benchmarks -am package -DskipTests
fi
ulimit -n 20000 2>/dev/null || true
cores=$(taskset -c "$SERVER_CPUS" nproc)
systems=${SYSTEMS:-"camel-w0,camel-w${cores},camel-w$((2 * cores)),camel-w16"}
VARIANTS=${VARIANTS:-"rpc rpc-spin rpc-park ingest ingest-park"}
bench() { taskset -c "$LOAD_CPUS" java -Xmx512m -cp "$JAR" io.cameliotmp.benchmarks.load.Bench \
            runs="$RUNS" serverCpus="$SERVER_CPUS" loadCpus="$LOAD_CPUS" systems="$systems" out="$OUT" \
            charts="$CHARTS" "$@"; }
echo "machine: $(nproc) CPUs, server cores $cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
rpc="scenario=rpc devices=100 rates=1000,5000 rateSeconds=5 rateWarmupSeconds=2"
ingest="scenario=ingest devices=100 slowSpinNanos=0 drainSeconds=10"
for variant in $VARIANTS; do
  case $variant in
    rpc) bench $rpc name=rpc basePort=41000 ;;
    rpc-spin) bench $rpc name=rpc-spin routeSpinNanos="$SPIN_NANOS" basePort=42000 ;;
    rpc-park) bench $rpc name=rpc-park routeParkNanos="$PARK_NANOS" serialWarmup=20000 serialCalls=20000 basePort=43000 ;;
    ingest) bench $ingest name=ingest basePort=44000 ;;
    ingest-park) bench $ingest name=ingest-park routeParkNanos="$INGEST_PARK_NANOS" basePort=45000 ;;
    *) echo "unknown variant $variant" >&2; exit 2 ;;
  esac
done
