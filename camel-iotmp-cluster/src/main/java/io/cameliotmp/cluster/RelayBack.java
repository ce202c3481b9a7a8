package io.cameliotmp.cluster;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.cameliotmp.server.DeviceRegistration;
import io.cameliotmp.server.DeviceRequest;
import io.cameliotmp.server.LocalDevices;
import io.cameliotmp.server.StreamListener;
import io.cameliotmp.server.StreamSample;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener of a stream opened on a device here for another member ({@link ForwardedCalls}, which keeps it by that
 * member until the stream ends): relays in order, one at a time.
 */
final class RelayBack implements StreamListener {

    /** ForwardedCalls' category, where these relays were logged before they had a class of their own. */
    private static final Logger LOG = LoggerFactory.getLogger(ForwardedCalls.class);
    private static final CompletionStage<Void> HANDLED = CompletableFuture.completedFuture(null);

    private final ForwardedCalls calls;
    private final InfinispanCluster cluster;
    private final UUID origin;
    private final long relay;
    private final DeviceRegistration registration;
    private final RelayTransport transport;
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    /** The stream's id once the device opened it, 0 before (and for good if it did not). Guarded by this. */
    private int streamId;
    /** The member that opened the stream left. Guarded by this. */
    private boolean originGone;
    /** The stream ended, or was stopped here. Guarded by this. */
    private boolean done;

    RelayBack(ForwardedCalls calls, InfinispanCluster cluster, RelayTransport transport, UUID origin, long relay,
              DeviceRegistration registration) {
        this.calls = calls;
        this.cluster = cluster;
        this.origin = origin;
        this.relay = relay;
        this.registration = registration;
        this.transport = transport;
    }

    /** The device answered the START_STREAM: with the stream's id, or 0 when it failed. */
    void opened(int id) {
        boolean stop;
        synchronized (this) {
            if (streamId == 0) {
                streamId = id;
            }
            if (id == 0) {
                done = true;
            }
            stop = id != 0 && originGone && !done;
            done |= stop;
        }
        if (id == 0) {
            forget();
        } else if (stop) {
            stopOrphan(id);
        } else if (cluster.address(origin) == null) {
            // the member left before this stream was registered where its leaving would find it
            originLeft();
        }
    }

    /**
     * The member that opened the stream left, or this one is leaving: the stream ends here, now or once the device
     * opened it, and its end is not relayed. The opener learns of it as a member gone (the stream lost, its device
     * disconnected), not as a stream the server stopped, however fast the end would reach it.
     */
    void originLeft() {
        int stop;
        synchronized (this) {
            originGone = true;
            if (done || streamId == 0) {
                return;
            }
            done = true;
            stop = streamId;
        }
        stopOrphan(stop);
    }

    private void stopOrphan(int id) {
        forget();
        calls.servedStreamOfMemberThatLeftEnded();
        LocalDevices local = cluster.local();
        if (local != null) {
            local.sendLocal(registration, new DeviceRequest.StopStream(id), null);
        }
    }

    private void ended() {
        synchronized (this) {
            done = true;
        }
        forget();
    }

    private void forget() {
        calls.forget(origin, this);
    }

    @Override
    public synchronized CompletionStage<Void> onSample(StreamSample sample) {
        if (originGone) {
            return HANDLED; // stopped here already
        }
        ClusterTasks.Relay task = new ClusterTasks.Relay(relay, sample.streamId(), sample.payload(),
                sample.receivedAtMillis(), null, false);
        tail = tail.thenCompose(previous -> send(task, sample.streamId()));
        return tail;
    }

    @Override
    public synchronized void onStreamEnded(DeviceRegistration ended, String resource, int streamId,
                                           String reason) {
        relayEnd(streamId, reason, false);
    }

    /** Sent as a failure under the stream's id, which the calling member reads as the connection lost. */
    @Override
    public synchronized void onStreamLost(DeviceRegistration lost, String resource, int streamId,
                                          String reason) {
        relayEnd(streamId, reason, true);
    }

    private void relayEnd(int streamId, String reason, boolean failed) {
        if (!originGone) {
            ClusterTasks.Relay task = new ClusterTasks.Relay(relay, streamId, null, 0, String.valueOf(reason),
                    failed);
            tail = tail.thenCompose(previous -> send(task, streamId));
        }
        ended();
    }

    @Override
    public synchronized void onStreamFailed(DeviceRegistration failed, String resource, Throwable cause) {
        ClusterTasks.Relay task = new ClusterTasks.Relay(relay, 0, null, 0, String.valueOf(cause.getMessage()),
                true);
        tail = tail.thenCompose(previous -> send(task, 0));
        ended();
    }

    /**
     * Completes once the calling member is done with the sample (its listener finished it); stops the stream if
     * that member no longer wants it, left, or could not be reached.
     */
    private CompletableFuture<Void> send(ClusterTasks.Relay task, int streamId) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (cluster.address(origin) == null) {
            calls.streamRelayFailed();
            stop(task, streamId);
            done.complete(null);
            return done;
        }
        CompletableFuture<Boolean> sent;
        try {
            sent = transport.send(task);
        } catch (RuntimeException e) {
            // thrown rather than failed (the cache manager stopping under a task's submission, say): failed all
            // the same, and the stream's next samples and its end still go; before, it failed the chain for good,
            // skipping all of them silently while the device went on streaming
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((wanted, failure) -> {
            if (failure != null) {
                calls.streamRelayFailed();
            }
            if (failure != null || !Boolean.TRUE.equals(wanted)) {
                LOG.debug("Relay to cluster member {} not taken", origin, failure);
                stop(task, streamId);
            }
            done.complete(null);
        });
        return done;
    }

    private void stop(ClusterTasks.Relay task, int streamId) {
        LocalDevices local = cluster.local();
        if (task.ended() == null && streamId != 0 && local != null) {
            local.sendLocal(registration, new DeviceRequest.StopStream(streamId), null);
        }
    }
}
