#!/usr/bin/env bash
# Runs every load scenario of docs/performance.md ("Load benchmarks") against camel-iotmp, the raw Netty baseline
# and the MQTT and CoAP peers, and writes results (JSON + Markdown tables) to benchmarks/results/ and charts to
# docs/performance/.  Everything binds to 127.0.0.0/8 only, and every process stops by itself.
#
#   benchmarks/run-all.sh                 # the reported configuration: 5 runs per scenario, 5-minute hold
#   RUNS=1 HOLD_SECONDS=30 benchmarks/run-all.sh    # a quick pass
#   SCENARIOS=cluster benchmarks/run-all.sh         # cross-node against local RPC (not in the default set)
#   SCENARIOS=clusterkill benchmarks/run-all.sh     # a member of three killed at 5,000 calls/s (needs haproxy)
#   SCENARIOS=clusterhold benchmarks/run-all.sh     # 3 x 19,000 devices held for HOLD_SECONDS
#
# The workerThreads study (camel-iotmp only, several worker counts) is benchmarks/workers-study.sh.
#
# Cores: the server under test is pinned to CPU 0, the load generator to CPU 1 (SERVER_CPUS / LOAD_CPUS); the
# orchestrator (this JVM) mostly sleeps, on CPU 1.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
HOLD_SECONDS=${HOLD_SECONDS:-300}
SERVER_CPUS=${SERVER_CPUS:-0}
LOAD_CPUS=${LOAD_CPUS:-1}
SCENARIOS=${SCENARIOS:-"deadpeers rpc ingest hold"}
JAR=benchmarks/target/benchmarks.jar
if [ ! -f "$JAR" ] || [ "${BUILD:-1}" = 1 ]; then
  mvn -B -q -Pbenchmarks -pl benchmarks -am package -DskipTests
fi
ulimit -n 20000 2>/dev/null || true
bench() { taskset -c "$LOAD_CPUS" java -Xmx512m -cp "$JAR" io.cameliotmp.benchmarks.load.Bench \
            runs="$RUNS" serverCpus="$SERVER_CPUS" loadCpus="$LOAD_CPUS" "$@"; }
echo "machine: $(nproc) CPUs, $(free -g | awk '/Mem:/{print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg)"
for s in $SCENARIOS; do
  case $s in
    hold)      bench scenario=hold devices=19000 holdSeconds="$HOLD_SECONDS" ;;
    rpc)       bench scenario=rpc devices=100 rates=1000,5000,10000,20000 ;;
    ingest)    bench scenario=ingest devices=100 ;;
    deadpeers) bench scenario=deadpeers devices=1000 ka=2 ;;
    # two cluster members in their own JVMs: serial calls from the device's member and from the other one
    cluster)   java -Xmx256m -cp "$JAR" io.cameliotmp.benchmarks.load.ClusterRpcBench runs="$RUNS" warmup=2000 \
                 count=10000 ;;
    # three members behind HAProxy, open-loop calls from two, the third killed (SIGKILL) after 10 s
    clusterkill) java -Xmx1g -cp "$JAR" io.cameliotmp.benchmarks.load.ClusterKillBench devices=300 rate=5000 \
                 seconds=30 killAfter=10 backoffMillis=1000 ;;
    # three members, one load-generator JVM of 19,000 devices each (a process may open 20,000 files)
    clusterhold) java -Xmx256m -cp "$JAR" io.cameliotmp.benchmarks.load.ClusterHoldBench members=3 \
                 devicesPerMember=19000 holdSeconds="$HOLD_SECONDS" ;;
  esac
done
