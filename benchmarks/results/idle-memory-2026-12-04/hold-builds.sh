#!/usr/bin/env bash
# Hold and dead peers with several builds side by side, the order rotating from round to round. BUILDS names them
# (benchmarks.jar of each, as $JARS_DIR/<name>.jar). Each invocation runs camel-iotmp and raw Netty (the control).
# The heap per device is read after a full GC at the end of the hold (HOLD_SECONDS, 60 by default). SYSTEMS (camel,raw)
# and SCENARIOS ("deadpeers hold") narrow a pass. Medians: ../hold-2026-12-04/holdsum.py OUT
set -u
ulimit -n 20000
out=${OUT:-/tmp/hold-builds}
jars=${JARS_DIR:-/work/jars}
read -r -a builds <<< "${BUILDS:-base head}"
mkdir -p "$out"
port=30000
run() { # label scenario args...
    local label=$1 sc=$2; shift 2
    port=$((port + 50))
    local dir="$out/$sc-$label-$(date +%H%M%S)"
    mkdir -p "$dir"
    echo "$(date -u +%T) start $sc $label load=$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$out/order.log"
    taskset -c 1 java -Xmx1g -cp "$jars/$label.jar" io.cameliotmp.benchmarks.load.Bench runs=1 serverCpus=0 \
        loadCpus=1 systems="${SYSTEMS:-camel,raw}" basePort=$port scenario=$sc out="$dir" charts="$dir/charts" "$@" \
        > "$dir/bench.log" 2>&1
    echo "$(date -u +%T) end $sc $label rc=$?" | tee -a "$out/order.log"
}
n=${#builds[@]}
for round in $(seq 1 "${ROUNDS:-3}"); do
    order=()
    for i in $(seq 0 $((n - 1))); do order+=("${builds[$(( (i + round - 1) % n ))]}"); done
    for sc in ${SCENARIOS:-deadpeers hold}; do
        for l in "${order[@]}"; do
            case $sc in
                deadpeers) run "$l" deadpeers devices=1000 ka=2 ;;
                hold) run "$l" hold devices=19000 holdSeconds="${HOLD_SECONDS:-60}" ;;
            esac
        done
    done
done
