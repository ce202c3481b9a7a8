package io.cameliotmp.cluster;

import java.util.List;

import io.cameliotmp.server.IotmpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Static discovery as deployments use it: members named by host names, some of which do not resolve yet (a
 * Kubernetes pod not created or not ready, whose record a headless service does not publish).
 */
class MemberDiscoveryTest {

    private final ClusterNodes nodes = new ClusterNodes();

    @AfterEach
    void close() {
        nodes.close();
    }

    @Test
    void aMemberWhoseListNamesAnUnresolvableHostStillStartsAndJoins() {
        nodes.start(1);
        IotmpServer second = nodes.extraMember("member-1", options -> ClusterOptions.of(options.name(),
                options.port(), "no-such-member.invalid:7999," + String.join(",", options.members()))
                .withMemberName(options.memberName()));
        assertThat(second.isRunning()).isTrue();
        nodes.awaitOneView();
    }

    @Test
    void membersAreHandedToTcppingAsHostAndPort() {
        ClusterOptions options = ClusterOptions.of("fleet", 7800, "node-1.fleet.svc:7800, [::1]:7801,10.0.0.3:7802")
                .withBindAddress("10.0.0.1");
        assertThat(JGroupsStack.initialHosts(options))
                .isEqualTo("10.0.0.1[7800],node-1.fleet.svc[7800],::1[7801],10.0.0.3[7802]");
        assertThat(options.members()).isEqualTo(List.of("node-1.fleet.svc:7800", "[::1]:7801", "10.0.0.3:7802"));
    }
}
