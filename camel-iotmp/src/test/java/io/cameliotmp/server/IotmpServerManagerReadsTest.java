package io.cameliotmp.server;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What health checks, the dev console and JMX read of the manager (its running servers) does not wait for a server
 * that is stopping: stopping takes seconds when devices are slow to close or a cluster is left, and a health probe
 * that waited that long would time out.
 */
class IotmpServerManagerReadsTest {

    private final CountDownLatch closing = new CountDownLatch(1);
    private final CountDownLatch mayClose = new CountDownLatch(1);
    private final IotmpServerManager manager = new IotmpServerManager();

    /** Metrics whose close, the last step of a server's stop, waits until the test lets it go on. */
    private final ServerMetrics.Factory slowToClose = server -> new ServerMetrics() {
        @Override
        public void close() {
            closing.countDown();
            try {
                mayClose.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    };

    private IotmpServerConfig config() {
        return IotmpServerConfig.builder().host("127.0.0.1").port(0).nativeTransport(false).ioThreads(1)
                .metrics(slowToClose).build();
    }

    @AfterEach
    void stopAll() {
        mayClose.countDown();
        manager.stopAll();
    }

    @Test
    void runningServersAreListedWhileOneStops() throws Exception {
        IotmpServerManager.Handle handle = manager.acquire(config());
        assertThat(manager.running()).containsExactly(handle.server());

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(handle::close);
        assertThat(closing.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the server is stopping").isTrue();

        CompletableFuture<List<IotmpServer>> listed = CompletableFuture.supplyAsync(manager::running);
        assertThat(listed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the stopping server is gone").isEmpty();
        CompletableFuture<IotmpServer> found = CompletableFuture.supplyAsync(() -> manager.find("127.0.0.1", 0));
        assertThat(found.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isNull();
        assertThat(stopping).isNotDone();

        // a new server on the address still waits for the one before to be gone
        CompletableFuture<IotmpServerManager.Handle> next
                = CompletableFuture.supplyAsync(() -> manager.acquire(config()));
        mayClose.countDown();
        stopping.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        IotmpServer restarted = next.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).server();
        assertThat(restarted).isNotSameAs(handle.server());
        assertThat(restarted.isRunning()).isTrue();
        assertThat(manager.running()).containsExactly(restarted);
    }
}
