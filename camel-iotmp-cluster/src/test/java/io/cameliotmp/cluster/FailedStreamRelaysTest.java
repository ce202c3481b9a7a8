package io.cameliotmp.cluster;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

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
 * A stream sample the holder could not relay back to the member that opened the stream stops the stream at the
 * device, whether the relay failed or its sending threw (Infinispan's executor throws when the cache manager stops,
 * for a member of an earlier version): before, a throw ended the chain of the stream's relays for good, so its later
 * samples and its end were skipped silently and the device went on streaming into nothing. Either way the relay
 * counts in the holder's {@code failedRelays()}, where a failed relay was only logged at DEBUG before.
 */
class FailedStreamRelaysTest {

    private final ClusterNodes nodes = new ClusterNodes();

    @AfterEach
    void close() {
        nodes.close();
    }

    @Test
    void aRelayWhoseSendingThrowsStopsTheStreamAndItsEndIsStillRelayed() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer caller = members.get(0);
        IotmpServer holder = members.get(1);
        InfinispanCluster holding = ClusterNodes.cluster(holder);
        AtomicBoolean thrown = new AtomicBoolean();
        holding.calls().relayTransports(origin -> new RelayTransport(holding, origin) {
            @Override
            CompletableFuture<Boolean> send(ClusterTasks.Relay relay) {
                if (thrown.compareAndSet(false, true)) {
                    throw new IllegalStateException("the cache manager is stopping");
                }
                return super.send(relay);
            }
        });
        nodes.device(holder, "sensor");
        DeviceId sensor = new DeviceId("alice", "sensor");
        Heard listener = new Heard();

        caller.send(sensor, DeviceRequest.startStream("echo", 0, listener), null).get(60, TimeUnit.SECONDS);

        // the device's one sample right after its OK could not be relayed: the stream is stopped at the device
        eventually().until(() -> thrown.get() && openStreams(holder, sensor) == 0);
        // and its end still reaches the member that opened it
        assertThat(listener.ended).succeedsWithin(60, TimeUnit.SECONDS).isEqualTo("echo");
        assertThat(listener.samples).isEmpty();
        assertThat(holding.failedRelays()).isEqualTo(1);
    }

    @Test
    void aRelayThatFailsStopsTheStreamAndIsCounted() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer caller = members.get(0);
        IotmpServer holder = members.get(1);
        InfinispanCluster holding = ClusterNodes.cluster(holder);
        AtomicBoolean failed = new AtomicBoolean();
        holding.calls().relayTransports(origin -> new RelayTransport(holding, origin) {
            @Override
            CompletableFuture<Boolean> send(ClusterTasks.Relay relay) {
                if (failed.compareAndSet(false, true)) {
                    // what the call channel fails with when the member is suspected gone
                    return CompletableFuture.failedFuture(new org.jgroups.SuspectedException("gone"));
                }
                return super.send(relay);
            }
        });
        nodes.device(holder, "sensor");
        DeviceId sensor = new DeviceId("alice", "sensor");
        Heard listener = new Heard();

        caller.send(sensor, DeviceRequest.startStream("echo", 0, listener), null).get(60, TimeUnit.SECONDS);

        eventually().until(() -> failed.get() && openStreams(holder, sensor) == 0);
        assertThat(listener.ended).succeedsWithin(60, TimeUnit.SECONDS).isEqualTo("echo");
        // counted apart from the relays refused by a bound
        assertThat(holding.failedRelays()).isEqualTo(1);
        assertThat(holding.droppedRelays()).isZero();
    }

    private static int openStreams(IotmpServer server, DeviceId device) throws Exception {
        return server.registry().session(device).orElseThrow().inspect().get(30, TimeUnit.SECONDS).streams().size();
    }

    /** Takes the samples; completes {@link #ended} with the resource of a stream it hears ended. */
    private static final class Heard implements StreamListener {
        final List<Object> samples = new CopyOnWriteArrayList<>();
        final CompletableFuture<String> ended = new CompletableFuture<>();

        @Override
        public java.util.concurrent.CompletionStage<Void> onSample(StreamSample sample) {
            samples.add(String.valueOf(sample.payload()));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onStreamEnded(DeviceRegistration registration, String resource, int streamId, String reason) {
            ended.complete(resource);
        }
    }
}
