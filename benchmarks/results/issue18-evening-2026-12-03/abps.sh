#!/bin/bash
for r in 1 2 3 4 5; do
  if [ $((r % 2)) = 1 ]; then o=("head:/work/jars/base.jar:" "new:/work/jars/new.jar:"); else o=("new:/work/jars/new.jar:" "head:/work/jars/base.jar:"); fi
  PORT=$((54000 + r*100)) /work/ingab2.sh /work/abps 1 camel "${o[@]}"
done
echo done > /work/abps/done
