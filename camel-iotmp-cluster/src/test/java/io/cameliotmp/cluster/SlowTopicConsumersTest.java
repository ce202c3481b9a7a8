package io.cameliotmp.cluster;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.server.IotmpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.cluster.ClusterNodes.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A publication another member relays is handed to this member's topic consumers on a thread of this member's own
 * group for relayed publications ({@code relayedPublicationThreads}), and its answer, sent once the consumers are
 * done, keeps the relay in the publishing member's budget until then. Before, it ran on the Infinispan thread that
 * ran the relay's task, whose return was the acknowledgement: a consumer route that blocked held one of this member's
 * Infinispan blocking threads per relayed publication, enough of them took the whole pool (150), and whatever else
 * needed it on this member waited (here a server event another member raised toward a device of this one).
 */
class SlowTopicConsumersTest {

    /** More than the threads of Infinispan's blocking pool (150), as many as stalled the member before. */
    private static final int BLOCKED_PUBLICATIONS = 400;

    private final ClusterNodes nodes = new ClusterNodes();

    @AfterEach
    void close() {
        nodes.close();
    }

    @Test
    void relayedPublicationsIntoABlockedTopicConsumerLeaveTheMembersClusterThreadsFree() throws Exception {
        List<IotmpServer> members = nodes.start(2);
        IotmpServer receiver = members.get(0);
        IotmpServer publisher = members.get(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger entered = new AtomicInteger();
        Set<String> consumerThreads = ConcurrentHashMap.newKeySet();
        receiver.topics().subscribe("slow", message -> {
            consumerThreads.add(Thread.currentThread().getName());
            entered.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        IotmpDevice updater = nodes.device(receiver, "updater");
        BlockingQueue<Object> firmware = new LinkedBlockingQueue<>();
        updater.openServerStream(Map.of("event", "firmware"), firmware::add).toCompletableFuture()
                .get(60, TimeUnit.SECONDS);
        ClusterRelay relays = ClusterNodes.cluster(publisher).relay();
        InfinispanCluster receiving = ClusterNodes.cluster(receiver);
        int blocked = BLOCKED_PUBLICATIONS;
        try {
            for (int i = 0; i < blocked; i++) {
                publisher.topics().publish("alice", "slow", i, false);
            }
            // every publication reached the receiver: the consumer holds the threads of the receiver's group for
            // relayed publications, the others wait for one of them
            eventually().until(() -> receiving.relayedPublicationsWaiting() == blocked
                                     && entered.get() == ClusterOptions.RelayedPublications.DEFAULT_THREADS);
            assertThat(consumerThreads).allMatch(name -> name.contains("-publications-"));

            publisher.topics().raise("alice", "firmware", "2.0");

            assertThat(firmware.poll(60, TimeUnit.SECONDS)).isEqualTo("2.0");
            // the relays into the blocked consumer are still acknowledged only once it is done with them (the
            // event's own relay leaves the publisher's count once its task's answer is back)
            eventually().until(() -> relays.inFlight() == blocked);
            assertThat(receiving.relayedPublicationsWaiting()).isEqualTo(blocked);
        } finally {
            release.countDown();
        }
        eventually().until(() -> entered.get() == blocked && relays.inFlight() == 0
                                 && receiving.relayedPublicationsWaiting() == 0);
    }
}
