package io.cameliotmp.examples.quickstart;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The simulated device, {@code quickstart.simulator.*}: which IOTMP server it connects to, as whom, and how often its
 * thermometer reports.
 *
 * @param enabled      whether the application runs the simulated device
 * @param host         the IOTMP server to connect to (this application's own)
 * @param port         its port
 * @param user         the Thinger user the device belongs to
 * @param device       the device id
 * @param credential   the device's credential; the server must accept it
 *                     ({@code camel.component.iotmp.device-credentials})
 * @param streamPeriod how often the thermometer takes a reading and streams it
 */
@ConfigurationProperties("quickstart.simulator")
public record SimulatorProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("127.0.0.1") String host,
        @DefaultValue("25204") int port,
        @DefaultValue("demo") String user,
        @DefaultValue("sim-1") String device,
        String credential,
        @DefaultValue("2s") Duration streamPeriod) {
}
