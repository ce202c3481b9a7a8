#!/usr/bin/env bash
# Starts three quickstart nodes as one cluster and HAProxy in front of their IOTMP ports, then asks every node's device
# API for the simulated device, which connected through the proxy to whichever node HAProxy chose. Stop with Ctrl-C.
# Run from the repository root after building the quickstart (see README.md).
set -euo pipefail

JAR=examples/iotmp-quickstart/target/iotmp-quickstart.jar
HERE=examples/iotmp-cluster
LOGS=${LOGS:-target/iotmp-cluster}
MEMBERS=127.0.0.1:7801,127.0.0.1:7802,127.0.0.1:7803
mkdir -p "$LOGS"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

for n in 1 2 3; do
  # only node 1 runs the simulated device, and it connects through the proxy like any other device
  if [ "$n" = 1 ]; then simulator="--quickstart.simulator.port=25204"; else simulator="--quickstart.simulator.enabled=false"; fi
  java -jar "$JAR" \
    --server.port=808$n \
    --camel.component.iotmp.port=2530$n \
    --camel.component.iotmp.legacy-port=-1 \
    --camel.component.iotmp.cluster.enabled=true \
    --camel.component.iotmp.cluster.name=quickstart \
    --camel.component.iotmp.cluster.member-name=node-$n \
    --camel.component.iotmp.cluster.port=780$n \
    --camel.component.iotmp.cluster.members=$MEMBERS \
    $simulator > "$LOGS/node-$n.log" 2>&1 &
  pids+=($!)
done

haproxy -f "$HERE/haproxy.cfg" -db > "$LOGS/haproxy.log" 2>&1 &
pids+=($!)

for n in 1 2 3; do
  until curl -sf "http://127.0.0.1:808$n/actuator/health" > /dev/null; do sleep 1; done
done
echo "three nodes up; the simulated device connects through 127.0.0.1:25204"
AUTH="Authorization: Bearer quickstart-demo-token"   # the quickstart's demo token (its README)
until curl -sf -H "$AUTH" "http://127.0.0.1:8081/v3/users/demo/devices/sim-1" | grep -q '"connected":true'; do sleep 1; done

for n in 1 2 3; do
  echo "node-$n: $(curl -s -H "$AUTH" "http://127.0.0.1:808$n/v3/users/demo/devices/sim-1")"
  echo "node-$n: $(curl -s -H "$AUTH" "http://127.0.0.1:808$n/v3/users/demo/devices/sim-1/resources/temperature")"
done
echo "logs in $LOGS; Ctrl-C stops the nodes and the proxy"
wait
