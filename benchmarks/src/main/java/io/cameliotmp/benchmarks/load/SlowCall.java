package io.cameliotmp.benchmarks.load;

import jdk.jfr.Category;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * A serial RPC call slower than the threshold, as a JFR event: it carries the call's start and duration on JFR's own
 * clock, so {@link TailAnalysis} can line it up with what else the JVM did meanwhile (GC pauses, safepoints, JIT
 * compilations). Recorded only with {@code -Dbench.slowCalls=true} and a recording running; the thread is the one
 * that completed the call.
 */
@Name(SlowCall.NAME)
@Label("Slow serial RPC call")
@Category("Benchmark")
@StackTrace(false)
@Threshold("200 us")
final class SlowCall extends Event {

    static final String NAME = "iotmp.bench.SlowCall";
    static final boolean ENABLED = Boolean.getBoolean("bench.slowCalls");

    @Label("Device")
    int device;
}
