package io.cameliotmp.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.test.FreePorts;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.cluster.ClusterNodes.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Camel Main applications (no Spring Boot, no Java set-up of the cluster) that join one cluster by their properties
 * alone, as docs/cluster.md shows: the member is a bean made by {@link InfinispanCluster#member} and given to the
 * component as its {@code serverCluster}.
 */
class CamelMainClusterTest {

    private final List<Main> applications = new ArrayList<>();
    private final List<IotmpDevice> devices = new ArrayList<>();

    @AfterEach
    void close() {
        devices.forEach(IotmpDevice::close);
        applications.forEach(Main::stop);
    }

    @Test
    void camelMainApplicationsJoinOneClusterFromTheirPropertiesAndReachEachOthersDevices() throws Exception {
        String cluster = "main-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        int portA = ClusterNodes.clusterPort();
        int portB = ClusterNodes.clusterPort();
        String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
        int devicePortB = FreePorts.next();
        CamelContext a = start(cluster, "node-a", portA, members, FreePorts.next());
        CamelContext b = start(cluster, "node-b", portB, members, devicePortB);
        eventually().until(() -> member(a).members().size() == 2 && member(b).members().size() == 2);
        assertThat(member(a).memberName()).isEqualTo("node-a");

        IotmpDevice thermo = IotmpDevice.builder().host("127.0.0.1").port(devicePortB)
                .credentials("alice", "thermo", "s3cr3t").noReconnect().build();
        devices.add(thermo);
        thermo.resource("temperature").output(() -> 21L);
        thermo.start().toCompletableFuture().join();
        eventually().until(() -> member(a).lookup(new io.cameliotmp.server.DeviceId("alice", "thermo")).isPresent());

        // a route of node-a runs the resource of the device connected to node-b
        assertThat(a.createProducerTemplate().requestBody("direct:temperature", (Object) null)).isEqualTo(21L);
    }

    private CamelContext start(String cluster, String memberName, int port, String members, int devicePort)
            throws Exception {
        Main main = new Main();
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:temperature").to("iotmp:device:alice/thermo/temperature");
            }
        });
        main.addInitialProperty("camel.beans.cluster", "#class:" + InfinispanCluster.class.getName() + "#member('"
                                                       + cluster + "', '" + memberName + "', '127.0.0.1', " + port
                                                       + ", '" + members + "')");
        main.addInitialProperty("camel.component.iotmp.server-cluster", "#bean:cluster");
        main.addInitialProperty("camel.component.iotmp.host", "127.0.0.1");
        main.addInitialProperty("camel.component.iotmp.port", String.valueOf(devicePort));
        main.addInitialProperty("camel.component.iotmp.native-transport", "false");
        main.addInitialProperty("camel.component.iotmp.device-credentials", ClusterNodes.CREDENTIALS);
        applications.add(main);
        main.start();
        return main.getCamelContext();
    }

    private static InfinispanCluster member(CamelContext application) {
        return application.getRegistry().lookupByNameAndType("cluster", InfinispanCluster.class);
    }
}
