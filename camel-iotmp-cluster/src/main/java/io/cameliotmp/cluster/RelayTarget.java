package io.cameliotmp.cluster;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.cameliotmp.server.DeviceRegistration;
import io.cameliotmp.server.IotmpRequestException;
import io.cameliotmp.server.StreamListener;
import io.cameliotmp.server.StreamSample;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the calling member, the listener of a stream opened on a device held by another member, with what its samples
 * and end need (see {@link ForwardedCalls}). The listener is called only through here, and a listener that throws
 * is logged, as the server logs a local stream's: a sample it threw on is done, and the stream goes on. Before, the
 * exception went back to the holder, which read the sample as unwanted and stopped the stream, where a local stream
 * goes on; and one thrown from {@code onStreamLost} when a member left ended the telling there, so that the other
 * listeners of that member's streams never heard of them again, and a member leaving the cluster stopped halfway,
 * its cache manager still in the view.
 * <p>
 * The listener is called on a thread of this member's server kept for the stream ({@code LocalDevices#streamThread},
 * a worker), never on the cluster's: a route that blocks on a relayed sample holds up that worker, as a local
 * device's route holds up its connection's. Before, it was called on the thread of Infinispan's blocking pool that
 * ran the relay, held until the route was done, and relayed streams into slow routes took that whole pool.
 */
final class RelayTarget {

    private static final Logger LOG = LoggerFactory.getLogger(RelayTarget.class);
    private static final CompletionStage<Void> HANDLED = CompletableFuture.completedFuture(null);
    private final StreamListener listener;
    private final DeviceRegistration registration;
    private final String resource;
    private final UUID holder;
    /** Runs the listener: one thread, so the stream's samples and end reach it in order. */
    private final Executor thread;
    private volatile int streamId;

    RelayTarget(StreamListener listener, DeviceRegistration registration, String resource, UUID holder,
                Executor thread) {
        this.listener = listener;
        this.registration = registration;
        this.resource = resource;
        this.holder = holder;
        this.thread = thread;
    }

    /**
     * Runs {@code work} (which tells the listener something) on the stream's thread; the stage completes once the
     * stage {@code work} returns does, or {@code capMillis} after {@code work} returned it, whichever comes first.
     * A server whose threads are gone (it stops) takes nothing more: the stage completes at once.
     */
    CompletableFuture<Void> onThread(Supplier<CompletionStage<Void>> work, long capMillis) {
        CompletableFuture<Void> handled = new CompletableFuture<>();
        try {
            thread.execute(() -> {
                CompletionStage<Void> done;
                try {
                    done = work.get();
                } catch (RuntimeException e) {
                    LOG.warn("Stream listener of {} on {} failed", registration.deviceId(), resource, e);
                    done = HANDLED;
                }
                done.whenComplete((ignored, failure) -> handled.complete(null));
                handled.completeOnTimeout(null, capMillis, TimeUnit.MILLISECONDS);
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("Relayed stream of {} on {} dropped: this member's server stops", registration.deviceId(),
                    resource);
            handled.complete(null);
        }
        return handled;
    }

    UUID holder() {
        return holder;
    }

    int streamId() {
        return streamId;
    }

    /** The stream's id, once its OK or its first sample tells it. */
    void streamId(int id) {
        streamId = id;
    }

    /** Hands a sample to the listener; the stage completes once the listener is done with it. */
    CompletionStage<Void> sample(int id, Object payload, long receivedAtMillis) {
        CompletionStage<Void> handled;
        try {
            handled = listener.onSample(new StreamSample(registration, resource, id, payload, receivedAtMillis));
        } catch (RuntimeException e) {
            LOG.warn("Stream listener of {} on {} failed on a relayed sample", registration.deviceId(), resource, e);
            return HANDLED;
        }
        return handled != null ? handled : HANDLED;
    }

    void ended(int id, String reason) {
        try {
            listener.onStreamEnded(registration, resource, id, reason);
        } catch (RuntimeException e) {
            LOG.warn("Stream listener of {} on {} failed on a relayed end", registration.deviceId(), resource, e);
        }
    }

    void lost(int id, String reason) {
        try {
            listener.onStreamLost(registration, resource, id, reason);
        } catch (RuntimeException e) {
            LOG.warn("Stream listener of {} on {} failed on a lost stream", registration.deviceId(), resource, e);
        }
    }

    /** The stream did not open: the device refused it, or its connection ended first. */
    void failed(String reason) {
        try {
            listener.onStreamFailed(registration, resource,
                    new IotmpRequestException(registration.deviceId(), reason));
        } catch (RuntimeException e) {
            LOG.warn("Stream listener of {} on {} failed on a failed stream", registration.deviceId(), resource, e);
        }
    }
}
