package io.cameliotmp.testing;

import java.util.List;

import io.cameliotmp.testing.NettyLeakDetectorExtension.LeakRecorder;
import io.cameliotmp.testing.NettyLeakDetectorExtension.RecordingDetector;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakTracker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/** Shows that {@link NettyLeakDetectorExtension} notices leaks, without leaking in a test of the real suite. */
class NettyLeakDetectorExtensionTest {

    @Test
    void aBufferLeakedInsideAHelperIsRecordedWithItsCreationSite() {
        LeakRecorder recorder = new LeakRecorder();
        RecordingDetector<ByteBuf> detector = new RecordingDetector<>(ByteBuf.class, 1, recorder, false);

        leakOneTrackedBuffer(detector);
        NettyLeakDetectorExtension.awaitGarbageCollection();
        // a detector looks at its reference queue only when it starts tracking something else
        ByteBuf probe = Unpooled.buffer(1);
        ResourceLeakTracker<ByteBuf> tracker = detector.track(probe);
        assertThat(tracker).isNotNull();
        assertThat(tracker.close(probe)).isTrue();

        assertThat(recorder.trackedObjects()).isEqualTo(2);
        List<LeakRecorder.Leak> leaks = recorder.claim();
        assertThat(leaks).hasSize(1);
        assertThat(leaks.get(0).resourceType()).isEqualTo("ByteBuf");
        assertThat(leaks.get(0).records()).contains("leakOneTrackedBuffer");
        assertThat(recorder.claim()).as("claimed leaks are forgotten").isEmpty();
    }

    /** Tracks a buffer and drops it without closing the tracker: exactly what a missing release() looks like. */
    private static void leakOneTrackedBuffer(RecordingDetector<ByteBuf> detector) {
        ByteBuf buf = Unpooled.buffer(8);
        assertThat(detector.track(buf)).isNotNull();
    }

    @Test
    void recordedLeaksFailTheTest() {
        assertThatCode(() -> NettyLeakDetectorExtension.failIfAny(List.of())).doesNotThrowAnyException();
        LeakRecorder.Leak leak = new LeakRecorder.Leak("ByteBuf", "\nCreated at:\n\tsome.Class.method(Class.java:1)");
        assertThatThrownBy(() -> NettyLeakDetectorExtension.failIfAny(List.of(leak)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 leaked resource")
                .hasMessageContaining("some.Class.method");
    }

    @Test
    void everyByteBufOfTheJvmIsTrackedByTheRecordingDetector() {
        assertThat(NettyLeakDetectorExtension.byteBufLeakDetector()).isInstanceOf(RecordingDetector.class);
    }

    /**
     * Runs {@link LeakyFixture} in a nested JUnit launcher: the extension must fail its test. The fixture's failure is
     * claimed by the fixture's own after-each, so this test stays green.
     */
    @Test
    void aTestThatLeaksAPooledBufferFails() {
        LeakyFixture.running = true;
        try {
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass(LeakyFixture.class))
                    .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                    .build();
            SummaryGeneratingListener listener = new SummaryGeneratingListener();
            LauncherFactory.create().execute(request, listener);
            TestExecutionSummary summary = listener.getSummary();

            assertThat(summary.getTestsStartedCount()).isEqualTo(1);
            assertThat(summary.getTestsFailedCount()).isEqualTo(1);
            assertThat(summary.getFailures().get(0).getException())
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("leaked resource")
                    .hasMessageContaining("leakOnePooledBuffer");
        } finally {
            LeakyFixture.running = false;
        }
    }

    /** Only runs inside {@link #aTestThatLeaksAPooledBufferFails} (surefire skips nested classes anyway). */
    static class LeakyFixture {

        static volatile boolean running;

        static boolean running() {
            return running;
        }

        @Test
        @EnabledIf("running")
        void leaks() {
            leakOnePooledBuffer();
        }

        private static void leakOnePooledBuffer() {
            PooledByteBufAllocator.DEFAULT.directBuffer(8).writeLong(42);
        }
    }
}
