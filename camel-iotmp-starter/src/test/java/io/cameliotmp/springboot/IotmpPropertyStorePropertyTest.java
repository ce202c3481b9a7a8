package io.cameliotmp.springboot;

import java.util.concurrent.TimeUnit;

import io.cameliotmp.camel.IotmpComponent;
import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.JdbcPropertyStore;
import io.cameliotmp.test.FreePorts;
import org.apache.camel.CamelContext;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Device properties in a database, configured as operations.md shows: a {@link JdbcPropertyStore} bean and
 * {@code camel.component.iotmp.property-store=#propertyStore}. What a device writes with the built-in property
 * service lands in the database and is read back from it.
 */
@CamelSpringBootTest
@SpringBootTest
@DirtiesContext
@TestPropertySource(properties = {
    "camel.component.iotmp.device-credentials=demo/device-1=secret-1",
    "camel.component.iotmp.property-store=#propertyStore"})
@Import(EchoResource.class)
class IotmpPropertyStorePropertyTest {

    private static final int PORT = FreePorts.next();

    @DynamicPropertySource
    static void port(DynamicPropertyRegistry registry) {
        registry.add("camel.component.iotmp.port", () -> PORT);
    }

    @TestConfiguration
    static class Database {
        @Bean
        JdbcPropertyStore propertyStore() {
            JdbcDataSource database = new JdbcDataSource();
            database.setURL("jdbc:h2:mem:iotmp-properties-" + PORT + ";DB_CLOSE_DELAY=-1");
            return new JdbcPropertyStore(database);
        }

    }

    @Autowired
    CamelContext camelContext;

    @Autowired
    JdbcPropertyStore propertyStore;

    @Test
    void theDevicesPropertiesAreKeptInTheConfiguredStore() throws Exception {
        IotmpComponent component = camelContext.getComponent("iotmp", IotmpComponent.class);
        assertThat(component.getConfiguration().getPropertyStore()).isSameAs(propertyStore);

        try (IotmpDevice device = IotmpDevice.builder().host("127.0.0.1").port(PORT)
                .credentials("demo", "device-1", "secret-1").noReconnect().build()) {
            device.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
            device.setProperty("threshold", 23.5, true).toCompletableFuture().get(30, TimeUnit.SECONDS);

            // PSON carries 23.5 as a float, which holds it exactly
            assertThat(propertyStore.read(new DeviceId("demo", "device-1"), "threshold")).isEqualTo(23.5f);
            propertyStore.write(new DeviceId("demo", "device-1"), "mode", "eco");
            assertThat(device.readProperty("mode").toCompletableFuture().get(30, TimeUnit.SECONDS))
                    .isEqualTo("eco");
        }
    }
}
