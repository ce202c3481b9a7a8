package io.cameliotmp.server;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.testing.StderrCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * While the cluster directory takes no writes, every device that connects or leaves fails one: a device reconnecting
 * in a loop wrote a WARN with a stack trace each time. The outage is logged once as it starts, with its cause, and
 * once as it ends, with how many writes failed; the devices are served here all along.
 */
class DirectoryOutageLogTest {

    private static final int CONNECTIONS = 8;

    private final Map<DeviceId, DirectoryEntry> directory = new ConcurrentHashMap<>();
    private volatile boolean down = true;
    /** Releases the server asked the directory for: a connection's end has reached it. */
    private final AtomicLong released = new AtomicLong();
    private IotmpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void aDirectoryOutageIsLoggedOnceAsItStartsAndOnceAsItEnds() throws Exception {
        server = new IotmpServer(IotmpServerConfig.builder().host("127.0.0.1").port(0).nativeTransport(false)
                .authenticator(StaticAuthenticator.parse("alice/*=pw")).cluster(new FailingMember()).build());
        server.start();
        try (StderrCapture log = StderrCapture.start()) {
            AtomicLong failureLines = log.count(line -> line.contains("in the cluster directory"));
            AtomicLong stackTraces = log.count(line -> line.contains("directory is down"));
            AtomicLong recovered = log.count(line -> line.contains("The cluster directory takes writes again; "
                                                                   + (2 * CONNECTIONS) + " failed before"));
            for (int i = 0; i < CONNECTIONS; i++) {
                connectAndLeave("device-" + i);
            }
            assertThat(failureLines.get()).as("lines about failed writes").isEqualTo(1);
            assertThat(stackTraces.get()).as("the cause, once").isEqualTo(1);

            down = false;
            connectAndLeave("device-back");
            assertThat(recovered.get()).isEqualTo(1);
            assertThat(failureLines.get()).isEqualTo(1);
        }
    }

    /** A device connects, is served, and leaves; its connection has ended here once it returns. */
    private void connectAndLeave(String name) throws Exception {
        DeviceId id = new DeviceId("alice", name);
        IotmpDevice device = IotmpDevice.builder().host("127.0.0.1").port(server.localAddress().getPort())
                .credentials("alice", name, "pw").noReconnect().build();
        device.resource("temperature").output(() -> 21L);
        try {
            device.start().toCompletableFuture().join();
            eventually().until(() -> server.registry().isConnected(id));
            DeviceReply reply = server.send(id, DeviceRequest.run("temperature", null), null)
                    .get(30, TimeUnit.SECONDS);
            assertThat(reply.payload()).isEqualTo(21L);
        } finally {
            device.close();
        }
        eventually().until(() -> !server.registry().isConnected(id) && server.unauthenticatedConnections() == 0
                                 && server.registry().size() == 0 && released.get() >= expectedReleases(name));
    }

    private long expectedReleases(String name) {
        return name.equals("device-back") ? CONNECTIONS + 1 : Long.parseLong(name.substring(7)) + 1;
    }

    /** A member whose directory fails every write while {@link #down}; it counts the releases it was asked for. */
    private final class FailingMember extends AloneLikeSingleNode implements DeviceDirectory {

        @Override
        public DeviceDirectory directory() {
            return this;
        }

        @Override
        public boolean clustered() {
            return true;
        }

        @Override
        public DirectoryEntry claim(DirectoryEntry entry) {
            if (down) {
                throw new IllegalStateException("directory is down");
            }
            return directory.put(entry.deviceId(), entry);
        }

        @Override
        public void release(DirectoryEntry entry) {
            released.incrementAndGet();
            if (down) {
                throw new IllegalStateException("directory is down");
            }
            directory.remove(entry.deviceId(), entry);
        }

        @Override
        public Optional<DirectoryEntry> lookup(DeviceId device) {
            return Optional.ofNullable(directory.get(device));
        }

        @Override
        public List<DirectoryEntry> entries(String user) {
            return List.copyOf(directory.values());
        }
    }
}
