#!/usr/bin/env bash
# One hold of DEVICES (19,000) camel-iotmp devices per build, with a class histogram of the server 60 s into the hold (jcmd
# runs a full GC first). JARS names the builds (benchmarks.jar of each, as $JARS_DIR/<name>.jar).
# Compare two with: histdiff.py $OUT/histo-<a>.txt $OUT/histo-<b>.txt
ulimit -n 20000
out=${OUT:-/tmp/histo}; jars=${JARS_DIR:-/work/jars}; mkdir -p "$out"
port=28000
for l in ${JARS:-base head}; do
  port=$((port+50))
  taskset -c 1 java -Xmx1g -cp "$jars/$l.jar" io.cameliotmp.benchmarks.load.Bench runs=1 serverCpus=0 loadCpus=1 \
     systems=camel basePort=$port scenario=hold devices=${DEVICES:-19000} holdSeconds=90 out="$out/$l" charts="$out/$l/charts" \
     > "$out/$l.log" 2>&1 &
  bench=$!
  sleep 60 # the devices connect in about 5 s; the histogram is taken well inside the 90 s hold
  jcmd "$(pgrep -f ServerMain | head -1)" GC.class_histogram > "$out/histo-$l${DEVICES:+-$DEVICES}.txt" 2>&1
  wait $bench
done
