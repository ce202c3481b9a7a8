package io.cameliotmp.cluster;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceRegistration;
import io.cameliotmp.server.DeviceRequest;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.StreamListener;
import io.cameliotmp.server.StreamSample;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.cluster.ClusterNodes.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A member that leaves the cluster (while its server goes on) ends the relayed streams it has a part in: those it
 * serves on its devices for other members, and those it opened on devices of other members. It sees no view change
 * of its own: before, a stream it served stayed open on a device that sent nothing on it, holding one of the
 * device's pending requests, and the listener of a stream it had opened elsewhere never heard of it again.
 */
class LeavingMemberStreamsTest {

    private final ClusterNodes nodes = new ClusterNodes();

    @AfterEach
    void close() {
        nodes.close();
    }

    @Test
    void aHolderThatLeavesEndsTheStreamsItServesForOtherMembersThoughTheDeviceSendsNothing() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer caller = members.get(0);
        IotmpServer holder = members.get(1);
        DeviceId sensor = silentStreamThrough(caller, holder, new Lost());

        ClusterNodes.cluster(holder).leave();

        eventually().until(() -> openStreams(holder, sensor) == 0);
        assertThat(holder.registry().session(sensor).orElseThrow().inspect().get(30, TimeUnit.SECONDS)
                .pendingRequests()).isZero();
    }

    @Test
    void aCallerThatLeavesTellsTheListenersOfTheStreamsItOpenedElsewhereTheyWereLost() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer caller = members.get(0);
        IotmpServer holder = members.get(1);
        Lost listener = new Lost();
        silentStreamThrough(caller, holder, listener);

        ClusterNodes.cluster(caller).leave();

        assertThat(listener.lost).succeedsWithin(60, TimeUnit.SECONDS).isEqualTo("echo");
    }

    /** Opens a stream through {@code caller} on a device of {@code holder}, once it is silent. */
    private DeviceId silentStreamThrough(IotmpServer caller, IotmpServer holder, Lost listener) throws Exception {
        nodes.device(holder, "sensor");
        DeviceId sensor = new DeviceId("alice", "sensor");
        caller.send(sensor, DeviceRequest.startStream("echo", 0, listener), null).get(60, TimeUnit.SECONDS);
        // the device's one sample right after its OK has been relayed and acknowledged: the stream is silent now
        eventually().until(() -> !listener.samples.isEmpty()
                                 && holder.registry().session(sensor).orElseThrow().counters().samplesIn() == 1
                                 && holder.registry().session(sensor).orElseThrow().counters().inFlight() == 0);
        assertThat(openStreams(holder, sensor)).isEqualTo(1);
        return sensor;
    }

    private static int openStreams(IotmpServer server, DeviceId device) throws Exception {
        return server.registry().session(device).orElseThrow().inspect().get(30, TimeUnit.SECONDS).streams().size();
    }

    /** Takes the samples; completes {@link #lost} with the resource of a stream it hears was lost. */
    private static final class Lost implements StreamListener {
        final List<Object> samples = new CopyOnWriteArrayList<>();
        final CompletableFuture<String> lost = new CompletableFuture<>();

        @Override
        public java.util.concurrent.CompletionStage<Void> onSample(StreamSample sample) {
            samples.add(String.valueOf(sample.payload()));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onStreamLost(DeviceRegistration registration, String resource, int streamId, String reason) {
            lost.complete(resource);
        }
    }
}
