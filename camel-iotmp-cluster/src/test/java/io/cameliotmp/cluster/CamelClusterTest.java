package io.cameliotmp.cluster;

import java.util.List;
import java.util.Map;

import io.cameliotmp.server.DeviceErrorException;
import io.cameliotmp.server.DeviceNotConnectedException;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two Camel applications, each with the iotmp component whose server is a member of one cluster: the producer
 * operations of one reach the devices of the other (run, describe, status, devices, properties), with the same
 * exceptions.
 */
class CamelClusterTest {

    private final ClusterNodes nodes = new ClusterNodes();

    @AfterEach
    void close() {
        nodes.close();
    }

    @Test
    void theProducerOperationsOfOneApplicationReachTheDevicesOfTheOther() throws Exception {
        List<CamelContext> applications = nodes.applications(2, i -> null);
        nodes.device(applications.get(1), "far", device -> { });

        ProducerTemplate caller = applications.get(0).createProducerTemplate();
        assertThat(call(caller, "iotmp:device:alice/far/temperature", null)).isEqualTo(21L);
        assertThat(call(caller, "iotmp:device:alice/far/echo", Map.of("x", 1L))).isEqualTo(Map.of("x", 1L));
        assertThat(call(caller, "iotmp:device:alice/far?operation=describe", null))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsKeys("temperature", "echo");
        assertThat(call(caller, "iotmp:device:alice/far?operation=status", null))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("connected", true).containsEntry("member", "member-1");
        assertThat(call(caller, "iotmp:device:alice?operation=devices", null))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST).hasSize(1);
        // a property set through one application is the device's property on the other (the cluster's store)
        call(caller, "iotmp:device:alice/far/config?operation=setProperty", Map.of("mode", "eco"));
        ProducerTemplate other = applications.get(1).createProducerTemplate();
        assertThat(call(other, "iotmp:device:alice/far/config?operation=getProperty", null))
                .isEqualTo(Map.of("mode", "eco"));
        assertThatThrownBy(() -> call(caller, "iotmp:device:alice/far/missing", null))
                .isInstanceOf(CamelExecutionException.class).hasCauseInstanceOf(DeviceErrorException.class);
        assertThatThrownBy(() -> call(caller, "iotmp:device:alice/nowhere/temperature", null))
                .isInstanceOf(CamelExecutionException.class).hasCauseInstanceOf(DeviceNotConnectedException.class);
    }

    private static Object call(ProducerTemplate template, String uri, Object body) {
        return template.requestBody(uri, body);
    }
}
