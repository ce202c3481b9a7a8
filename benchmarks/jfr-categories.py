#!/usr/bin/env python3
"""Shares of JFR CPU samples by what the code does (first matching frame from the top of each stack), for the
ingest profiles of docs/performance.md: jfr print --events jdk.ExecutionSample rec.jfr > s.txt; jfr-categories.py s.txt"""
import collections
import re
import sys

cats=[('epoll (pause/resume syscalls)',r'epollCtl|setAutoRead'),
 ('flow control',r'FlowControl\.'),
 ('waking a thread / task queues',r'LinkedBlockingQueue|offerTask|SingleThreadEventExecutor\.execute|LockSupport|Unsafe\.unpark'),
 ('completions',r'CompletableFuture'),
 ('inbox hop',r'ConnectionPump\.(run|dispatch)|ConcurrentLinkedQueue'),
 ('decoding',r'PsonV2|IotmpFrames|WireReader|FrameCodec|IotmpFrameCodec|ByteBufUtil'),
 ('batcher',r'SampleBatcher|IotmpDeviceStreamConsumer'),
 ('Camel',r'org\.apache\.camel'),
 ('stream delivery (server)',r'ServerOpenedStreams|SharedResourceStream|DeviceConnection|LongAdder'),
 ('Netty pipeline and reads',r'io\.netty'),
]
t=open(sys.argv[1]).read().split('jdk.ExecutionSample')[1:]
c=collections.Counter(); n=0
for e in t:
    fr=re.findall(r'^\s+([\w$.<>/]+)\(', e, re.M)
    if not fr: continue
    n+=1
    for f in fr:
        hit=None
        for name,p in cats:
            if re.search(p,f): hit=name;break
        if hit: c[hit]+=1;break
    else: c['other']+=1
for k,v in c.most_common(): print(f'{v*100/n:5.1f}% {k}')
print('samples',n)
