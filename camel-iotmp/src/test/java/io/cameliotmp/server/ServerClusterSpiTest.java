package io.cameliotmp.server;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.server.ota.FirmwareImage;
import io.cameliotmp.server.ota.FirmwareUpdate;
import io.cameliotmp.server.ota.FirmwareUpdateException;
import io.cameliotmp.server.ota.FirmwareUpdateOptions;
import io.cameliotmp.server.ota.OtaFailure;
import io.cameliotmp.testing.TestPorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The server's cluster SPI with two servers sharing an in-memory directory (the network is the cluster module's
 * business): a call on one server reaches a device on the other with the same answers and typed failures, the device
 * list spans both, and a device that reconnects to the other server replaces its old connection there.
 */
class ServerClusterSpiTest {

    private static final DeviceId DEVICE = new DeviceId("alice", "esp32");

    private final Map<DeviceId, DirectoryEntry> directory = new ConcurrentHashMap<>();
    private final Map<String, LocalDevices> members = new ConcurrentHashMap<>();
    private final List<IotmpServer> servers = new ArrayList<>();
    private final List<IotmpDevice> devices = new ArrayList<>();

    @AfterEach
    void stop() {
        devices.forEach(IotmpDevice::close);
        servers.forEach(IotmpServer::stop);
    }

