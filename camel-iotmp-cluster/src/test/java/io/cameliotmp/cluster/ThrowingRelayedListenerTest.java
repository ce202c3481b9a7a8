package io.cameliotmp.cluster;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceRegistration;
import io.cameliotmp.server.DeviceReply;
import io.cameliotmp.server.DeviceRequest;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.StreamListener;
import io.cameliotmp.server.StreamSample;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.cluster.ClusterNodes.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A listener of a stream opened through another member that throws is treated as a local stream's is: logged, the
 * sample done and the stream going on. Before, a throw on a sample went back to the holder, which stopped the
 * stream; and a throw on hearing that a stream was lost, as the member left, stopped the leaving halfway: the other
 * listeners never heard of their streams, and the member stayed in the cluster.
 */
class ThrowingRelayedListenerTest {

    private final ClusterNodes nodes = new ClusterNodes();

    @AfterEach
    void close() {
        nodes.close();
    }

    @Test
    void aRelayedStreamGoesOnAfterItsListenerThrewOnASample() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer caller = members.get(0);
        IotmpServer holder = members.get(1);
        IotmpDevice device = nodes.device(holder, "sensor");
        DeviceId sensor = new DeviceId("alice", "sensor");
        Recording listener = new Recording(true, false);
        DeviceReply opened = caller.send(sensor, DeviceRequest.startStream("echo", 0, listener), null)
                .get(60, TimeUnit.SECONDS);
        // the device's own sample right after its OK is the one the listener throws on
        eventually().until(() -> listener.samples.size() == 1
                                 && holder.registry().session(sensor).orElseThrow().counters().inFlight() == 0);

        eventually().until(() -> {
            device.stream("echo", "second");
            return listener.samples.contains("second");
        });
        assertThat(holder.registry().session(sensor).orElseThrow().inspect().get(30, TimeUnit.SECONDS).streams())
                .extracting(s -> s.streamId()).containsExactly(opened.streamId());
    }

    @Test
    void aMemberLeavesAndTellsEveryListenerThoughOneThrows() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer caller = members.get(0);
        IotmpServer holder = members.get(1);
        nodes.device(holder, "sensor");
        DeviceId sensor = new DeviceId("alice", "sensor");
        // relay ids 1 and 2: the member's map of relays tells the throwing one first
        Recording throwing = new Recording(false, true);
        Recording told = new Recording(false, false);
        caller.send(sensor, DeviceRequest.startStream("echo", 0, throwing), null).get(60, TimeUnit.SECONDS);
        caller.send(sensor, DeviceRequest.startStream("echo", 0, told), null).get(60, TimeUnit.SECONDS);
        eventually().until(() -> throwing.samples.size() == 1 && told.samples.size() == 1);
        InfinispanCluster calling = ClusterNodes.cluster(caller);

        calling.leave();

        assertThat(throwing.lost).isCompleted();
        assertThat(told.lost).isCompleted();
        assertThat(calling.members()).isEmpty();
        eventually().until(() -> ClusterNodes.cluster(holder).members().size() == 1);
    }

    /** Keeps the samples' payloads; throws on the first sample, or on hearing the stream was lost, if told to. */
    private static final class Recording implements StreamListener {
        final List<Object> samples = new CopyOnWriteArrayList<>();
        final CompletableFuture<String> lost = new CompletableFuture<>();
        private final boolean throwOnFirstSample;
        private final boolean throwWhenLost;

        Recording(boolean throwOnFirstSample, boolean throwWhenLost) {
            this.throwOnFirstSample = throwOnFirstSample;
            this.throwWhenLost = throwWhenLost;
        }

        @Override
        public CompletionStage<Void> onSample(StreamSample sample) {
            samples.add(String.valueOf(sample.payload()));
            if (throwOnFirstSample && samples.size() == 1) {
                throw new IllegalStateException("listener fails on the first sample");
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onStreamLost(DeviceRegistration registration, String resource, int streamId, String reason) {
            lost.complete(reason);
            if (throwWhenLost) {
                throw new IllegalStateException("listener fails on a lost stream");
            }
        }
    }
}
