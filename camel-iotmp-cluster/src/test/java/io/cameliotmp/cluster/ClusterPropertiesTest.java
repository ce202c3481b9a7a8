package io.cameliotmp.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.IotmpErrorException;
import io.cameliotmp.micrometer.MicrometerServerMetrics;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.QuotaExceededException;
import io.cameliotmp.server.ServerQuotas;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.cluster.ClusterNodes.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Device properties kept in the cluster: set through one member, read and heard of through every other. */
class ClusterPropertiesTest {

    private static final DeviceId SENSOR = new DeviceId("alice", "sensor");

    /** One registry per member: members on port 0 would otherwise share their meters' tags. */
    private final Map<IotmpServer, SimpleMeterRegistry> registries = new ConcurrentHashMap<>();
    private final ClusterNodes nodes = new ClusterNodes().metrics(server -> new MicrometerServerMetrics(
            registries.computeIfAbsent(server, s -> new SimpleMeterRegistry()), server));

    @AfterEach
    void close() {
        nodes.close();
    }

    @Test
    void aPropertySetOnOneMemberIsReadOnEveryOther() throws Exception {
        List<IotmpServer> members = nodes.start(3);
        IotmpDevice onA = nodes.device(members.get(0), "sensor");
        onA.setProperty("threshold", Map.of("max", 30L), true).toCompletableFuture().get(30, TimeUnit.SECONDS);

        // a route's properties operation on member C reads what the device set through member A
        assertThat(members.get(2).properties().read(SENSOR, "threshold")).isEqualTo(Map.of("max", 30L));
        assertThat(members.get(2).properties().store()).isInstanceOf(ClusteredPropertyStore.class);

        // the same device, reconnected to member B, reads it there
        onA.close();
        eventually().until(() -> members.get(1).locate(SENSOR).isEmpty());
        IotmpDevice onB = nodes.device(members.get(1), "sensor");
        assertThat(onB.readProperty("threshold").toCompletableFuture().get(30, TimeUnit.SECONDS))
                .isEqualTo(Map.of("max", 30L));

        // removed through member C: gone everywhere
        members.get(2).properties().set(SENSOR, "threshold", null);
        assertThat(onB.readProperty("threshold")).failsWithin(30, TimeUnit.SECONDS)
                .withThrowableOfType(Exception.class).withCauseInstanceOf(IotmpErrorException.class);
        assertThat(members.get(0).properties().read(SENSOR, "threshold")).isNull();
    }

    @Test
    void aDeviceHearsOfAPropertySetThroughAnotherMember() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpDevice onA = nodes.device(members.get(0), "sensor");
        BlockingQueue<Object> updates = new LinkedBlockingQueue<>();
        onA.openServerStream(Map.of("event", "device_property_update", "filters", Map.of("property", "threshold")),
                updates::add).toCompletableFuture().get(30, TimeUnit.SECONDS);

        members.get(1).properties().set(SENSOR, "threshold", 35L);

