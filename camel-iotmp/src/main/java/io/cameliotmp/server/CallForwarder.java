package io.cameliotmp.server;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Sends a request to a device connected to another member of the cluster: the holder runs it with its own
 * {@link IotmpServer#send} and the answer, or its typed failure, comes back. A forwarded call fails like a local
 * one ({@link DeviceNotConnectedException}, {@link DeviceErrorException}, {@link DeviceRequestTimeoutException},
 * {@link DeviceDisconnectedException}, {@link TooManyPendingRequestsException}); when the holding member leaves the
 * cluster, every call forwarded to it fails at once with {@link DeviceDisconnectedException}.
 */
public interface CallForwarder {

    /**
     * Forwards the request to the member in {@code holder}; the request is sent only to the connection the entry
     * names, never to a newer one the device made meanwhile.
     *
     * @param timeout the device's answer timeout on the holder (null = the holder's default)
     */
    CompletableFuture<DeviceReply> forward(DirectoryEntry holder, DeviceRequest request, Duration timeout);
}
