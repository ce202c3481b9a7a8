package io.cameliotmp.springboot;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.info.InfoEndpoint;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The actuator endpoints of an application that shows values ({@code show-values=always}, as
 * {@code when-authorized} does to an authorized caller) show none of the starter's secrets: Spring Boot masks by key
 * only what a SanitizingFunction asks for, and the devices' credentials and the cluster's store passwords were shown
 * in clear. The other properties still show.
 */
@CamelSpringBootTest
@SpringBootTest
@DirtiesContext
@TestPropertySource(properties = {
        "camel.component.iotmp.device-credentials=demo/gateway=server-side-secret",
        "camel.component.iotmp-device.credential=device-side-secret",
        "camel.component.iotmp.cluster.tls-keystore-password=keystore-secret",
        "camel.component.iotmp.cluster.tls-truststore-password=truststore-secret",
        "camel.component.iotmp.max-credential-length=777",
        "management.endpoint.configprops.show-values=always",
        "management.endpoint.env.show-values=always",
        "management.endpoint.health.show-details=always",
        "management.endpoints.web.exposure.include=configprops,env,health,info"
})
class IotmpActuatorSecretsTest {

    private static final String[] SECRETS = {"server-side-secret", "device-side-secret", "keystore-secret",
                                             "truststore-secret" };

    private final ObjectMapper json = new ObjectMapper().findAndRegisterModules();

    @Autowired
    ConfigurationPropertiesReportEndpoint configprops;
    @Autowired
    EnvironmentEndpoint env;
    @Autowired
    HealthEndpoint health;
    @Autowired
    InfoEndpoint info;

    @Test
    void configpropsShowsNoCredential() throws Exception {
        String shown = json.writeValueAsString(configprops.configurationProperties());

        assertThat(shown).doesNotContain(SECRETS).contains("\"deviceCredentials\":\"******\"")
                .contains("\"credential\":\"******\"").contains("\"maxCredentialLength\":777");
    }

    @Test
    void envShowsNoCredentialNorStorePassword() throws Exception {
        String shown = json.writeValueAsString(env.environment(null));

        assertThat(shown).doesNotContain(SECRETS).contains("\"camel.component.iotmp.device-credentials\"")
                .contains("777");
    }

    @Test
    void healthAndInfoShowNoSecret() throws Exception {
        assertThat(json.writeValueAsString(health.health())).doesNotContain(SECRETS);
        assertThat(json.writeValueAsString(info.info())).doesNotContain(SECRETS);
    }
}
