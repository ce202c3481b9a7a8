package io.cameliotmp.springboot;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SanitizableData;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which keys the starter's SanitizingFunction masks: its secret properties in every form Spring gives a key (as
 * written, camel case, an environment variable, a list's entry, configprops' nested configuration bean), and nothing
 * else, not even options whose name holds a secret's.
 */
class IotmpSanitizingFunctionTest {

    @Test
    void theSecretPropertiesInEveryForm() {
        assertThat(new String[] {
                "camel.component.iotmp.device-credentials",
                "camel.component.iotmp.deviceCredentials",
                "camel.component.iotmp.device-credentials[2]",
                "CAMEL_COMPONENT_IOTMP_DEVICECREDENTIALS",
                "CAMEL_COMPONENT_IOTMP_DEVICECREDENTIALS_0_",
                "camel.component.iotmp.configuration.deviceCredentials",
                "camel.component.iotmp-device.credential",
                "CAMEL_COMPONENT_IOTMPDEVICE_CREDENTIAL",
                "camel.component.iotmp-device.configuration.credential",
                "camel.component.iotmp.cluster.tls-keystore-password",
                "camel.component.iotmp.cluster.tlsTruststorePassword",
                "CAMEL_COMPONENT_IOTMP_CLUSTER_TLSKEYSTOREPASSWORD" })
                .allSatisfy(key -> assertThat(masked(key)).as(key).isTrue());
    }

    @Test
    void nothingElse() {
        assertThat(new String[] {
                "camel.component.iotmp.max-credential-length",
                "camel.component.iotmp.host",
                "camel.component.iotmp.cluster.tls-keystore",
                "camel.component.iotmp-device.user",
                "camel.component.other.credential",
                "credential",
                "camel.iotmp.api.tokens[0].name" })
                .allSatisfy(key -> assertThat(masked(key)).as(key).isFalse());
    }

    private static boolean masked(String key) {
        Object value = IotmpSanitizingAutoConfiguration.sanitize(new SanitizableData(null, key, "v")).getValue();
        return SanitizableData.SANITIZED_VALUE.equals(value);
    }
}
