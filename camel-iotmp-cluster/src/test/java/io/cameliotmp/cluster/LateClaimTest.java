package io.cameliotmp.cluster;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceRegistration;
import io.cameliotmp.server.DirectoryEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A claim that arrives after the claim of a newer connection of the same device (its member was slow to make it)
 * changes nothing: the newer connection keeps the device and the late claim's own connection is the one that goes.
 * Before, the late claim overwrote the directory's entry, and the member of the newer connection closed it on that
 * write (the device reconnected). The claims are made one after the other here, in the order that went wrong.
 */
class LateClaimTest {

    private static final DeviceId DEVICE = new DeviceId("alice", "mover");

    private final BareMembers members = BareMembers.create();
    private final InfinispanCluster a = members.a();
    private final InfinispanCluster b = members.b();
    private final NoLocalDevices closedOnA = new NoLocalDevices();
    private final NoLocalDevices closedOnB = new NoLocalDevices();

    @BeforeEach
    void join() {
        members.join(closedOnA, closedOnB);
    }

    @AfterEach
    void leave() {
        members.leave();
    }

    @Test
    void aLateClaimOfAnOlderConnectionOnAnotherMemberNeitherReplacesNorEndsTheNewerOne() {
        Instant connected = Instant.now();
        DeviceRegistration older = registration(7, connected);
        DeviceRegistration newer = registration(1, connected.plusMillis(1));

        b.claim(new DirectoryEntry(b.memberName(), newer));
        // member A accepted the device first, but its claim comes last
        assertThat(a.claim(new DirectoryEntry(a.memberName(), older))).isNull();

        for (InfinispanCluster member : List.of(a, b)) {
            assertThat(member.lookup(DEVICE).map(DirectoryEntry::registration)).contains(newer);
        }
        // the write is replicated synchronously, with its listeners: B would have been told by now
        assertThat(closedOnB.replaced).isEmpty();
        assertThat(closedOnA.replaced).containsEntry(older, b.memberName());
    }

    @Test
    void aLateClaimOfAnEarlierSessionOfTheSameMemberDoesNotReplaceTheLaterOne() {
        Instant connected = Instant.now();
        DeviceRegistration later = registration(9, connected);
        // the earlier session's clock reading may even be later: session numbers order one member's connections
        DeviceRegistration earlier = registration(8, connected.plusSeconds(1));

        a.claim(new DirectoryEntry(a.memberName(), later));
        a.claim(new DirectoryEntry(a.memberName(), earlier));

        for (InfinispanCluster member : List.of(a, b)) {
            assertThat(member.lookup(DEVICE).map(DirectoryEntry::registration)).contains(later);
        }
        // the later session's end removes the entry: the earlier one never comes back
        a.release(new DirectoryEntry(a.memberName(), later));
        assertThat(b.lookup(DEVICE)).isEmpty();
    }

    @Test
    void aNewerClaimStillReplacesAnOlderOneAndEndsItsConnection() {
        Instant connected = Instant.now();
        DeviceRegistration older = registration(3, connected);
        DeviceRegistration newer = registration(2, connected.plusMillis(1));

        a.claim(new DirectoryEntry(a.memberName(), older));
        assertThat(b.claim(new DirectoryEntry(b.memberName(), newer)))
                .extracting(DirectoryEntry::registration).isEqualTo(older);

        assertThat(a.lookup(DEVICE).map(DirectoryEntry::registration)).contains(newer);
        assertThat(closedOnA.replaced).containsEntry(older, b.memberName());
        assertThat(closedOnB.replaced).isEmpty();
    }

    private static DeviceRegistration registration(long session, Instant connectedAt) {
        return new DeviceRegistration(DEVICE, session, new InetSocketAddress("127.0.0.1", 40000 + (int) session),
                connectedAt, Generation.values()[0], 60);
    }
}
