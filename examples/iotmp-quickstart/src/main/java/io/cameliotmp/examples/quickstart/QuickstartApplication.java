package io.cameliotmp.examples.quickstart;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The camel-iotmp quickstart: an embedded IOTMP server (port 25204) that devices connect to, a device REST API in the
 * shape of Thinger.io's (port 8080) with Server-Sent Events for streams, a simulated device {@code demo/sim-1} and a
 * page at {@code /} that charts a stream live.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class QuickstartApplication {

    public static void main(String[] args) {
        SpringApplication.run(QuickstartApplication.class, args);
    }
}
