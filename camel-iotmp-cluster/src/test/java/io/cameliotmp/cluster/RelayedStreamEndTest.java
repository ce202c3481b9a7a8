package io.cameliotmp.cluster;

import java.util.List;
import java.util.Set;
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
 * The listener of a stream opened through another member hears of its end once: either that it ended (the holder
 * relayed the end) or that it was lost (the holder left), never both. A holder that stops sends the end of its
 * streams and leaves the view at about the same time; before, the calling member could tell the listener it was
 * lost and then that it ended (or the other way round). The end is relayed here from within the listener's
 * {@code onStreamLost}, the moment that went wrong.
 */
class RelayedStreamEndTest {

    /** The first stream a member opens through another has relay id 1. */
    private static final long FIRST_RELAY = 1;

    private final ClusterNodes nodes = new ClusterNodes();

    @AfterEach
    void close() {
        nodes.close();
    }

    @Test
    void aStreamLostWhileItsEndIsRelayedIsToldOnce() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer caller = members.get(0);
        IotmpServer holder = members.get(1);
        nodes.device(holder, "sensor");
        DeviceId sensor = new DeviceId("alice", "sensor");
        InfinispanCluster calling = ClusterNodes.cluster(caller);
        List<String> told = new CopyOnWriteArrayList<>();
        CompletableFuture<Integer> opened = new CompletableFuture<>();
        StreamListener listener = new StreamListener() {
            @Override
            public java.util.concurrent.CompletionStage<Void> onSample(StreamSample sample) {
                opened.complete(sample.streamId());
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void onStreamLost(DeviceRegistration registration, String resource, int streamId,
                                     String reason) {
                told.add("lost");
                // the holder's end of the stream arrives right now
                calling.calls().relayed(new ClusterTasks.Relay(FIRST_RELAY, streamId, null, 0, "stopped", false));
            }

            @Override
            public void onStreamEnded(DeviceRegistration registration, String resource, int streamId,
                                      String reason) {
                told.add("ended");
            }
        };
        caller.send(sensor, DeviceRequest.startStream("echo", 0, listener), null).get(60, TimeUnit.SECONDS);
        assertThat(opened).succeedsWithin(60, TimeUnit.SECONDS);
        eventually().until(() -> ClusterNodes.cluster(holder).node() != null);

        calling.calls().memberLeft(Set.of(ClusterNodes.cluster(holder).node()), "cluster member left");

        assertThat(told).containsExactly("lost");
    }
}
