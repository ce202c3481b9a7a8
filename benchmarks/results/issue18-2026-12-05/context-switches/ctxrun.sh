#!/bin/bash
# one Bench run of SYSTEM with a 20 s 10,000/s window, the server's threads' context switches sampled every second
OUT=$1; PORT=$2; SYS=$3; J=$4
mkdir -p $OUT
"$(dirname "$0")"/ctxsample.sh $OUT/$SYS-ctx.txt &
SP=$!
taskset -c 1 java -Xmx512m -cp $J io.cameliotmp.benchmarks.load.Bench runs=1 serverCpus=0 loadCpus=1 basePort=$PORT systems=$SYS scenario=rpc devices=100 serialWarmup=50000 serialCalls=50000 rates=10000 rateSeconds=20 rateJitQuietMillis=20 rateSettleHeap=true rateWarmupBurst=8 out=$OUT/$SYS charts=$OUT/$SYS/charts > $OUT/$SYS.log 2>&1
kill $SP
