package io.cameliotmp.server;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@link ServerCluster#SINGLE_NODE}: the server alone. The directory holds nothing (the server's own registry is the
 * truth), so no call is ever forwarded; equal to every other instance, so server configurations stay comparable.
 */
final class SingleNodeCluster implements ServerCluster, DeviceDirectory, CallForwarder {

    @Override
    public void join(LocalDevices local) {
        // nothing to join
    }

    @Override
    public void leave() {
        // nothing to leave
    }

    @Override
    public String memberName() {
        return "local";
    }

    @Override
    public DeviceDirectory directory() {
        return this;
    }

    @Override
    public CallForwarder forwarder() {
        return this;
    }

    @Override
    public boolean clustered() {
        return false;
    }

    @Override
    public DirectoryEntry claim(DirectoryEntry entry) {
        return null;
    }

    @Override
    public void release(DirectoryEntry entry) {
        // nothing was recorded
    }

    @Override
    public Optional<DirectoryEntry> lookup(DeviceId device) {
        return Optional.empty();
    }

    @Override
    public List<DirectoryEntry> entries(String user) {
        return List.of();
    }

    @Override
    public CompletableFuture<DeviceReply> forward(DirectoryEntry holder, DeviceRequest request, Duration timeout) {
        return CompletableFuture.failedFuture(new DeviceNotConnectedException(holder.deviceId()));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SingleNodeCluster;
    }

    @Override
    public int hashCode() {
        return SingleNodeCluster.class.hashCode();
    }

    @Override
    public String toString() {
        return "single node";
    }
}
