package io.cameliotmp.camel;

import java.util.Map;

import io.cameliotmp.cluster.ClusterNodes;
import io.cameliotmp.cluster.ClusterOptions;
import io.cameliotmp.cluster.InfinispanCluster;
import io.cameliotmp.test.FreePorts;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The iotmp health check of a clustered server: its member and view as details, DOWN once it is not a member. */
class ClusterHealthCheckTest {

    private CamelContext context;

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop();
        }
    }

    @Test
    void theHealthCheckShowsTheMembershipAndIsDownWithoutIt() throws Exception {
        int port = FreePorts.next();
        int clusterPort = ClusterNodes.clusterPort();
        InfinispanCluster cluster = new InfinispanCluster(ClusterOptions.of("health-" + System.nanoTime(),
                clusterPort, "127.0.0.1:" + clusterPort).withMemberName("solo"));
        context = new DefaultCamelContext();
        IotmpComponent component = new IotmpComponent();
        IotmpConfiguration config = new IotmpConfiguration();
        config.setHost("127.0.0.1");
        config.setPort(port);
        config.setNativeTransport(false);
        config.setDeviceCredentials("alice/*=s3cr3t");
        config.setServerCluster(cluster);
        component.setConfiguration(config);
        context.addComponent("iotmp", component);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:devices").to("iotmp:device:alice?operation=devices");
            }
        });
        context.start();

        IotmpHealthCheck check = new IotmpHealthCheck(component);
        HealthCheck.Result joined = check.call(Map.of());
        assertThat(joined.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(joined.getDetails()).containsEntry("127.0.0.1:" + port + ".cluster.member", "solo")
                .containsEntry("127.0.0.1:" + port + ".cluster.members", 1);

        assertThat(joined.getDetails()).containsEntry("127.0.0.1:" + port + ".draining", false);

        // a drained member is down, so a readiness probe or load balancer sends it no new device
        component.servers().running().get(0).drain(10).get(30, java.util.concurrent.TimeUnit.SECONDS);
        HealthCheck.Result draining = check.call(Map.of());
        assertThat(draining.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(draining.getMessage()).hasValueSatisfying(m -> assertThat(m).contains("draining"));
        assertThat(draining.getDetails()).containsEntry("127.0.0.1:" + port + ".draining", true);

        cluster.leave();
        HealthCheck.Result left = check.call(Map.of());
        assertThat(left.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(left.getMessage()).hasValueSatisfying(m -> assertThat(m).contains("not a member"));
    }
}
