package io.cameliotmp.examples.quickstart;

import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.IotmpErrorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The simulated device {@code demo/sim-1}, so the API has something to answer from the first second. It connects to
 * this application's own IOTMP server with the {@link IotmpDevice} client, exactly as a real device would, and
 * exposes:
 * <ul>
 * <li>{@code temperature} (output): {@code {"celsius": 22.41}} from a {@link SimulatedThermometer}, streamed on
 * change at every reading (every 2 s by default);</li>
 * <li>{@code led} (input, with its current state): takes {@code true} or {@code false}, anything else is answered
 * with ERROR 400;</li>
 * <li>{@code echo} (input and output): answers its input.</li>
 * </ul>
 */
@Component
@ConditionalOnProperty(prefix = "quickstart.simulator", name = "enabled", havingValue = "true", matchIfMissing = true)
public class SimulatedDevice implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedDevice.class);

    private final SimulatorProperties properties;
    private final SimulatedThermometer thermometer;
    private final AtomicBoolean led = new AtomicBoolean();
    private volatile IotmpDevice device;

    public SimulatedDevice(SimulatorProperties properties) {
        this.properties = properties;
        this.thermometer = new SimulatedThermometer(new Random(), properties.streamPeriod());
    }

    /** Connects once the application is up, that is once Camel has started the IOTMP server. */
    @EventListener(ApplicationReadyEvent.class)
    public synchronized void connect() {
        if (device != null) {
            return;
        }
        String credential = Objects.requireNonNull(properties.credential(),
                "quickstart.simulator.credential is required "
                + "(and must be in camel.component.iotmp.device-credentials)");
        IotmpDevice simulated = IotmpDevice.builder()
                .host(properties.host())
                .port(properties.port())
                .credentials(properties.user(), properties.device(), credential)
                .build();
        simulated.resource("temperature").output(() -> Map.of("celsius", thermometer.reading()));
        simulated.resource("led").input(this::switchLed, led::get);
        simulated.resource("echo").inputOutput(input -> input);
        // the stage is not awaited: the device keeps trying, and connects whenever the server is there
        simulated.start();
        long period = properties.streamPeriod().toMillis();
        simulated.eventLoop().scheduleAtFixedRate(() -> measure(simulated), period, period, TimeUnit.MILLISECONDS);
        device = simulated;
        LOG.info("Simulated device {}/{} connecting to {}:{}", properties.user(), properties.device(),
                properties.host(), properties.port());
    }

    private void measure(IotmpDevice simulated) {
        try {
            thermometer.measure();
            // sends the new reading on the streams the server opened on temperature, as thing.stream() does
            simulated.stream("temperature");
        } catch (RuntimeException e) {
            // an exception would end the periodic task for good
            LOG.warn("Simulated device: measuring failed", e);
        }
    }

    private void switchLed(Object input) {
        if (!(input instanceof Boolean on)) {
            throw new IotmpErrorException(400L, Map.of("error", "led takes true or false, not " + input));
        }
        led.set(on);
    }

    /**
     * Disconnects before Camel stops the server (Camel stops on the same event, with the lowest precedence), so the
     * server sees a device leaving rather than a device it cut off.
     */
    @EventListener(ContextClosedEvent.class)
    @Order(Ordered.HIGHEST_PRECEDENCE)
    public synchronized void disconnect() {
        if (device != null) {
            device.close();
            device = null;
        }
    }

    @Override
    public void destroy() {
        disconnect();
    }
}
