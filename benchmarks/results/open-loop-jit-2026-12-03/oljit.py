import sys,re
p=sys.argv[1]; s=open(p).read()
s=s.replace("""        Recorder recorder = new Recorder(3);
        AtomicLong errors = new AtomicLong();
        AtomicLong completed = new AtomicLong();
        long[] issued = runOpenLoop(caller, devices, rate, seconds, recorder, errors, completed, drainSeconds);
        Histogram h = recorder.getIntervalHistogram();""","""        Recorder recorder = new Recorder(3);
        AtomicLong errors = new AtomicLong();
        AtomicLong completed = new AtomicLong();
        long jit0 = jitMs(), gc0 = gcMs();
        long[] issued = runOpenLoop(caller, devices, rate, seconds, recorder, errors, completed, drainSeconds);
        long jit1 = jitMs(), gc1 = gcMs();
        Histogram h = recorder.getIntervalHistogram();""")
s=s.replace("""        m.put("maxScheduleLagMicros", issued[2] / 1000);
        return m;
    }
""","""        m.put("maxScheduleLagMicros", issued[2] / 1000);
        m.put("jitMillis", jit1 - jit0);
        m.put("gcMillis", gc1 - gc0);
        return m;
    }

    private static long jitMs() {
        return java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    private static long gcMs() {
        long t = 0;
        for (var b : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            t += b.getCollectionTime();
        }
        return t;
    }
""",1)
open(p,'w').write(s)
