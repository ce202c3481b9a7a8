package io.cameliotmp.springboot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.camel.IotmpConstants;
import io.cameliotmp.cluster.ClusterOptions;
import io.cameliotmp.cluster.InfinispanCluster;
import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.server.ServerCluster;
import io.cameliotmp.test.FreePorts;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two Spring Boot applications on loopback form one cluster by {@code camel.component.iotmp.cluster.*} properties
 * alone, and a route of either reaches a device connected to the other: what a fleet behind a load balancer needs of
 * the starter (the quickstart's three-node script test does the same with separate JVMs).
 */
class IotmpClusterTwoApplicationsTest {

    /** Generous: two applications join a cluster on a loaded two-core machine. */
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final List<ConfigurableApplicationContext> applications = new ArrayList<>();
    private final List<IotmpDevice> devices = new ArrayList<>();

    /**
     * Auto-configuration and one resource route, nothing scanned: the other test classes' beans stay out (and, not
     * being a component, this class stays out of their scans).
     */
    @EnableAutoConfiguration
    static class Member {
        @Bean
        RouteBuilder serverResource() {
            return new RouteBuilder() {
                @Override
                public void configure() {
                    // starts the member's IOTMP server, which then joins the cluster
                    from("iotmp:server:version").setBody(constant("1.0"));
                }
            };
        }
    }

    @AfterEach
    void stop() {
        devices.forEach(IotmpDevice::close);
        applications.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void eachApplicationReachesTheDevicesConnectedToTheOther() throws Exception {
        int[] iotmpPorts = {FreePorts.next(), FreePorts.next()};
        int[] clusterPorts = {FreePorts.clusterPort(ClusterOptions.DEFAULT_FD_PORT_OFFSET),
            FreePorts.clusterPort(ClusterOptions.DEFAULT_FD_PORT_OFFSET)};
        String members = "127.0.0.1:" + clusterPorts[0] + ",127.0.0.1:" + clusterPorts[1];
        for (int n = 0; n < 2; n++) {
            applications.add(new SpringApplicationBuilder(Member.class).properties(
                    "spring.main.web-application-type=none",
                    "camel.springboot.name=member-" + n,
                    "camel.component.iotmp.port=" + iotmpPorts[n],
                    "camel.component.iotmp.native-transport=false",
                    "camel.component.iotmp.device-credentials=demo/*=secret",
                    "camel.component.iotmp.cluster.enabled=true",
                    "camel.component.iotmp.cluster.name=two-applications",
                    "camel.component.iotmp.cluster.member-name=app-" + n,
                    "camel.component.iotmp.cluster.bind-address=127.0.0.1",
                    "camel.component.iotmp.cluster.port=" + clusterPorts[n],
                    "camel.component.iotmp.cluster.members=" + members).run());
        }
        for (ConfigurableApplicationContext application : applications) {
            InfinispanCluster cluster = (InfinispanCluster) application.getBean(ServerCluster.class);
            await("both members in " + cluster.memberName() + "'s view").atMost(WAIT)
                    .until(() -> cluster.members().size() == 2);
        }

        connect("sensor-0", iotmpPorts[0], 20);
        connect("sensor-1", iotmpPorts[1], 21);

        for (int n = 0; n < 2; n++) {
            ProducerTemplate producer = applications.get(n).getBean(CamelContext.class).createProducerTemplate();
            String other = "sensor-" + (1 - n);
            await(other + " in app-" + n + "'s directory").atMost(WAIT)
                    .until(() -> connected(producer).contains(other));
            assertThat(connected(producer)).containsExactlyInAnyOrder("sensor-0", "sensor-1");
            Object answer = producer.requestBodyAndHeaders("iotmp:device?operation=run", null,
                    Map.of(IotmpConstants.USER, "demo", IotmpConstants.DEVICE, other,
                            IotmpConstants.RESOURCE, "temperature"));
            assertThat(answer).as("app-%d's RUN of %s", n, other).isEqualTo(Map.of("celsius", 21L - n));
        }
    }

    private void connect(String device, int port, int celsius) throws Exception {
        IotmpDevice built = IotmpDevice.builder().host("127.0.0.1").port(port)
                .credentials("demo", device, "secret").noReconnect().build();
        devices.add(built);
        built.resource("temperature").output(() -> Map.of("celsius", celsius));
        built.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** The devices the cluster lists as connected, asked through one member. */
    private static List<String> connected(ProducerTemplate producer) {
        List<?> listed = producer.requestBodyAndHeader("iotmp:device?operation=devices", null,
                IotmpConstants.USER, "demo", List.class);
        return listed.stream().map(entry -> String.valueOf(((Map<?, ?>) entry).get("device"))).toList();
    }
}
