package io.cameliotmp.testing;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test when Netty reports a leaked reference-counted object (a {@code ByteBuf} not released) during it.
 * <p>
 * Registered for every test of the module through {@code META-INF/services/org.junit.jupiter.api.extension.Extension}
 * and {@code junit.jupiter.extensions.autodetection.enabled=true} in {@code junit-platform.properties}. Loading the
 * class installs a {@link ResourceLeakDetectorFactory} whose detectors record every report in {@link #RECORDER}. Netty
 * creates the {@code ByteBuf} detector once, when {@code AbstractByteBuf} is initialised, so the factory must be in
 * place before any test touches a buffer; {@link #beforeAll} checks that it is and refuses to run otherwise, so leak
 * detection cannot be silently off.
 * <p>
 * Netty notices a leak only when the garbage collector has cleared the buffer and a later allocation polls its
 * reference queue. After each test the extension therefore runs a GC, waits until the GC has processed references
 * (a sentinel weak reference gets enqueued, no fixed sleep) and allocates a few buffers; it skips this when no
 * tracked object was created since its last check, as nothing can have leaked then. The surefire configuration
 * sets the level to PARANOID (every buffer tracked); without that system property the extension sets it itself.
 * <p>
 * Limits: a leak whose buffer survives the GC after its own test is blamed on a later test (the report shows where the
 * buffer was created and accessed, which points at the real culprit); Netty reports an identical leak record only
 * once per JVM.
 */
public final class NettyLeakDetectorExtension implements BeforeAllCallback, AfterEachCallback {

    /** Leaks reported by Netty and not yet attributed to a test. */
    public static final LeakRecorder RECORDER = new LeakRecorder();

    /** Upper bound for one GC to process references; normally it takes milliseconds. */
    private static final long GC_WAIT_MILLIS = 2_000;

    private static final int CHURN_ALLOCATIONS = 8;

    private static volatile boolean verified;

    /** {@link LeakRecorder#trackedObjects()} after the last GC and churn, including the churn's own buffers. */
    private static long trackedAtLastCheck = -1;

    static {
        if (System.getProperty("io.netty.leakDetection.level") == null
            && System.getProperty("io.netty.leakDetectionLevel") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        }
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory(RECORDER));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!verified) {
            Object detector = byteBufLeakDetector();
            if (!(detector instanceof RecordingDetector)) {
                throw new ExtensionConfigurationException("Netty's ByteBuf leak detector is " + detector
                        + ", not the recording one: a buffer was allocated before " + getClass().getSimpleName()
                        + " was loaded, so leaks would go unnoticed. Is extension autodetection enabled?");
            }
            verified = true;
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        long tracked = RECORDER.trackedObjects();
        // a GC costs tens of milliseconds: skip it when no leak-tracked object was created since the last check
        if (tracked != trackedAtLastCheck) {
            provokeLeakReports();
            trackedAtLastCheck = RECORDER.trackedObjects();
        }
        failIfAny(RECORDER.claim());
    }

    /** Throws an {@link AssertionError} describing the leaks, if there are any. */
    public static void failIfAny(List<LeakRecorder.Leak> leaks) {
        if (leaks.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder("Netty reported ").append(leaks.size())
                .append(" leaked resource(s) during this test:");
        for (LeakRecorder.Leak leak : leaks) {
            message.append("\n\nLEAK of a ").append(leak.resourceType()).append(':')
                    .append(leak.records().isEmpty() ? " (no access records)" : leak.records());
        }
        throw new AssertionError(message.toString());
    }

    /**
     * Lets Netty report buffers that became garbage without being released: a GC, then allocations, because a
     * detector only polls its reference queue when it tracks a new object. Twice: the references one GC clears are
     * enqueued in no particular order, so the sentinel of the first GC may come before a leaked buffer's; the second
     * sentinel is enqueued only after everything the first GC cleared (a leak was otherwise blamed on the next test).
     */
    public static void provokeLeakReports() {
        for (int round = 0; round < 2; round++) {
            awaitGarbageCollection();
            for (int i = 0; i < CHURN_ALLOCATIONS; i++) {
                PooledByteBufAllocator.DEFAULT.heapBuffer(16).release();
                PooledByteBufAllocator.DEFAULT.directBuffer(16).release();
            }
        }
    }

    /**
     * Runs a full GC and returns once it has processed weak references (a sentinel has been enqueued), so objects that
     * were garbage before the call are in their reference queues. Bounded by {@value #GC_WAIT_MILLIS} ms.
     */
    public static void awaitGarbageCollection() {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
        System.gc();
        try {
            queue.remove(GC_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Reference.reachabilityFence(sentinel);
    }

    /** The detector every {@code ByteBuf} of this JVM is tracked by. */
    static Object byteBufLeakDetector() {
        try {
            Field field = Class.forName("io.netty.buffer.AbstractByteBuf").getDeclaredField("leakDetector");
            field.setAccessible(true);
            return field.get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExtensionConfigurationException("cannot inspect Netty's ByteBuf leak detector", e);
        }
    }

    /** Collects leak reports from any number of detectors; thread-safe, as Netty reports on allocating threads. */
    public static final class LeakRecorder {

        /** One report: the leaked object's type and Netty's access records (empty when it had none). */
        public record Leak(String resourceType, String records) {
        }

        private final List<Leak> unclaimed = new ArrayList<>();
        private final AtomicLong trackedObjects = new AtomicLong();

        /** How many objects detectors reporting here have started to track. */
        public long trackedObjects() {
            return trackedObjects.get();
        }

        synchronized void record(Leak leak) {
            unclaimed.add(leak);
        }

        /** Returns the leaks recorded since the last call and forgets them. */
        public synchronized List<Leak> claim() {
            List<Leak> leaks = List.copyOf(unclaimed);
            unclaimed.clear();
            return leaks;
        }
    }

    /** A detector that hands every report to a {@link LeakRecorder}, optionally still logging it as Netty does. */
    public static final class RecordingDetector<T> extends ResourceLeakDetector<T> {

        private final LeakRecorder recorder;
        private final boolean log;

        public RecordingDetector(Class<?> resourceType, int samplingInterval, LeakRecorder recorder, boolean log) {
            super(resourceType, samplingInterval);
            this.recorder = recorder;
            this.log = log;
        }

        /** Called by Netty once for every object it starts to track; counted so idle tests can skip the GC. */
        @Override
        protected Object getInitialHint(String resourceType) {
            recorder.trackedObjects.incrementAndGet();
            return super.getInitialHint(resourceType);
        }

        /** Report even when Netty's logger is not at error level; the recorder is what fails the test. */
        @Override
        protected boolean needReport() {
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            recorder.record(new LeakRecorder.Leak(resourceType, records));
            if (log) {
                super.reportTracedLeak(resourceType, records);
            }
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            recorder.record(new LeakRecorder.Leak(resourceType, ""));
            if (log) {
                super.reportUntracedLeak(resourceType);
            }
        }
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {

        private final LeakRecorder recorder;

        RecordingFactory(LeakRecorder recorder) {
            this.recorder = recorder;
        }

        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
            return new RecordingDetector<>(resource, samplingInterval, recorder, true);
        }

        @Override
        @SuppressWarnings("deprecation")
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                   long maxActive) {
            return newResourceLeakDetector(resource, samplingInterval);
        }
    }
}
