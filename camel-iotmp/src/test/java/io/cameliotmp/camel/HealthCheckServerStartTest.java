package io.cameliotmp.camel;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.server.AloneLikeSingleNode;
import io.cameliotmp.server.LocalDevices;
import io.cameliotmp.server.ServerCluster;
import io.cameliotmp.testing.TestPorts;
import org.apache.camel.CamelContext;
import org.apache.camel.FailedToCreateProducerException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.SupervisingRouteController;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The iotmp health check while a server starts and when it cannot: it looked only at the running servers, so with a
 * supervising route controller (the context runs on when a route fails to start) a server whose port was taken, or
 * that was still joining its cluster, was in no list and the check said UP with no server listening.
 */
class HealthCheckServerStartTest {

    private CamelContext context;

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop();
        }
    }

    private HealthCheck startSupervised(int port, ServerCluster cluster, boolean autoStartup) throws Exception {
        context = new DefaultCamelContext();
        SupervisingRouteController controller = context.getRouteController().supervising();
        controller.setInitialDelay(0);
        controller.setBackOffMaxAttempts(1);
        IotmpConfiguration config = context.getComponent("iotmp", IotmpComponent.class).getConfiguration();
        config.setHost("127.0.0.1");
        config.setPort(port);
        config.setDeviceCredentials("alice/*=pw");
        if (cluster != null) {
            config.setServerCluster(cluster);
        }
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:events").routeId("events").autoStartup(autoStartup).to("log:events?level=OFF");
            }
        });
        context.start();
        return HealthCheckRegistry.get(context).getCheck("iotmp").orElseThrow();
    }

    private void awaitFailedStart() {
        SupervisingRouteController controller = context.getRouteController().adapt(SupervisingRouteController.class);
        eventually().until(() -> controller.getRestartException("events") != null
                                 || !controller.getExhaustedRoutes().isEmpty());
    }

    @Test
    void aServerWhosePortIsTakenIsDownUntilItsRouteStartsIt() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();
            HealthCheck check = startSupervised(port, null, true);
            awaitFailedStart();

            HealthCheck.Result readiness = check.callReadiness();
            assertThat(readiness.getState()).isEqualTo(HealthCheck.State.DOWN);
            assertThat(readiness.getMessage()).hasValueSatisfying(m -> assertThat(m)
                    .contains("127.0.0.1:" + port + " failed to start", "Address already in use"));
            assertThat(check.callLiveness().getState()).isEqualTo(HealthCheck.State.DOWN);

            taken.close();
            context.getRouteController().startRoute("events");
            assertThat(check.callReadiness().getState()).isEqualTo(HealthCheck.State.UP);
            assertThat(check.callReadiness().getDetails()).containsEntry("servers", 1);
        }
    }

    @Test
    void aFailedStartNoLongerCountsOnceItsRouteIsRemoved() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            HealthCheck check = startSupervised(taken.getLocalPort(), null, true);
            awaitFailedStart();
            assertThat(check.callReadiness().getState()).isEqualTo(HealthCheck.State.DOWN);

            context.getRouteController().stopRoute("events");
            context.removeRoute("events");
            assertThat(check.callReadiness().getState()).isEqualTo(HealthCheck.State.UP);
        }
    }

    /** A producer template makes a new producer for a send whose producer failed to start. */
    @Test
    void aFailedStartOfATemplatesProducerNoLongerCountsOnceASendSucceeds() throws Exception {
        HealthCheck check = startSupervised(TestPorts.next(), null, true);
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            String uri = "iotmp:device:alice?operation=devices&port=" + taken.getLocalPort();
            ProducerTemplate template = context.createProducerTemplate();
            assertThatThrownBy(() -> template.requestBody(uri, (Object) null))
                    .isInstanceOf(FailedToCreateProducerException.class);
            assertThat(check.callReadiness().getState()).isEqualTo(HealthCheck.State.DOWN);

            taken.close();
            assertThat((Object) template.requestBody(uri, (Object) null)).isInstanceOf(List.class);
            assertThat(check.callReadiness().getState()).isEqualTo(HealthCheck.State.UP);
        }
    }

    @Test
    void aServerJoiningItsClusterIsNotReadyButAlive() throws Exception {
        SlowJoin cluster = new SlowJoin();
        int port = TestPorts.next();
        HealthCheck check = startSupervised(port, cluster, false);
        CompletableFuture<Void> start = CompletableFuture.runAsync(() -> {
            try {
                context.getRouteController().startRoute("events");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            assertThat(cluster.joining.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            HealthCheck.Result readiness = check.callReadiness();
            assertThat(readiness.getState()).isEqualTo(HealthCheck.State.DOWN);
            assertThat(readiness.getMessage()).hasValueSatisfying(m -> assertThat(m)
                    .contains("127.0.0.1:" + port + " is starting"));
            // a liveness probe that restarted the application would start the join all over again
            assertThat(check.callLiveness().getState()).isEqualTo(HealthCheck.State.UP);
        } finally {
            cluster.proceed.countDown();
        }
        start.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(check.callReadiness().getState()).isEqualTo(HealthCheck.State.UP);
    }

    /** A server alone whose join waits for the test. */
    private static final class SlowJoin extends AloneLikeSingleNode {
        final CountDownLatch joining = new CountDownLatch(1);
        final CountDownLatch proceed = new CountDownLatch(1);

        @Override
        public void join(LocalDevices local) {
            joining.countDown();
            try {
                if (!proceed.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("the test did not let the join proceed");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            super.join(local);
        }
    }
}
