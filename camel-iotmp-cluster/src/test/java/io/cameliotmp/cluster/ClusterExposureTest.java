package io.cameliotmp.cluster;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A member that listens beyond this machine without TLS is told so at join (a WARN): members trust each other with
 * every device, property and lock, so whoever reaches an open port joins the fleet.
 */
class ClusterExposureTest {

    private static final ClusterOptions.Tls TLS =
            new ClusterOptions.Tls("member.p12", "secret", "members.p12", "secret");

    @Test
    void aLoopbackMemberOrOneWithTlsIsNotExposed() {
        assertThat(ClusterOptions.of("fleet", 7800, null).withBindAddress("127.0.0.1").exposedWithoutTls()).isFalse();
        assertThat(ClusterOptions.of("fleet", 7800, null).withBindAddress("::1").exposedWithoutTls()).isFalse();
        assertThat(ClusterOptions.of("fleet", 7800, null).withBindAddress("10.1.2.3").withTls(TLS)
                .exposedWithoutTls()).isFalse();
    }

    @Test
    void anyOtherAddressWithoutTlsIsExposed() {
        assertThat(ClusterOptions.of("fleet", 7800, null).withBindAddress("10.1.2.3").exposedWithoutTls()).isTrue();
        assertThat(ClusterOptions.of("fleet", 7800, null).withBindAddress("0.0.0.0").exposedWithoutTls())
                .as("every interface").isTrue();
        assertThat(ClusterOptions.of("fleet", 7800, null).withBindAddress("no-such-host.invalid")
                .exposedWithoutTls()).as("unknown, so taken as exposed").isTrue();
    }
}
