#!/usr/bin/env bash
# The scripted soak of issue 12 (docs/reliability.md, "Soak"): starts the quickstart at -Xmx512m, measures an idle
# baseline, then runs each attack family alone and then all together while a good device logs in twice a second and
# a client calls the simulated device through the REST API; writes benchmarks/results/soak.{md,json}.
#
#   benchmarks/soak/run.sh                     # 60 s per phase (13 phases, about 17 minutes with the measurements)
#   PHASE_SECONDS=20 benchmarks/soak/run.sh    # a shorter pass
#   TRANSPORT=WEBSOCKET benchmarks/soak/run.sh # the quickstart on WebSocket, and the WebSocket families
#
# With TRANSPORT=WEBSOCKET the quickstart takes devices over WebSocket (path /iotmp) only; its simulated device
# speaks TCP, so it is switched off and the driver connects demo/sim-1 itself over WebSocket. The WebSocket families
# (ws-trickle, ws-partial-frames) log in as wsattack/<any device>; legacy-new-ids as legacyattack/<any device> over
# the legacy Thinger protocol, which the quickstart takes on every port (legacy-enabled).
#
# Everything binds to 127.0.0.0/8; the attack families use addresses of their own (127.0.0.2 and up), the good
# device 127.0.0.1. BUILD=0 skips building the quickstart and benchmark jars when they exist.
set -euo pipefail
cd "$(dirname "$0")/../.."
PHASE_SECONDS=${PHASE_SECONDS:-60}
IOTMP_PORT=${IOTMP_PORT:-25204}
HTTP_PORT=${HTTP_PORT:-8080}
MANAGEMENT_PORT=${MANAGEMENT_PORT:-9080}
TRANSPORT=${TRANSPORT:-TCP}
if [ "$TRANSPORT" = WEBSOCKET ]; then
  FAMILIES=${FAMILIES:-ws-trickle,ws-partial-frames}
  TRANSPORT_ARGS=(--camel.component.iotmp.transport=WEBSOCKET --quickstart.simulator.enabled=false)
  # the driver's own simulated device is the healthy one the REST client calls: wait for the API, not for it
  READY_URL=http://127.0.0.1:$MANAGEMENT_PORT/actuator/health
else
  FAMILIES=${FAMILIES:-huge-ids,bad-ka,partial-frames,after-login,stalled-frame,lockout,http,slow-headers,stream-hogs,upload-leavers,api-websockets,legacy-new-ids,legacy-after-login,legacy-partial}
  TRANSPORT_ARGS=()
  READY_URL=http://127.0.0.1:$HTTP_PORT/v3/users/demo/devices/sim-1/resources/temperature
fi
OUT=${OUT:-benchmarks/results}
QUICKSTART=examples/iotmp-quickstart/target/iotmp-quickstart.jar
BENCH=benchmarks/target/benchmarks.jar
if [ "${BUILD:-1}" = 1 ] || [ ! -f "$QUICKSTART" ] || [ ! -f "$BENCH" ]; then
  # Spring Boot does not repackage a jar whose own classes did not change: without this the jar would keep an older
  # camel-iotmp
  rm -f "$QUICKSTART"
  mvn -B -ntp -q -DskipTests package -pl examples/iotmp-quickstart -am
  mvn -B -ntp -q -Pbenchmarks -DskipTests package -pl benchmarks -am
fi
ulimit -n 20000 2>/dev/null || true
WORK=$(mktemp -d)
LOG=$WORK/quickstart.log
# the quickstart's own demo devices, plus the soak's attackers and a device that never answers (for the HTTP family)
CREDENTIALS='demo/device-1=secret-1,demo/device-2=secret-2,demo/device-3=secret-3,demo/sim-1=${quickstart.simulator.credential},demo/attacker-1=attack-1,demo/attacker-2=attack-2,demo/mute-1=mute-1,demo/attacker-3=attack-3,wsattack/*=attack-ws,legacyattack/*=attack-legacy'
# no connection rate per address: each family attacks from its address at full speed, what the server holds then
# is what is measured
java -Xmx512m -XX:MaxDirectMemorySize=256m -jar "$QUICKSTART" \
  --server.port="$HTTP_PORT" --management.server.port="$MANAGEMENT_PORT" \
  --camel.component.iotmp.port="$IOTMP_PORT" \
  --camel.component.iotmp.legacy-port=0 --camel.component.iotmp.device-credentials="$CREDENTIALS" \
  --camel.component.iotmp.max-connections-per-second-per-address=0 \
  ${TRANSPORT_ARGS[@]+"${TRANSPORT_ARGS[@]}"} >"$LOG" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  if curl -sf -H "Authorization: Bearer ${API_TOKEN:-quickstart-demo-token}" \
      "$READY_URL" >/dev/null; then break; fi
  sleep 1
done
echo "machine: $(nproc) CPUs, $(free -g | awk '/Mem:/{print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1)"
echo "quickstart pid $SERVER, log $LOG"
# the good device logs in twice a second: its INFO lines would bury the phases' results
java -Xmx1g -Dorg.slf4j.simpleLogger.log.io.cameliotmp.device=warn -cp "$BENCH" io.cameliotmp.benchmarks.soak.Soak \
  pid="$SERVER" log="$LOG" iotmpPort="$IOTMP_PORT" \
  httpPort="$HTTP_PORT" managementPort="$MANAGEMENT_PORT" phaseSeconds="$PHASE_SECONDS" families="$FAMILIES" \
  transport="$TRANSPORT" \
  apiToken="${API_TOKEN:-quickstart-demo-token}" out="$OUT"
echo "server log: $(wc -c <"$LOG") bytes in $LOG"
