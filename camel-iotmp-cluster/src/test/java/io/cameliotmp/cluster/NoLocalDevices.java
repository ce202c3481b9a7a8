package io.cameliotmp.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.cameliotmp.server.DeviceNotConnectedException;
import io.cameliotmp.server.DeviceRegistration;
import io.cameliotmp.server.DeviceReply;
import io.cameliotmp.server.DeviceRequest;
import io.cameliotmp.server.DirectoryEntry;
import io.cameliotmp.server.LocalDevices;

/**
 * The local devices of a member that a test joins to the cluster without a server: it holds none, and remembers
 * which of its devices the cluster told it were replaced elsewhere, with the member that holds them now.
 */
final class NoLocalDevices implements LocalDevices {

    /** Registrations the cluster told this member to close, with the member holding the device now. */
    final Map<DeviceRegistration, String> replaced = new ConcurrentHashMap<>();

    @Override
    public CompletableFuture<DeviceReply> sendLocal(DeviceRegistration registration, DeviceRequest request,
                                                    Duration timeout) {
        return CompletableFuture.failedFuture(new DeviceNotConnectedException(registration.deviceId()));
    }

    @Override
    public List<DeviceRegistration> localRegistrations() {
        return List.of();
    }

    @Override
    public void replacedElsewhere(DeviceRegistration replaced, DirectoryEntry holder) {
        this.replaced.put(replaced, holder.member());
    }
}
