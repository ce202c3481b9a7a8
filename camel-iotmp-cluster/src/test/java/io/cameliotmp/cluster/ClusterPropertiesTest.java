package io.cameliotmp.cluster;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.IotmpErrorException;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.QuotaExceededException;
import io.cameliotmp.server.ServerQuotas;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.cluster.ClusterNodes.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Device properties kept in the cluster: set through one member, read and heard of through every other. */
class ClusterPropertiesTest {

    private static final DeviceId SENSOR = new DeviceId("alice", "sensor");

    private final ClusterNodes nodes = new ClusterNodes();

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
}
