package io.cameliotmp.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.embedded.EmbeddedChannel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What counting one batched sample in flight costs the I/O thread (docs/performance.md, "The flow control's lock off
 * the batched path"): with the lock per sample ({@code delivered}, the path before) and without it while the samples
 * fit below the bounds ({@code deliveredOnIoThread}). One invocation is a batch of {@value #BATCH} samples sharing
 * one stage, read {@value #READ} at a time, and completed at the end, as a batching consumer's are. In the server's
 * package, as the flow control is package-private.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar FlowControlBenchmark -f 3 -wi 5 -w 1s -i 5 -r 1s
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class FlowControlBenchmark {

    private static final int BATCH = 1000;
    /** Samples per read: the default {@code maxInFlight}, so a device streaming flat out pauses at every read. */
    private static final int READ = 64;

    private EmbeddedChannel channel;
    private FlowControl flow;

    @Setup
    public void open() {
        channel = new EmbeddedChannel();
        // a bound no batch reaches: what is measured is the counting, not pausing and resuming
        flow = new FlowControl(channel, 1_000_000, Long.MAX_VALUE, BackpressurePolicy.PAUSE, new InFlightBytes());
    }

    @TearDown
    public void close() {
        channel.finishAndReleaseAll();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int lockPerSample() {
        CompletableFuture<Void> batch = new CompletableFuture<>();
        for (int i = 0; i < BATCH; i++) {
            flow.delivered(batch, 100);
            if (i % READ == READ - 1) {
                flow.framesArrived();
            }
        }
        batch.complete(null);
        return flow.inFlight();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int ioThreadWithoutLock() {
        CompletableFuture<Void> batch = new CompletableFuture<>();
        for (int i = 0; i < BATCH; i++) {
            flow.deliveredOnIoThread(batch, 100);
            if (i % READ == READ - 1) {
                flow.framesArrived();
            }
        }
        flow.framesArrived();
        batch.complete(null);
        return flow.inFlight();
    }
}
