package io.cameliotmp.springboot;

import io.cameliotmp.camel.IotmpComponent;
import io.cameliotmp.cluster.ClusterOptions;
import io.cameliotmp.cluster.InfinispanCluster;
import io.cameliotmp.cluster.RelayBounds;
import io.cameliotmp.server.ServerCluster;
import io.cameliotmp.test.FreePorts;
import org.apache.camel.CamelContext;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application joins a cluster by the {@code camel.component.iotmp.cluster.*} properties alone: the starter
 * creates the {@link InfinispanCluster}, the component's server joins it when a route starts that server.
 */
@CamelSpringBootTest
@SpringBootTest
@DirtiesContext
@TestPropertySource(properties = {
        "camel.component.iotmp.device-credentials=demo/device-1=secret-1",
        "camel.component.iotmp.native-transport=false",
        "camel.component.iotmp.cluster.enabled=true",
        "camel.component.iotmp.cluster.name=starter-test",
        "camel.component.iotmp.cluster.member-name=spring-1",
        "camel.component.iotmp.cluster.bind-address=127.0.0.1",
        "camel.component.iotmp.cluster.max-relays-in-flight=250",
        "camel.component.iotmp.cluster.max-relay-bytes-in-flight=1000000",
        "camel.component.iotmp.cluster.max-relays-per-device=25",
        "camel.component.iotmp.cluster.max-relay-bytes-per-device=100000",
        "camel.component.iotmp.cluster.max-relays-per-user=50",
        "camel.component.iotmp.cluster.max-relay-bytes-per-user=200000",
        "camel.component.iotmp.cluster.relayed-publication-threads=4",
        "camel.component.iotmp.cluster.max-queued-relayed-publications=500",
        "camel.component.iotmp.cluster.max-queued-relayed-publication-bytes=3000000"
})
@Import(EchoResource.class)
class IotmpClusterPropertiesTest {

    private static final int PORT = FreePorts.next();
    private static final int CLUSTER_PORT = FreePorts.clusterPort(ClusterOptions.DEFAULT_FD_PORT_OFFSET);

    @DynamicPropertySource
    static void ports(DynamicPropertyRegistry registry) {
        registry.add("camel.component.iotmp.port", () -> PORT);
        registry.add("camel.component.iotmp.cluster.port", () -> CLUSTER_PORT);
        registry.add("camel.component.iotmp.cluster.members", () -> "127.0.0.1:" + CLUSTER_PORT);
    }

    @Autowired
    CamelContext camelContext;

    @Autowired
    ServerCluster cluster;

    @Test
    void thePropertiesMakeTheServerAMemberOfTheCluster() {
        IotmpComponent component = camelContext.getComponent("iotmp", IotmpComponent.class);
        assertThat(component.getConfiguration().getServerCluster()).isSameAs(cluster);
        InfinispanCluster infinispan = (InfinispanCluster) cluster;
        assertThat(infinispan.options().name()).isEqualTo("starter-test");
        assertThat(infinispan.options().port()).isEqualTo(CLUSTER_PORT);
        assertThat(infinispan.options().relayBounds())
                .isEqualTo(new RelayBounds(250, 1_000_000, 25, 100_000, 50, 200_000));
        assertThat(infinispan.options().relayedPublications())
                .isEqualTo(new ClusterOptions.RelayedPublications(4, 500, 3_000_000));
        assertThat(infinispan.memberName()).isEqualTo("spring-1");
        // the route started the server, which joined: a cluster of one
        assertThat(infinispan.members()).containsExactly("spring-1");
    }
}