        assertThat(updates.poll(30, TimeUnit.SECONDS)).isEqualTo(35L);
        assertThat(onA.readProperty("threshold").toCompletableFuture().get(30, TimeUnit.SECONDS)).isEqualTo(35L);
    }

    @Test
    void theQuotasCountWhatTheWholeClusterHoldsForADevice() {
        List<IotmpServer> members = nodes.start(2);
        int max = ServerQuotas.DEFAULT.maxPropertiesPerDevice();
        for (int i = 0; i < max; i++) {
            members.get(i % 2).properties().set(SENSOR, "p" + i, (long) i);
        }
        for (IotmpServer member : members) {
            assertThatThrownBy(() -> member.properties().set(SENSOR, "one-more", 1L))
                    .isInstanceOf(QuotaExceededException.class);
        }
        // replacing a value is not one more property; removing one makes room on every member
        members.get(1).properties().set(SENSOR, "p0", 100L);
        assertThat(members.get(0).properties().read(SENSOR, "p0")).isEqualTo(100L);
        members.get(0).properties().set(SENSOR, "p1", null);
        members.get(1).properties().set(SENSOR, "one-more", 1L);
        assertThat(members.get(0).properties().read(SENSOR, "one-more")).isEqualTo(1L);

        long maxBytes = ServerQuotas.DEFAULT.maxPropertyBytesPerDevice();
        DeviceId other = new DeviceId("alice", "other");
        assertThatThrownBy(() -> members.get(0).properties().set(other, "big", new byte[(int) maxBytes]))
                .isInstanceOf(QuotaExceededException.class);
        assertThat(members.get(1).properties().read(other, "big")).isNull();
    }

    @Test
    void writesOfOneDeviceFromSeveralMembersAtOnceAreAllKept() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        int perMember = 20;
        List<Thread> writers = new java.util.ArrayList<>();
        for (int m = 0; m < members.size(); m++) {
            IotmpServer member = members.get(m);
            String prefix = "m" + m + "-";
            Thread writer = new Thread(() -> {
                for (int i = 0; i < perMember; i++) {
                    member.properties().set(SENSOR, prefix + i, (long) i);
                }
            });
            writer.start();
            writers.add(writer);
        }
        for (Thread writer : writers) {
            writer.join();
        }
        for (int m = 0; m < members.size(); m++) {
            for (int i = 0; i < perMember; i++) {
                assertThat(members.get((m + 1) % 2).properties().read(SENSOR, "m" + m + "-" + i)).isEqualTo((long) i);
            }
        }
    }

    @Test
    void theDevicesOfAUserOnSeveralMembersShareTheUsersBytes() throws Exception {
        List<IotmpServer> members = nodes.server(config -> config.quotas(ServerQuotas.DEFAULT.toBuilder()
                .maxPropertyBytesPerDevice(1000).maxPropertyBytesPerUser(2500).build())).start(2);
        IotmpDevice d0 = nodes.device(members.get(0), "d0");
        IotmpDevice d1 = nodes.device(members.get(1), "d1");
        d0.setProperty("p", new byte[900], true).toCompletableFuture().get(30, TimeUnit.SECONDS);
        d1.setProperty("p", new byte[900], true).toCompletableFuture().get(30, TimeUnit.SECONDS);

        // a third device of the user finds no room left, on either member, though each member wrote only one
        DeviceId third = new DeviceId("alice", "d2");
        for (IotmpServer member : members) {
            assertThatThrownBy(() -> member.properties().set(third, "p", new byte[900]))
                    .isInstanceOfSatisfying(QuotaExceededException.class, e -> assertThat(e.quota())
                            .isEqualTo(QuotaExceededException.Quota.USER_PROPERTY_BYTES));
        }
        IotmpDevice d2 = nodes.device(members.get(1), "d2");
        assertThat(d2.setProperty("p", new byte[900], true)).failsWithin(30, TimeUnit.SECONDS)
                .withThrowableOfType(ExecutionException.class).withCauseInstanceOf(IotmpErrorException.class);
        assertThat(members.get(0).properties().read(third, "p")).as("nothing kept of a refused write").isNull();
        assertThat(userPropertyRefusals(members.get(0))).isEqualTo(1);
        assertThat(userPropertyRefusals(members.get(1))).isEqualTo(2);

        // another user has a quota of its own; the bytes a device's removed property held are the user's again
        members.get(1).properties().set(new DeviceId("bob", "d2"), "p", new byte[900]);
        members.get(0).properties().set(new DeviceId("alice", "d0"), "p", null);
        d2.setProperty("p", new byte[900], true).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(members.get(0).properties().read(third, "p")).isNotNull();
        // a smaller value frees the difference
        d1.setProperty("p", new byte[100], true).toCompletableFuture().get(30, TimeUnit.SECONDS);
        members.get(0).properties().set(new DeviceId("alice", "d3"), "p", new byte[700]);
    }

    @Test
    void writesOfAUsersDevicesThroughSeveralMembersAtOnceNeverPassTheUsersBytes() throws Exception {
        List<IotmpServer> members = nodes.server(config -> config.quotas(ServerQuotas.DEFAULT.toBuilder()
                .maxPropertyBytesPerDevice(1000).maxPropertyBytesPerUser(10_000).build())).start(2);
        int perMember = 20;
        AtomicInteger kept = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<Thread> writers = new ArrayList<>();
        for (int m = 0; m < members.size(); m++) {
            IotmpServer member = members.get(m);
            String prefix = "m" + m + "-";
            Thread writer = new Thread(() -> {
                for (int i = 0; i < perMember; i++) {
                    try {
                        // each write a new device: a device logging in under ever new ids
                        member.properties().set(new DeviceId("alice", prefix + i), "p", new byte[900]);
                        kept.incrementAndGet();
                    } catch (QuotaExceededException e) {
                        refused.incrementAndGet();
                    }
                }
            });
            writer.start();
            writers.add(writer);
        }
        for (Thread writer : writers) {
            writer.join();
        }
        // a write costs a little more than 900 bytes (name and encoding), so 11 fit in 10,000 and 12 do not
        assertThat(kept.get()).isEqualTo(11);
        assertThat(refused.get()).isEqualTo(2 * perMember - 11);
        assertThat(userPropertyRefusals(members.get(0)) + userPropertyRefusals(members.get(1)))
                .isEqualTo(refused.get());
        long stored = 0;
        for (int m = 0; m < members.size(); m++) {
            for (int i = 0; i < perMember; i++) {
                if (members.get((m + 1) % 2).properties().read(new DeviceId("alice", "m" + m + "-" + i), "p") != null) {
                    stored++;
                }
            }
        }
        assertThat(stored).isEqualTo(11);
    }

    private double userPropertyRefusals(IotmpServer member) {
        return registries.get(member).get("iotmp.quota.refusals").tag("quota", "user-property-bytes").counter()
                .count();
    }
}
