package io.cameliotmp.server;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retained messages another cluster member relayed, beyond this member's retained quota: the members' retained
 * messages can differ, so a message its own member kept may not fit here. It is delivered, not kept, and its refusal
 * goes the way of every quota refusal (counted, logged within the server's rate limit), never a log line of its own
 * per relayed message.
 */
class RelayedRetainedQuotaTest {

    private final List<QuotaExceededException.Quota> refusals = new ArrayList<>();
    private final EventStreams events = new EventStreams(ServerQuotas.builder().maxRetainedPerUser(1).build(),
            (e, who) -> refusals.add(e.quota()));

    @Test
    void aRelayedRetainedRoutePublicationBeyondTheQuotaHereIsDeliveredAndCountedNotLoggedEachTime() {
        List<Object> delivered = new ArrayList<>();
        events.subscribeRoute("status/#", message -> delivered.add(message.payload()));

        events.publishRelayed(new TopicMessage("alice", "status/a", "kept", null), true);
        for (int i = 0; i < 100; i++) {
            events.publishRelayed(new TopicMessage("alice", "status/b" + i, "not kept " + i, null), true);
        }

        // the member that published them accepted them: delivered here too, only not kept
        assertThat(delivered).hasSize(101).startsWith("kept", "not kept 0");
        assertThat(refusals).hasSize(100).containsOnly(QuotaExceededException.Quota.RETAINED);
    }

    @Test
    void retainedMessagesOfTheClusterBeyondTheQuotaHereAreCounted() {
        events.keepRelayed(new TopicMessage("alice", "status/a", "kept", null));
        for (int i = 0; i < 100; i++) {
            events.keepRelayed(new TopicMessage("alice", "status/b" + i, "not kept", null));
        }

        assertThat(refusals).hasSize(100).containsOnly(QuotaExceededException.Quota.RETAINED);
    }
}
