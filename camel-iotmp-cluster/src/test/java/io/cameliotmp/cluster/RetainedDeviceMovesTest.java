package io.cameliotmp.cluster;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceRegistration;
import io.cameliotmp.server.DirectoryEntry;
import io.cameliotmp.server.TopicMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.cluster.ClusterNodes.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A device that publishes a retained message through member A, moves to member B and publishes a newer one there:
 * A's write of the older message may still wait behind A's other writes when B's is done. The cluster keeps the
 * newer connection's message, as one server keeps the later publication. Before, A's late write replaced it in the
 * cache, and every member kept the older message until the topic's next publication. A write is made here directly,
 * in the order a backlog on A gives.
 */
class RetainedDeviceMovesTest {

    private static final String KEY = ClusteredRetained.key("alice", "t");
    private static final DeviceId DEVICE = new DeviceId("alice", "mover");
    private static final Instant EARLIER = Instant.parse("2026-01-01T00:00:00Z");

    private final BareMembers members = BareMembers.create();
    private final InfinispanCluster a = members.a();
    private final InfinispanCluster b = members.b();
    private final KeptRetained onA = new KeptRetained();
    private final KeptRetained onB = new KeptRetained();

    @BeforeEach
    void join() {
        a.bus().bind(onA);
        b.bus().bind(onB);
        members.join(new NoLocalDevices(), new NoLocalDevices());
    }

    @AfterEach
    void leave() {
        members.leave();
    }

    @Test
    void theOlderConnectionsMessageWrittenLateDoesNotReplaceTheNewerConnectionsMessage() throws Exception {
        HolderRecord older = holder(a, "member-a", EARLIER);
        HolderRecord newer = holder(b, "member-b", EARLIER.plusSeconds(5));
        assertThat(write(b, "newer", newer)).isPositive();

        assertThat(write(a, "older", older)).as("the older connection's write is not made").isZero();
        assertThat(a.retainedMessages().superseded()).isEqualTo(1);

        assertThat(payload(a)).isEqualTo("newer");
        assertThat(payload(b)).isEqualTo("newer");
        eventually().until(() -> "newer".equals(onA.kept.get("t")) && "newer".equals(onB.kept.get("t")));
    }

    @Test
    void theOlderConnectionsClearWrittenLateDoesNotRemoveTheNewerConnectionsMessage() throws Exception {
        HolderRecord older = holder(a, "member-a", EARLIER);
        HolderRecord newer = holder(b, "member-b", EARLIER.plusSeconds(5));
        assertThat(write(b, "newer", newer)).isPositive();

        assertThat(write(a, null, older)).isZero();

        assertThat(payload(a)).isEqualTo("newer");
        assertThat(payload(b)).isEqualTo("newer");
    }

    @Test
    void theNewerConnectionsMessageStillReplacesTheOlderConnectionsOne() throws Exception {
        HolderRecord older = holder(a, "member-a", EARLIER);
        HolderRecord newer = holder(b, "member-b", EARLIER.plusSeconds(5));
        assertThat(write(a, "older", older)).isPositive();

        assertThat(write(b, "newer", newer)).isPositive();

        assertThat(payload(a)).isEqualTo("newer");
        eventually().until(() -> "newer".equals(onA.kept.get("t")) && "newer".equals(onB.kept.get("t")));
    }

    /** Writes the message (a clear for null) through the member; the write's number, 0 when it was not made. */
    private static long write(InfinispanCluster member, Object payload, HolderRecord publisher) throws Exception {
        CompletableFuture<Long> written = new CompletableFuture<>();
        member.retainedMessages().retained(new TopicMessage("alice", "t", payload, publisher.registration()),
                publisher, written::complete);
        return written.get(60, TimeUnit.SECONDS);
    }

    private static HolderRecord holder(InfinispanCluster member, String memberName, Instant connectedAt) {
        return HolderRecord.of(new DirectoryEntry(memberName, new DeviceRegistration(DEVICE, 1, null, connectedAt,
                Generation.values()[0], 60)), member.node());
    }

    private static Object payload(InfinispanCluster member) {
        ClusteredRetained.RetainedRecord record = member.retainedCache().get(KEY);
        return record == null ? null : record.payload();
    }
}
