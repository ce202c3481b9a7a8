package io.cameliotmp.server;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.cameliotmp.protocol.IotmpMessage;
import io.netty.util.collection.IntCollections;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams the server opened on a device's resources (docs/protocol.md §7): their listeners, the expansion of
 * compact samples, and the {@link SharedResourceStream}s through which the server's subscriptions share them.
 * Runs on the connection's executor.
 */
final class ServerOpenedStreams {

    private static final Logger LOG = LoggerFactory.getLogger(ServerOpenedStreams.class);

    private final DeviceConnection connection;
    private final SessionContext context;
    // most devices sit idle with no stream: they share the empty maps until their first entry
    private IntObjectMap<OpenStream> streams = IntCollections.emptyMap();
    /**
     * The streams whose samples the I/O thread may deliver itself (see {@link #onDataOnIoThread}): a copy, replaced on
     * the executor whenever it changes, so that the I/O thread reads it without a lock.
     */
    private volatile IntObjectMap<OpenStream> onIoThread = IntCollections.emptyMap();
    private Map<String, SharedResourceStream> shared = Map.of();

    ServerOpenedStreams(DeviceConnection connection, SessionContext context) {
        this.connection = connection;
        this.context = context;
    }

    boolean contains(int id) {
        return streams.containsKey(id);
    }

    int size() {
        return streams.size();
    }

    /** A START_STREAM is about to be sent with this id: samples may follow its OK at once. */
    void opening(int id, String resource, long intervalMillis, StreamListener listener) {
        if (!(streams instanceof IntObjectHashMap)) {
            streams = new IntObjectHashMap<>(4);
        }
        streams.put(id, new OpenStream(id, resource, intervalMillis, listener));
    }

    /** The open streams, in id order, with the subscriptions each serves. */
    List<ConnectionDetails.Stream> details() {
        List<ConnectionDetails.Stream> details = new ArrayList<>(streams.size());
        for (OpenStream stream : streams.values()) {
            SharedResourceStream sharing = shared.get(stream.resource);
            List<StreamSubscription> subscriptions = sharing == null ? List.of() : sharing.subscriptionsOf(stream.id);
            details.add(new ConnectionDetails.Stream(stream.id, stream.resource, stream.intervalMillis,
                    stream.confirmed, subscriptions, stream.listener));
        }
        details.sort(Comparator.comparingInt(ConnectionDetails.Stream::streamId));
        return details;
    }

    void confirmed(int id) {
        OpenStream stream = streams.get(id);
        if (stream != null) {
            stream.confirmed = true;
        }
    }

    /** The device refused (or never answered) the START_STREAM; returns whether such a stream was waiting. */
    boolean refused(int id, Throwable cause) {
        OpenStream stream = streams.get(id);
        if (stream == null || stream.confirmed) {
            return false;
        }
        streams.remove(id);
        deliverOnIoThread(id, null);
        stream.failed(cause);
        return true;
    }

    /** The server stops a stream; returns whether it was open. */
    boolean stop(int id, String reason) {
        OpenStream stream = streams.remove(id);
        deliverOnIoThread(id, null);
        if (stream != null) {
            stream.end(reason);
        }
        return stream != null;
    }

    boolean stoppedByDevice(int id) {
        return stop(id, "stopped by the device");
    }

    /** A sample on one of these streams; false when the id is not one of them. */
    boolean onData(IotmpMessage data) {
        OpenStream stream = streams.get(data.streamId());
        if (stream == null) {
            return false;
        }
        connection.countersForUpdate().countHandled(ConnectionCounters.SAMPLES_IN);
        deliver(stream.listener, new StreamSample(connection.registration(), stream.resource, stream.id,
                stream.expandCompact(data.payload()), System.currentTimeMillis()));
        return true;
    }

    /** The connection ended: every stream is lost with it. */
    void closeAll(String reason) {
        List<OpenStream> open = new ArrayList<>(streams.values());
        onIoThread = IntCollections.emptyMap();
        streams.clear();
        shared = Map.of();
        for (OpenStream stream : open) {
            stream.lost(reason);
        }
    }

