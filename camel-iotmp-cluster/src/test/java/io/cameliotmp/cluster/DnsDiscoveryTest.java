package io.cameliotmp.cluster;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceRequest;
import io.cameliotmp.server.IotmpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Members that find each other by DNS, as in a Kubernetes deployment behind a headless service: no member lists
 * another, each is published in a zone as it starts, and one published later is found by the members already
 * running. The zone is a DNS server of the test's on loopback.
 */
class DnsDiscoveryTest {

    private final ClusterNodes nodes = new ClusterNodes();
    private DnsZone zone;

    @AfterEach
    void close() {
        nodes.close();
        if (zone != null) {
            zone.close();
        }
    }

    /** SRV records give every member's host and port, so members may listen on ports of their own. */
    @Test
    void membersPublishedAsServiceRecordsFindEachOtherAndCallAcross() throws Exception {
        zone = new DnsZone();
        zone.addAddress("members.fleet.test", InetAddress.getByName("127.0.0.1"));
        String service = "_iotmp._tcp.fleet.test";
        nodes.customize(options -> {
            zone.addService(service, "members.fleet.test", options.port());
            return ClusterOptions.of(options.name(), options.port(), null).withMemberName(options.memberName())
                    .withDns(new ClusterOptions.Dns(service, "srv", zone.resolver()));
        });
        List<IotmpServer> members = nodes.start(2);
        assertThat(ClusterNodes.cluster(members.get(0)).options().members()).isEmpty();

        IotmpServer third = nodes.extraMember("member-2", nodes.customization());
        nodes.awaitOneView();
        assertThat(ClusterNodes.cluster(third).members()).hasSize(3);

        nodes.device(members.get(0), "device-0");
        DeviceId device = new DeviceId("alice", "device-0");
        ClusterNodes.eventually().until(() -> third.locate(device).isPresent());
        assertThat(third.send(device, DeviceRequest.run("temperature", null), null).get(30, TimeUnit.SECONDS)
                .payload()).isEqualTo(21L);
    }

    /**
     * A records give the members' addresses, as a headless service publishes its pods; every member then listens on
     * the same port. Two loopback addresses stand for two pods.
     */
    @Test
    void membersPublishedAsAddressesOnOnePortFindEachOther() throws Exception {
        zone = new DnsZone();
        String headless = "fleet-members.iot.svc.cluster.local";
        int port = ClusterNodes.clusterPort();
        for (String pod : List.of("127.0.0.2", "127.0.0.3")) {
            InetAddress address = InetAddress.getByName(pod);
            nodes.extraMember("pod-" + pod, options -> {
                zone.addAddress(headless, address);
                return InfinispanCluster.memberByDns(options.name(), "pod-" + pod, pod, port, headless, "", zone
                        .resolver()).options();
            });
        }
        nodes.awaitOneView();
        assertThat(nodes.clusters()).allSatisfy(cluster -> assertThat(cluster.members()).hasSize(2));
        assertThat(zone.questions()).isPositive();
    }

    @Test
    void dnsDiscoveryAndAListOfMembersExcludeEachOther() {
        ClusterOptions.Dns dns = new ClusterOptions.Dns(" fleet.test ", "aaaa", " ");
        assertThat(dns).isEqualTo(new ClusterOptions.Dns("fleet.test", "AAAA", null));
        assertThat(new ClusterOptions.Dns("fleet.test", null, null).recordType()).isEqualTo("A");
        assertThatThrownBy(() -> ClusterOptions.of("fleet", 7800, "10.0.0.2:7800").withDns(dns))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exclude each other");
        assertThatThrownBy(() -> new ClusterOptions.Dns("fleet.test", "MX", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("A, AAAA or SRV");
        assertThatThrownBy(() -> new ClusterOptions.Dns(" ", "A", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("query");
        assertThat(new JGroupsStack(ClusterOptions.of("fleet", 7800, null).withDns(dns), channel -> { })
                .getProtocolStackString()).startsWith("TCP:DNS_PING:");
        assertThat(new JGroupsStack(ClusterOptions.of("fleet", 7800, "10.0.0.2:7800"), channel -> { })
                .getProtocolStackString()).startsWith("TCP:TCPPING:");
    }
}
