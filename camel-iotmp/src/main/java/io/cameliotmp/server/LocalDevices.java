package io.cameliotmp.server;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * What a {@link ServerCluster} may ask of the server of its own member: run a forwarded call on a device connected
 * here, and close a connection whose device has connected to another member since.
 */
public interface LocalDevices {

    /** Sends to a device connected to this member only; never forwards (so calls cannot loop between members). */
    CompletableFuture<DeviceReply> sendLocal(DeviceRegistration registration, DeviceRequest request,
                                             Duration timeout);

    /** The registrations of the devices connected to this member. */
    List<DeviceRegistration> localRegistrations();

    /**
     * The device is now held by another member: closes the connection the entry {@code replaced} names, if it is
     * still here, telling the device DISCONNECT as a reconnect on one server does.
     */
    void replacedElsewhere(DeviceRegistration replaced, DirectoryEntry holder);

    /**
     * A thread of this member's server for the samples of one stream that this member opened on a device held by
     * another member: the next worker, as a new connection gets (the next I/O thread with {@code workerThreads=0}).
     * The cluster keeps it for the stream, so that the stream's samples reach its listener in order, and a route
     * that blocks on them holds up that thread, as a local device's route holds up its connection's, and none of
     * the cluster's own. The default runs the task on the calling thread.
     */
    default Executor streamThread() {
        return Runnable::run;
    }
}
