package io.cameliotmp.springboot;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import io.cameliotmp.test.FreePorts;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.console.DevConsole;
import org.apache.camel.console.DevConsoleRegistry;
import org.apache.camel.spi.PackageScanResourceResolver;
import org.apache.camel.spi.Resource;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.scan.DefaultPackageScanResourceResolver;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With dev consoles on, Camel's dev consoles, the iotmp one and Camel's own, are all there, and Camel never scanned
 * the classpath for them: in a Spring Boot fat jar that scan reads every library of the jar, twice.
 */
@CamelSpringBootTest
@SpringBootTest(properties = "camel.main.dev-console-enabled=true")
@DirtiesContext
class IotmpIndexedDevConsolesTest {

    private static final int PORT = FreePorts.next();

    /** Every location Camel asked its package scanner for. */
    static final List<String> SCANNED = new CopyOnWriteArrayList<>();

    @DynamicPropertySource
    static void port(DynamicPropertyRegistry registry) {
        registry.add("camel.component.iotmp.port", () -> PORT);
    }

    @TestConfiguration
    static class Beans {

        /** Records the scans; installed before Camel initialises, when it loads its dev consoles first. */
        @Bean
        CamelContextConfiguration recordScans() {
            return new CamelContextConfiguration() {
                @Override
                public void beforeApplicationStart(CamelContext camelContext) {
                    camelContext.getCamelContextExtension().addContextPlugin(PackageScanResourceResolver.class,
                            new DefaultPackageScanResourceResolver() {
                                @Override
                                public Collection<Resource> findResources(String location, Predicate<String> filter)
                                        throws Exception {
                                    SCANNED.add(location);
                                    return super.findResources(location, filter);
                                }
                            });
                }

                @Override
                public void afterApplicationStart(CamelContext camelContext) {
                }
            };
        }

        @Bean
        RouteBuilder sensorRoute() {
            return new RouteBuilder() {
                @Override
                public void configure() {
                    from("iotmp:device:demo/*/temperature").routeId("temperatures").to("log:t?level=OFF");
                }
            };
        }
    }

    @Autowired
    CamelContext camelContext;

    @Test
    void theConsolesAreRegisteredWithoutAClasspathScan() {
        DevConsoleRegistry registry = DevConsoleRegistry.get(camelContext);
        assertThat(SCANNED).noneMatch(location -> location.contains("dev-console"));
        assertThat(registry.stream().map(DevConsole::getId))
                .contains("iotmp", "context", "route", "health", "jvm", "main-configuration");
        assertThat(registry).isInstanceOf(IndexedDevConsoleRegistry.class);
    }

    @Test
    void theIotmpConsoleAnswers() {
        DevConsole console = DevConsoleRegistry.get(camelContext).getConsole("iotmp").orElseThrow();
        Object json = console.call(DevConsole.MediaType.JSON, Map.of());
        assertThat(json.toString()).contains("port=" + PORT);
    }
}
