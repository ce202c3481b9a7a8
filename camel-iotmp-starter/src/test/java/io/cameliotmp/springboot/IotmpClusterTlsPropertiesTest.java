package io.cameliotmp.springboot;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The cluster's TLS properties: both stores make the members talk TLS; one without the other is refused, naming the
 * properties. The trust store alone left the members talking in clear without a word, and the key store alone
 * failed on a bare NullPointerException. These look at the options the properties describe; no member starts.
 */
class IotmpClusterTlsPropertiesTest {

    private static IotmpClusterProperties properties() {
        IotmpClusterProperties properties = new IotmpClusterProperties();
        properties.setEnabled(true);
        return properties;
    }

    @Test
    void bothStoresMakeTheMembersTalkTls() {
        IotmpClusterProperties properties = properties();
        properties.setTlsKeystore("/etc/iotmp/member.p12");
        properties.setTlsKeystorePassword("k");
        properties.setTlsTruststore("/etc/iotmp/members.p12");
        properties.setTlsTruststorePassword("t");

        assertThat(properties.toOptions().tls()).isNotNull();
    }

    @Test
    void neitherStoreIsNoTls() {
        assertThat(properties().toOptions().tls()).isNull();
    }

    @Test
    void theTrustStoreAloneIsRefusedRatherThanTalkingInClear() {
        IotmpClusterProperties properties = properties();
        properties.setTlsTruststore("/etc/iotmp/members.p12");
        properties.setTlsTruststorePassword("t");

        assertThatThrownBy(properties::toOptions).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("camel.component.iotmp.cluster.tls-keystore")
                .hasMessageContaining("camel.component.iotmp.cluster.tls-truststore")
                .hasMessageContaining("set tls-keystore");
    }

    @Test
    void theKeyStoreAloneIsRefusedNamingTheTrustStore() {
        IotmpClusterProperties properties = properties();
        properties.setTlsKeystore("/etc/iotmp/member.p12");

        assertThatThrownBy(properties::toOptions).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("set tls-truststore");
    }

    @Test
    void aPasswordWithoutTheStoresIsRefused() {
        IotmpClusterProperties properties = properties();
        properties.setTlsKeystorePassword("k");

        assertThatThrownBy(properties::toOptions).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("set both stores");
    }
}
