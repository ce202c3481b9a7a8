package io.cameliotmp.camel.device;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.ThreadPoolProfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exchanges of producers continue on the component's reply threads, never on the device's event loop, even when the
 * application has shrunk Camel's default thread pool profile and the reply threads are busy: Camel's default pools
 * run a task the pool cannot take on the thread that hands it over, which is the event loop when the server's answer
 * arrives, and the rest of the route would then hold every read and write of the device.
 */
class IotmpDeviceProducerRepliesTest extends IotmpDeviceTestSupport {

    private final CountDownLatch firstContinues = new CountDownLatch(1);
    private final CountDownLatch releaseFirst = new CountDownLatch(1);
    private final List<String> continuedOn = new CopyOnWriteArrayList<>();
    private final ExecutorService callers = Executors.newFixedThreadPool(3);

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        // one reply thread and room for one task, as an application that tuned the default profile may have
        ThreadPoolProfile defaults = context.getExecutorServiceManager().getDefaultThreadPoolProfile();
        defaults.setPoolSize(1);
        defaults.setMaxPoolSize(1);
        defaults.setMaxQueueSize(1);
        return context;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:service:bucket/readings").setBody(constant(null));
                from("iotmp-device:temperature").setBody(constant(20));
                from("direct:write").to("iotmp-device:readings?operation=writeBucket")
                        .process(e -> {
                            continuedOn.add(Thread.currentThread().getName());
                            if ("first".equals(e.getMessage().getBody())) {
                                firstContinues.countDown();
                                assertThat(releaseFirst.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
                            }
                        });
            }
        };
    }

    @AfterEach
    void release() {
        releaseFirst.countDown();
        callers.shutdownNow();
    }

    private Future<Exchange> write(String body) {
        return callers.submit(() -> template.send("direct:write", e -> e.getMessage().setBody(body)));
    }

    @Test
    void answersWaitForABusyReplyThreadRatherThanRunOnTheEventLoop() throws Exception {
        awaitConnected();
        Future<Exchange> first = write("first");
        assertThat(firstContinues.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

        Future<Exchange> second = write("second");
        Future<Exchange> third = write("third");
        ThreadPoolExecutor replies = (ThreadPoolExecutor) deviceComponent(context).replies();
        // both answers are in: queued for the reply thread, or (the bug) run by the event loop that received them
        eventually().untilAsserted(() -> assertThat(replies.getQueue().size() + continuedOn.size())
                .as("%s, continued on %s", replies, continuedOn).isGreaterThanOrEqualTo(3));
        releaseFirst.countDown();

        for (Future<Exchange> call : List.of(first, second, third)) {
            assertThat(call.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).getException()).isNull();
        }
        assertThat(continuedOn).hasSize(3).allSatisfy(thread -> assertThat(thread).contains("IotmpDeviceReplies"));
    }
}