    /**
     * Lets the I/O thread deliver the samples of stream {@code id} straight to {@code listeners}, which must all
     * {@linkplain StreamListener#acceptsSamplesOnIoThread() accept that}, each while its subscription is open; null to
     * stop it. On the executor.
     */
    void deliverOnIoThread(int id, IoThreadListener[] listeners) {
        OpenStream stream = streams.get(id);
        boolean direct = stream != null && listeners != null && listeners.length > 0;
        if (!direct && !onIoThread.containsKey(id)) {
            return;
        }
        IntObjectMap<OpenStream> copy = new IntObjectHashMap<>(Math.max(4, onIoThread.size() + 1));
        copy.putAll(onIoThread);
        if (direct) {
            stream.ioThreadListeners = listeners.clone();
            copy.put(id, stream);
        } else {
            copy.remove(id);
        }
        onIoThread = copy.isEmpty() ? IntCollections.emptyMap() : copy;
    }

    /**
     * A sample read on the I/O thread, delivered there when its stream's listeners allow it. Only called while the
     * connection's executor has nothing of this connection queued or running, so samples stay in the order they were
     * read whichever thread delivers them.
     *
     * @return false when the sample must take the way through the executor
     */
    boolean onDataOnIoThread(IotmpMessage data, long weight) {
        OpenStream stream = onIoThread.get(data.streamId());
        if (stream == null) {
            return false;
        }
        connection.countersForUpdate().countHandled(ConnectionCounters.SAMPLES_IN);
        DeviceRegistration registration = connection.registration();
        Object payload = stream.expandCompact(data.payload());
        long receivedAtMillis = System.currentTimeMillis();
        FlowControl flow = connection.flow();
        for (IoThreadListener to : stream.ioThreadListeners) {
            // a closed subscription's streams stop later, on the executor; its listener gets nothing meanwhile
            if (to.subscription().isClosed() || dropped(flow)) {
                continue;
            }
            CompletionStage<Void> done;
            try {
                // from its parts: a batching consumer keeps the sample as its batch's element, no StreamSample
                done = to.listener().onSampleOnIoThread(registration, stream.resource, stream.id, payload,
                        receivedAtMillis);
            } catch (RuntimeException e) {
                LOG.warn("{}: stream listener failed", connection, e);
                continue;
            }
            flow.deliveredOnIoThread(done, weight);
        }
        return true;
    }

    /**
     * Hands a sample to a listener, counting it in flight until the listener's stage completes. While the listener
     * runs, the frame the sample came in is still counted; once it returns, the delivery counts until its stage
     * completes, and not at all when it already has, as a synchronous route's has.
     */
    void deliver(StreamListener listener, StreamSample sample) {
        FlowControl flow = connection.flow();
        if (dropped(flow)) {
            return;
        }
        CompletionStage<Void> done;
        try {
            done = listener.onSample(sample);
        } catch (RuntimeException e) {
            LOG.warn("{}: stream listener failed", connection, e);
            return;
        }
        // the sample's values are held until the listener completes
        flow.delivered(done, flow.handling());
    }

    /** Whether the backpressure policy drops this sample (counted as dropped) instead of delivering it. */
    private boolean dropped(FlowControl flow) {
        if (!flow.dropsSamples()) {
            return false;
        }
        connection.countersForUpdate().count(ConnectionCounters.SAMPLES_DROPPED);
        context.metrics().sampleDropped();
        return true;
    }

    // ---- shared streams

    /**
     * Adds subscriptions' interest in this device's resources (shared streams, see SharedResourceStream). Added
     * together, the subscriptions of one resource lead to one START_STREAM at the final interval.
     */
    void attach(List<StreamSubscription> subscriptions) {
        Set<SharedResourceStream> touched = new LinkedHashSet<>();
        if (!(shared instanceof HashMap)) {
            shared = new HashMap<>(4);
        }
        for (StreamSubscription subscription : subscriptions) {
            SharedResourceStream stream = shared.computeIfAbsent(subscription.resource(),
                    r -> new SharedResourceStream(this, connection.registration(), r));
            stream.add(subscription);
            touched.add(stream);
        }
        touched.forEach(SharedResourceStream::reconcile);
    }