    @Test
    void aCallOnOneServerReachesTheDeviceOnTheOther() throws Exception {
        IotmpServer a = server("a");
        IotmpServer b = server("b");
        device(b, "esp32");

        DeviceReply reply = a.send(DEVICE, DeviceRequest.run("temperature", null), null).get(30, TimeUnit.SECONDS);
        assertThat(reply.payload()).isEqualTo(21L);
        assertThat(reply.registration()).isEqualTo(b.registry().registration(DEVICE).orElseThrow());
        Object description = a.send(DEVICE, DeviceRequest.describe(null), null).get(30, TimeUnit.SECONDS).payload();
        assertThat(description).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsKey("temperature");
        // the device's ERROR keeps its type across the cluster
        assertThat(a.send(DEVICE, DeviceRequest.run("missing", null), null))
                .failsWithin(30, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                .withCauseInstanceOf(DeviceErrorException.class);
        // the registration variant reaches that connection through the other server too
        DeviceRegistration onB = b.registry().registration(DEVICE).orElseThrow();
        assertThat(a.send(onB, DeviceRequest.run("temperature", null), null).get(30, TimeUnit.SECONDS).payload())
                .isEqualTo(21L);
    }

    /**
     * A firmware update waits for its device's reconnection after the reboot, which only the member holding the
     * device sees: it runs there. Started on another member it fails at once, nothing sent, saying where the device
     * is, rather than as a device that is not connected (which a rollout reports as offline).
     */
    @Test
    void aFirmwareUpdateOfADeviceOnAnotherMemberNamesThatMember() throws Exception {
        IotmpServer a = server("a");
        IotmpServer b = server("b");
        IotmpDevice device = device(b, "esp32");
        AtomicInteger optionsAsked = new AtomicInteger();
        device.resource(FirmwareUpdate.OPTIONS).output(() -> {
            optionsAsked.incrementAndGet();
            return Map.of("enabled", true);
        });
        FirmwareUpdateException e = catchThrowableOfType(FirmwareUpdateException.class,
                () -> FirmwareUpdate.run(a, DEVICE, FirmwareImage.of(new byte[1000]), FirmwareUpdateOptions.defaults(),
                        null));
        assertThat(e.failure()).isEqualTo(OtaFailure.DEVICE_GONE);
        assertThat(e.report().error()).contains("connected to member b");
        assertThat(optionsAsked).hasValue(0);
        assertThat(a.firmwareUpdates().running()).isZero();
    }

    @Test
    void aDeviceConnectedNowhereIsNotConnectedOnEveryServer() {
        IotmpServer a = server("a");
        server("b");
        assertThat(a.send(DEVICE, DeviceRequest.run("temperature", null), null))
                .failsWithin(30, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                .withCauseInstanceOf(DeviceNotConnectedException.class);
        assertThat(a.locate(DEVICE)).isEmpty();
    }

    @Test
    void theDeviceListSpansTheClusterAndLeavesWithTheDevice() {
        IotmpServer a = server("a");
        IotmpServer b = server("b");
        device(a, "one");
        IotmpDevice two = device(b, "two");

        assertThat(a.devices("alice")).extracting(DirectoryEntry::member, entry -> entry.deviceId().device())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", "one"),
                        org.assertj.core.groups.Tuple.tuple("b", "two"));
        assertThat(b.devices(null)).hasSize(2);
        assertThat(b.devices("bob")).isEmpty();

        two.close();
        eventually().until(() -> a.devices(null).size() == 1);
        assertThat(a.locate(new DeviceId("alice", "two"))).isEmpty();
    }

    @Test
    void aDeviceThatReconnectsToAnotherServerReplacesItsConnectionThere() {
        IotmpServer a = server("a");
        IotmpServer b = server("b");
        IotmpDevice first = device(b, "esp32");
        DeviceRegistration old = b.registry().registration(DEVICE).orElseThrow();
        CompletableFuture<Void> firstLost = new CompletableFuture<>();
        first.onDisconnected(() -> firstLost.complete(null));

        device(a, "esp32");

        // the old connection gets DISCONNECT, as a reconnect to the same server does, and the directory follows
        assertThat(firstLost).succeedsWithin(30, TimeUnit.SECONDS);
        eventually().until(() -> b.registry().registration(DEVICE).isEmpty());
        assertThat(directory.get(DEVICE).member()).isEqualTo("a");
        assertThat(b.send(old, DeviceRequest.run("temperature", null), null))
                .failsWithin(30, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                .withCauseInstanceOf(DeviceNotConnectedException.class);
        eventually().untilAsserted(() -> assertThat(b.send(DEVICE, DeviceRequest.run("temperature", null), null)
                .get(30, TimeUnit.SECONDS).payload()).isEqualTo(21L));
    }

    @Test
    void aServerAloneIsASingleNode() {
        IotmpServer alone = new IotmpServer(IotmpServerConfig.builder().host("127.0.0.1").port(0)
                .nativeTransport(false).authenticator(StaticAuthenticator.parse("alice/esp32=s3cr3t")).build());
        servers.add(alone);
        alone.start();
        assertThat(alone.config().cluster()).isEqualTo(ServerCluster.SINGLE_NODE);
        device(alone, "esp32");
        assertThat(alone.devices(null)).extracting(DirectoryEntry::deviceId).containsExactly(DEVICE);
        assertThat(alone.locate(DEVICE)).map(DirectoryEntry::member).contains("local");
    }

    @Test
    void aMemberJoinsBeforeItAcceptsDevices() throws Exception {
        // a device connecting between the bind and the join would be claimed in a directory not yet shared
        int chosen = TestPorts.next();
        AtomicReference<Boolean> listeningAtJoin = new AtomicReference<>();
        Member member = new Member("early") {
            @Override
            public void join(LocalDevices local) {
                try (Socket socket = new Socket("127.0.0.1", chosen)) {
                    listeningAtJoin.set(true);
                } catch (IOException refused) {
                    listeningAtJoin.set(false);
                }
                super.join(local);
            }
        };
        IotmpServer server = new IotmpServer(IotmpServerConfig.builder().host("127.0.0.1").port(chosen)
                .nativeTransport(false).authenticator(StaticAuthenticator.parse("alice/esp32=s3cr3t"))
                .cluster(member).build());
        servers.add(server);
        server.start();
        assertThat(listeningAtJoin.get()).as("the server listened before it joined").isFalse();
    }

    private IotmpServer server(String member) {
        IotmpServer server = new IotmpServer(IotmpServerConfig.builder().host("127.0.0.1").port(0)
                .nativeTransport(false)
                .authenticator(StaticAuthenticator.parse("alice/esp32=s3cr3t,alice/one=s3cr3t,alice/two=s3cr3t"))
                .cluster(new Member(member)).build());
        servers.add(server);
        server.start();
        return server;
    }

    private IotmpDevice device(IotmpServer server, String name) {
        IotmpDevice device = IotmpDevice.builder().host("127.0.0.1").port(server.localAddress().getPort())
                .credentials("alice", name, "s3cr3t").noReconnect().build();
        device.resource("temperature").output(() -> 21L);
        devices.add(device);
        device.start().toCompletableFuture().join();
        DeviceId id = new DeviceId("alice", name);
        eventually().until(() -> server.registry().isConnected(id) && server.locate(id).isPresent()
                                 && server.registry().registration(id).equals(
                                         server.locate(id).map(DirectoryEntry::registration))
                                 && (!server.config().cluster().clustered() || directory.containsKey(id)));
        return device;
    }

    /** One member of the in-memory cluster: the shared map is the directory, a forwarded call a direct call. */
    private class Member implements ServerCluster, DeviceDirectory, CallForwarder {
        private final String name;

        Member(String name) {
            this.name = name;
        }

        @Override
        public void join(LocalDevices local) {
            members.put(name, local);
        }

        @Override
        public void leave() {
            members.remove(name);
        }

        @Override
        public String memberName() {
            return name;
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
        public DirectoryEntry claim(DirectoryEntry entry) {
            DirectoryEntry previous = directory.put(entry.deviceId(), entry);
            if (previous != null && !previous.member().equals(entry.member())) {
                members.get(previous.member()).replacedElsewhere(previous.registration(), entry);
            }
            return previous;
        }

        @Override
        public void release(DirectoryEntry entry) {
            directory.remove(entry.deviceId(), entry);
        }

        @Override
        public Optional<DirectoryEntry> lookup(DeviceId device) {
            return Optional.ofNullable(directory.get(device));
        }

        @Override
        public List<DirectoryEntry> entries(String user) {
            return directory.values().stream().filter(e -> user == null || user.equals(e.deviceId().user()))
                    .toList();
        }

        @Override
        public CompletableFuture<DeviceReply> forward(DirectoryEntry holder, DeviceRequest request,
                                                      Duration timeout) {
            LocalDevices target = members.get(holder.member());
            return target == null
                    ? CompletableFuture.failedFuture(new DeviceDisconnectedException(holder.deviceId(), "left"))
                    : target.sendLocal(holder.registration(), request, timeout);
        }
    }
}
