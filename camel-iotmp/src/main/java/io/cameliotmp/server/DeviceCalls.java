package io.cameliotmp.server;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Where a call for a device goes: to its connection here or, in a cluster, forwarded to the member that holds it
 * ({@link IotmpServer#send} documents each kind of call and its failures).
 */
final class DeviceCalls {

    private final DeviceRegistry registry;
    private final ClusterMembership membership;

    DeviceCalls(DeviceRegistry registry, ClusterMembership membership) {
        this.registry = registry;
        this.membership = membership;
    }

    CompletableFuture<DeviceReply> send(DeviceId device, DeviceRequest request, Duration timeout) {
        DeviceConnection session = registry.session(device).orElse(null);
        if (session == null) {
            return membership.forward(device, request, timeout);
        }
        return session.send(request, timeout);
    }

    CompletableFuture<DeviceReply> send(DeviceId device, DeviceRequest request, Duration timeout,
                                        CompletableFuture<DeviceReply> reply) {
        DeviceConnection session = registry.session(device).orElse(null);
        if (session == null) {
            return completing(reply, membership.forward(device, request, timeout));
        }
        return session.send(request, timeout, reply);
    }

    /** Only to the device's connection of that session number, here or on its cluster holder. */
    CompletableFuture<DeviceReply> send(DeviceId device, long sessionNumber, DeviceRequest request, Duration timeout,
                                        CompletableFuture<DeviceReply> reply) {
        DeviceConnection session = registry.session(device).orElse(null);
        if (session != null && session.registration().sessionNumber() == sessionNumber) {
            return session.send(request, timeout, reply);
        }
        return completing(reply, session != null
                ? CompletableFuture.failedFuture(new DeviceNotConnectedException(device))
                : membership.forward(device, sessionNumber, request, timeout));
    }

    /** Only to that very connection, here or on its cluster holder. */
    CompletableFuture<DeviceReply> send(DeviceRegistration registration, DeviceRequest request, Duration timeout) {
        DeviceConnection session = registry.session(registration.deviceId()).orElse(null);
        if (session == null || session.registration() != registration) {
            return session == null ? membership.forward(registration, request, timeout)
                    : CompletableFuture.failedFuture(new DeviceNotConnectedException(registration.deviceId()));
        }
        return session.send(request, timeout);
    }

    private static CompletableFuture<DeviceReply> completing(CompletableFuture<DeviceReply> reply,
                                                             CompletableFuture<DeviceReply> outcome) {
        outcome.whenComplete((answer, failure) -> {
            if (failure != null) {
                reply.completeExceptionally(failure);
            } else {
                reply.complete(answer);
            }
        });
        return reply;
    }
}
