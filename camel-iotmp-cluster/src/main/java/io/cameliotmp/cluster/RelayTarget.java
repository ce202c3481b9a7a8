package io.cameliotmp.cluster;

import java.util.UUID;

import io.cameliotmp.server.DeviceRegistration;
import io.cameliotmp.server.StreamListener;

/**
 * On the calling member, the listener of a stream opened on a device held by another member, with what its samples
 * and end need (see {@link ForwardedCalls}).
 */
final class RelayTarget {
    private final StreamListener listener;
    private final DeviceRegistration registration;
    private final String resource;
    private final UUID holder;
    private volatile int streamId;

    RelayTarget(StreamListener listener, DeviceRegistration registration, String resource, UUID holder) {
        this.listener = listener;
        this.registration = registration;
        this.resource = resource;
        this.holder = holder;
    }

    StreamListener listener() {
        return listener;
    }

    DeviceRegistration registration() {
        return registration;
    }

    String resource() {
        return resource;
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

    void ended(int id, String reason) {
        listener.onStreamEnded(registration, resource, id, reason);
    }

    void lost(int id, String reason) {
        listener.onStreamLost(registration, resource, id, reason);
    }
}
