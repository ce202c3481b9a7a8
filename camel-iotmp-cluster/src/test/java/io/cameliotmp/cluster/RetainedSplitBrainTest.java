package io.cameliotmp.cluster;

import java.util.Objects;

import io.cameliotmp.server.TopicMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.cluster.ClusterNodes.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retained messages published on either side of a split: once the sides merge, every member keeps the message the
 * merged cache holds for each topic. Infinispan's merge writes the value it chose without telling the cache's
 * listeners; before, each side went on keeping its own message of a topic both sides wrote (two retained messages
 * for one topic, for good), and a topic only one side wrote was kept nowhere on the other side.
 */
class RetainedSplitBrainTest {

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
    void retainedMessagesPublishedOnBothSidesAreKeptAlikeAfterTheMerge() throws Exception {
        publish(a, onA, "both", "before");
        publish(a, onA, "cleared", "kept");
        eventually().until(() -> "before".equals(onB.kept.get("both")) && "kept".equals(onB.kept.get("cleared")));

        SplitBrainTest.cut(a.channel(), b.channel());
        eventually().until(() -> a.members().size() == 1 && b.members().size() == 1);
        publish(a, onA, "both", "from-a");
        publish(b, onB, "both", "from-b");
        publish(a, onA, "only-a", "a-alone");
        publish(a, onA, "cleared", null);
        eventually().until(() -> a.retainedMessages().waiting() == 0 && b.retainedMessages().waiting() == 0
                                 && "from-a".equals(payload(a, "both")) && "from-b".equals(payload(b, "both"))
                                 && payload(a, "cleared") == null);

        SplitBrainTest.heal(a.channel(), b.channel());
        eventually().until(() -> a.members().size() == 2 && b.members().size() == 2);
        eventually().until(() -> Objects.equals(payload(a, "both"), payload(b, "both"))
                                 && "a-alone".equals(payload(b, "only-a")));
        Object merged = payload(a, "both");

        eventually().until(() -> merged.equals(onA.kept.get("both")) && merged.equals(onB.kept.get("both"))
                                 && "a-alone".equals(onB.kept.get("only-a")));
        // a clear on one side does not win over the other side's message (PREFERRED_NON_NULL): both keep it again
        eventually().until(() -> "kept".equals(onA.kept.get("cleared")));
        assertThat(payload(b, "cleared")).isEqualTo("kept");
        assertThat(onB.kept).containsEntry("cleared", "kept");
    }

    private static void publish(InfinispanCluster member, KeptRetained server, String topic, Object payload) {
        TopicMessage message = new TopicMessage("alice", topic, payload, null);
        server.retained(message);
        member.bus().published(message, true);
    }

    private static Object payload(InfinispanCluster member, String topic) {
        ClusteredRetained.RetainedRecord record = member.retainedCache().get(ClusteredRetained.key("alice", topic));
        return record == null ? null : record.payload();
    }
}