    void detach(StreamSubscription subscription) {
        SharedResourceStream stream = shared.get(subscription.resource());
        if (stream != null && stream.remove(subscription)) {
            shared.remove(subscription.resource());
        }
    }

    void publishToSubscribers(StreamSample sample) {
        SharedResourceStream stream = shared.get(sample.resource());
        if (stream != null) {
            stream.onExternalSample(sample);
        }
    }

    /** Opens a stream and returns its id at once (0 if it could not be sent). */
    int openNow(String resource, long intervalMillis, StreamListener listener) {
        CompletableFuture<DeviceReply> reply = new CompletableFuture<>();
        int id = connection.requests().send(DeviceRequest.startStream(resource, intervalMillis, listener),
                context.config().requestTimeout(), reply);
        reply.exceptionally(e -> null);
        return id;
    }

    /** Stops a stream if it is still open; used when subscriptions change. */
    void stopIfOpen(int id) {
        if (streams.containsKey(id)) {
            connection.send(DeviceRequest.stopStream(id), null).exceptionally(e -> null);
        }
    }

    /** A listener that takes a stream's samples on the I/O thread, and the subscription it serves. */
    record IoThreadListener(StreamSubscription subscription, StreamListener listener) {
    }

    /** A stream this server opened on the device. */
    private final class OpenStream {
        final int id;
        final String resource;
        final long intervalMillis;
        final StreamListener listener;
        boolean confirmed;
        /**
         * With {@link #deliverOnIoThread}: who gets the samples the I/O thread delivers. Volatile: the executor may
         * replace it while the stream is already in {@link #onIoThread}, so the I/O thread can read it without passing
         * the map's volatile write, and must still see the new array's elements.
         */
        volatile IoThreadListener[] ioThreadListeners;
        /** Touched by one thread at a time: the executor, or the I/O thread while the executor has nothing queued. */
        private List<String> compactKeys;

        OpenStream(int id, String resource, long intervalMillis, StreamListener listener) {
            this.id = id;
            this.resource = resource;
            this.intervalMillis = intervalMillis;
            this.listener = listener;
        }

        /**
         * Compact mode (docs/protocol.md §7.5): after a first map, a device may send only the values as an array in
         * the same key order; map them back so every consumer sees the same shape.
         */
        Object expandCompact(Object payload) {
            if (payload instanceof Map<?, ?> map) {
                if (compactKeys == null || compactKeys.size() != map.size()) {
                    compactKeys = new ArrayList<>(map.size());
                    map.keySet().forEach(k -> compactKeys.add(String.valueOf(k)));
                }
                return payload;
            }
            if (payload instanceof List<?> values && compactKeys != null && values.size() == compactKeys.size()) {
                Map<String, Object> expanded = new LinkedHashMap<>();
                for (int i = 0; i < values.size(); i++) {
                    expanded.put(compactKeys.get(i), values.get(i));
                }
                return expanded;
            }
            return payload;
        }

        void end(String reason) {
            try {
                listener.onStreamEnded(connection.registration(), resource, id, reason);
            } catch (RuntimeException e) {
                LOG.warn("{}: stream listener failed on end", connection, e);
            }
        }

        void lost(String reason) {
            try {
                listener.onStreamLost(connection.registration(), resource, id, reason);
            } catch (RuntimeException e) {
                LOG.warn("{}: stream listener failed on a lost connection", connection, e);
            }
        }

        void failed(Throwable cause) {
            try {
                listener.onStreamFailed(connection.registration(), resource, cause);
            } catch (RuntimeException e) {
                LOG.warn("{}: stream listener failed on failure", connection, e);
            }
        }
    }
}
