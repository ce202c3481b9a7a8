package io.cameliotmp.camel.device;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One route removes a resource while another adds the same path (a route replaced by another): the connection's
 * table of owners and the device's resources, which the server sees, agree afterwards.
 */
class IotmpDeviceResourceOwnersTest extends IotmpDeviceTestSupport {

    private final CountDownLatch letGo = new CountDownLatch(1);

    @AfterEach
    void letGoOfTheRemoval() {
        letGo.countDown(); // a failed test must not leave a thread held
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:events").to("mock:server"); // starts the server
                from("iotmp-device:load").setBody(constant(1));
            }
        };
    }

    @Test
    void aPathAddedWhileAnotherOwnerRemovesItStaysOnTheDevice() throws Exception {
        awaitConnected();
        SharedDevice shared = connection();
        Object leaving = new Object();
        Object arriving = new Object();
        shared.addResource("temp", IotmpResourceKind.output, null, request -> "leaving", leaving);

        CountDownLatch removing = new CountDownLatch(1);
        shared.betweenRemovalSteps = () -> {
            shared.betweenRemovalSteps = () -> {
            };
            removing.countDown();
            try {
                letGo.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        CompletableFuture<Void> removed = new CompletableFuture<>();
        Thread remover = new Thread(() -> run(() -> shared.removeResource("temp", leaving), removed), "remover");
        remover.start();
        assertThat(removing.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

        CompletableFuture<Void> added = new CompletableFuture<>();
        Thread adder = new Thread(() -> run(() -> shared.addResource("temp", IotmpResourceKind.output, null,
                request -> "arriving", arriving), added), "adder");
        adder.start();
        // either the add is done, or it waits for the removal to finish
        eventually().until(() -> added.isDone() || blockedBy(adder, remover));
        letGo.countDown();
        removed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        added.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

        assertThatThrownBy(() -> shared.addResource("temp", IotmpResourceKind.output, null, request -> "third",
                new Object())).as("the table names an owner of temp").isInstanceOf(IllegalStateException.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> api = template.requestBody(SERVER_SIDE + "?operation=describe", (Object) null, Map.class);
        assertThat(api).as("the device has the resource the table says it has").containsKey("temp");
        assertThat(template.requestBody(SERVER_SIDE + "/temp", (Object) null, String.class)).isEqualTo("arriving");
    }

    private static void run(Runnable action, CompletableFuture<Void> done) {
        try {
            action.run();
            done.complete(null);
        } catch (Throwable e) {
            done.completeExceptionally(e);
        }
    }

    /** Whether {@code waiter} is blocked entering a monitor that {@code owner} holds. */
    private static boolean blockedBy(Thread waiter, Thread owner) {
        ThreadInfo info = ManagementFactory.getThreadMXBean().getThreadInfo(waiter.getId());
        return info != null && info.getThreadState() == Thread.State.BLOCKED
               && info.getLockOwnerId() == owner.getId();
    }
}
