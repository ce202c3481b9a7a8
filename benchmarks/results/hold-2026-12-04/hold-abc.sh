#!/usr/bin/env bash
# Hold and dead peers with three builds side by side: base (ba9a2c7, before issue 18's work), head (3a539ee) and
# new3 (head with the smaller idle connection), the order rotating from round to round. Each invocation runs
# camel-iotmp and raw Netty (the control). holdSeconds=60: the heap per device is read after a full GC at the end.
set -u
ulimit -n 20000
out=${OUT:-/tmp/hold-abc}
jars=${JARS_DIR:-/work/jars}
mkdir -p "$out"
port=30000
run() { # label scenario args...
    local label=$1 sc=$2; shift 2
    port=$((port + 50))
    local dir="$out/$sc-$label-$(date +%H%M%S)"
    mkdir -p "$dir"
    echo "$(date -u +%T) start $sc $label load=$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$out/log"
    taskset -c 1 java -Xmx1g -cp "$jars/$label.jar" io.cameliotmp.benchmarks.load.Bench runs=1 serverCpus=0 \
        loadCpus=1 systems=camel,raw basePort=$port scenario=$sc out="$dir" charts="$dir/charts" "$@" \
        > "$dir/bench.log" 2>&1
    echo "$(date -u +%T) end $sc $label rc=$?" | tee -a "$out/log"
}
orders=("base head new3" "head new3 base" "new3 base head")
for round in ${ROUNDS:-1 2 3}; do
    order=${orders[$(( (round - 1) % 3 ))]}
    for l in $order; do run $l deadpeers devices=1000 ka=2; done
    for l in $order; do run $l hold devices=19000 holdSeconds=60; done
done
