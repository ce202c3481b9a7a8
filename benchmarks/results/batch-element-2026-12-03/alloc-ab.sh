#!/bin/bash
OUT=/work/tmp/alloc-ab; mkdir -p $OUT
export SECS=30 WIN=18
for r in 1 2 3 4; do
  if [ $((r % 2)) = 1 ]; then order="b:/work/jars/h1.jar: a:/work/jars/h3.jar:"; else order="a:/work/jars/h3.jar: b:/work/jars/h1.jar:"; fi
  PORT=$((55000 + r*100)) /work/ingab2.sh $OUT 1 camel-batch $order
  PORT=$((55050 + r*100)) /work/ingab2.sh $OUT 1 raw-decode r:/work/jars/h3.jar:
  echo "round $r done $(date -u +%H:%M:%S)" >> $OUT/rounds.txt
done
