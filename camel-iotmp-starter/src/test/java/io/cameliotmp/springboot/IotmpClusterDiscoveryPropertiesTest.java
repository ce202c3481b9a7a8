package io.cameliotmp.springboot;

import io.cameliotmp.cluster.ClusterOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the discovery properties become cluster options: a list of members, or DNS, never both. */
class IotmpClusterDiscoveryPropertiesTest {

    @Test
    void aDnsQueryMakesTheMembersFindEachOtherByDns() {
        IotmpClusterProperties properties = new IotmpClusterProperties();
        properties.setDnsQuery("_iotmp._tcp.fleet.iot.svc.cluster.local");
        properties.setDnsRecordType("srv");
        properties.setDnsResolver("10.96.0.10:53");
        ClusterOptions options = properties.toOptions();
        assertThat(options.dns()).isEqualTo(new ClusterOptions.Dns("_iotmp._tcp.fleet.iot.svc.cluster.local", "SRV",
                "10.96.0.10:53"));
        assertThat(options.members()).isEmpty();
    }

    @Test
    void withoutADnsQueryDiscoveryIsTheListOfMembers() {
        IotmpClusterProperties properties = new IotmpClusterProperties();
        properties.setMembers("10.0.0.11:7800,10.0.0.12:7800");
        properties.setDnsQuery(" ");
        ClusterOptions options = properties.toOptions();
        assertThat(options.dns()).isNull();
        assertThat(options.members()).containsExactly("10.0.0.11:7800", "10.0.0.12:7800");
    }

    @Test
    void membersAndADnsQueryTogetherAreRefused() {
        IotmpClusterProperties properties = new IotmpClusterProperties();
        properties.setMembers("10.0.0.11:7800");
        properties.setDnsQuery("fleet-members.iot.svc.cluster.local");
        assertThatThrownBy(properties::toOptions).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exclude each other");
    }
}
