#!/usr/bin/env bash
# Starts three quickstart nodes as one cluster and HAProxy in front of their IOTMP ports, then asks every node's device
# API for the simulated device, which connected through the proxy to whichever node HAProxy chose. Stop with Ctrl-C.
# Run after building the quickstart (see README.md), from the repository root or anywhere else.
set -euo pipefail
# the paths below are the repository root's: from the example's directory, the nodes found no jar
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

#
# The ports are the README's unless set in the environment (the example's test runs it on free ones):
# HTTP_PORTS, MANAGEMENT_PORTS (each node's actuator, on 127.0.0.1), IOTMP_PORTS and CLUSTER_PORTS (three each, nodes
# 1 to 3) and PROXY_PORT. ONCE=1 stops everything after
# the answers instead of waiting; JAVA_OPTS goes to each node's JVM.

JAR=examples/iotmp-quickstart/target/iotmp-quickstart.jar
HERE=examples/iotmp-cluster
LOGS=${LOGS:-target/iotmp-cluster}
read -r -a HTTP <<< "${HTTP_PORTS:-8081 8082 8083}"
read -r -a MANAGEMENT <<< "${MANAGEMENT_PORTS:-9081 9082 9083}"
read -r -a IOTMP <<< "${IOTMP_PORTS:-25301 25302 25303}"
read -r -a CLUSTER <<< "${CLUSTER_PORTS:-7801 7802 7803}"
PROXY=${PROXY_PORT:-25204}
MEMBERS=127.0.0.1:${CLUSTER[0]},127.0.0.1:${CLUSTER[1]},127.0.0.1:${CLUSTER[2]}
mkdir -p "$LOGS"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

for n in 1 2 3; do
  i=$((n - 1))
  # only node 1 runs the simulated device, and it connects through the proxy like any other device: with
  # proxy-protocol=true a node's IOTMP port takes only connections that start with the proxy's PROXY header
  if [ "$n" = 1 ]; then simulator="--quickstart.simulator.port=$PROXY"; else simulator="--quickstart.simulator.enabled=false"; fi
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  java ${JAVA_OPTS:-} -jar "$JAR" \
    --server.port="${HTTP[$i]}" \
    --management.server.port="${MANAGEMENT[$i]}" \
    --camel.component.iotmp.port="${IOTMP[$i]}" \
    --camel.component.iotmp.legacy-port=-1 \
    --camel.component.iotmp.proxy-protocol=true \
    --camel.component.iotmp.cluster.enabled=true \
    --camel.component.iotmp.cluster.name=quickstart \
    --camel.component.iotmp.cluster.member-name=node-$n \
    --camel.component.iotmp.cluster.port="${CLUSTER[$i]}" \
    --camel.component.iotmp.cluster.members=$MEMBERS \
    $simulator > "$LOGS/node-$n.log" 2>&1 &
  pids+=($!)
done

# the example's haproxy.cfg, with the ports of this run (the README's unless set)
sed -e "s/127\.0\.0\.1:25204/127.0.0.1:$PROXY/" -e "s/127\.0\.0\.1:25301/127.0.0.1:${IOTMP[0]}/" \
    -e "s/127\.0\.0\.1:25302/127.0.0.1:${IOTMP[1]}/" -e "s/127\.0\.0\.1:25303/127.0.0.1:${IOTMP[2]}/" \
    -e "s/check port 9081 /check port ${MANAGEMENT[0]} /" -e "s/check port 9082 /check port ${MANAGEMENT[1]} /" \
    -e "s/check port 9083 /check port ${MANAGEMENT[2]} /" \
    "$HERE/haproxy.cfg" > "$LOGS/haproxy.cfg"
haproxy -f "$LOGS/haproxy.cfg" -db > "$LOGS/haproxy.log" 2>&1 &
pids+=($!)
names=(node-1 node-2 node-3 haproxy)

# a node or the proxy that ended (one of its ports taken, say) ends the script with the end of its log; the waits
# below would otherwise go on for ever, silent
alive() {
  for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[$i]}" 2> /dev/null; then
      echo "${names[$i]} ended; the end of $LOGS/${names[$i]}.log:" >&2
      tail -n 20 "$LOGS/${names[$i]}.log" >&2
      exit 1
    fi
  done
}

for port in "${MANAGEMENT[@]}"; do
  until curl -sf "http://127.0.0.1:$port/actuator/health" > /dev/null; do alive; sleep 1; done
done
echo "three nodes up; the simulated device connects through 127.0.0.1:$PROXY"
AUTH="Authorization: Bearer quickstart-demo-token"   # the quickstart's demo token (its README)
until curl -sf -H "$AUTH" "http://127.0.0.1:${HTTP[0]}/v3/users/demo/devices/sim-1" | grep -q '"connected":true'; do
  alive
  sleep 1
done

for n in 1 2 3; do
  port=${HTTP[$((n - 1))]}
  echo "node-$n: $(curl -s -H "$AUTH" "http://127.0.0.1:$port/v3/users/demo/devices/sim-1")"
  echo "node-$n: $(curl -s -H "$AUTH" "http://127.0.0.1:$port/v3/users/demo/devices/sim-1/resources/temperature")"
done
if [ -n "${ONCE:-}" ]; then
  exit 0
fi
echo "logs in $LOGS; Ctrl-C stops the nodes and the proxy"
wait
