package io.cameliotmp.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.cameliotmp.camel.IotmpComponent;
import io.cameliotmp.camel.IotmpConfiguration;
import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.server.DeviceErrorException;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceNotConnectedException;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.test.AvailablePortFinder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.cluster.ClusterNodes.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two Camel applications, each with the iotmp component whose server is a member of one cluster: the producer
 * operations of one reach the devices of the other (run, describe, status, devices), with the same exceptions.
 */
class CamelClusterTest {

    private final List<CamelContext> contexts = new ArrayList<>();
    private final List<IotmpDevice> devices = new ArrayList<>();
    private final List<Integer> devicePorts = new ArrayList<>();

    @AfterEach
    void close() {
        devices.forEach(IotmpDevice::close);
        contexts.forEach(CamelContext::stop);
    }

    @Test
    void theProducerOperationsOfOneApplicationReachTheDevicesOfTheOther() throws Exception {
        String name = "camel-" + Long.toHexString(System.nanoTime());
        int[] clusterPorts = { ClusterNodes.clusterPort(), ClusterNodes.clusterPort() };
        String members = "127.0.0.1:" + clusterPorts[0] + ",127.0.0.1:" + clusterPorts[1];
        for (int i = 0; i < 2; i++) {
            contexts.add(application(new InfinispanCluster(ClusterOptions.of(name, clusterPorts[i], members)
                    .withMemberName("app-" + i))));
        }
        eventually().until(() -> contexts.stream().allMatch(c -> cluster(c).members().size() == 2));
        connect(devicePorts.get(1), "far");
        eventually().until(() -> cluster(contexts.get(0)).lookup(new DeviceId("alice", "far")).isPresent());

        ProducerTemplate caller = contexts.get(0).createProducerTemplate();
        assertThat(call(caller, "iotmp:device:alice/far/temperature", null)).isEqualTo(21L);
        assertThat(call(caller, "iotmp:device:alice/far/echo", Map.of("x", 1L))).isEqualTo(Map.of("x", 1L));
        assertThat(call(caller, "iotmp:device:alice/far?operation=describe", null))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsKeys("temperature", "echo");
        assertThat(call(caller, "iotmp:device:alice/far?operation=status", null))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("connected", true).containsEntry("member", "app-1");
        assertThat(call(caller, "iotmp:device:alice?operation=devices", null))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST).hasSize(1);
        assertThatThrownBy(() -> call(caller, "iotmp:device:alice/far/missing", null))
                .isInstanceOf(CamelExecutionException.class).hasCauseInstanceOf(DeviceErrorException.class);
        assertThatThrownBy(() -> call(caller, "iotmp:device:alice/nowhere/temperature", null))
                .isInstanceOf(CamelExecutionException.class).hasCauseInstanceOf(DeviceNotConnectedException.class);
    }

    private static Object call(ProducerTemplate template, String uri, Object body) {
        return template.requestBody(uri, body);
    }

    private CamelContext application(InfinispanCluster cluster) throws Exception {
        CamelContext context = new DefaultCamelContext();
        int port = AvailablePortFinder.getNextAvailable();
        devicePorts.add(port);
        IotmpComponent component = new IotmpComponent();
        IotmpConfiguration config = new IotmpConfiguration();
        config.setPort(port);
        config.setHost("127.0.0.1");
        config.setNativeTransport(false);
        config.setDeviceCredentials(ClusterNodes.CREDENTIALS);
        config.setServerCluster(cluster);
        component.setConfiguration(config);
        context.addComponent("iotmp", component);
        context.getRegistry().bind("cluster", cluster);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // a producer starts the server, and with it the membership
                from("direct:devices").to("iotmp:device:alice?operation=devices");
            }
        });
        context.start();
        return context;
    }

    private static InfinispanCluster cluster(CamelContext context) {
        return context.getRegistry().lookupByNameAndType("cluster", InfinispanCluster.class);
    }

    private void connect(int port, String name) {
        IotmpDevice device = IotmpDevice.builder().host("127.0.0.1").port(port).credentials("alice", name, "s3cr3t")
                .noReconnect().build();
        device.resource("temperature").output(() -> 21L);
        device.resource("echo").inputOutput(input -> input);
        devices.add(device);
        device.start().toCompletableFuture().join();
    }
}
