package io.cameliotmp.camel.device;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.micrometer.MicrometerDeviceMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;

/**
 * The only class of the iotmp-device component that names Micrometer types; it is loaded only after
 * {@link io.cameliotmp.micrometer.MicrometerClasspath#present()} said Micrometer is on the classpath, which is
 * optional.
 */
final class DeviceMicrometer {

    private DeviceMicrometer() {
    }

    /** The device's meters when the registry holds exactly one MeterRegistry; null otherwise. */
    static AutoCloseable bind(CamelContext context, IotmpDevice device) {
        MeterRegistry registry = context.getRegistry().findSingleByType(MeterRegistry.class);
        return registry != null ? MicrometerDeviceMetrics.bind(registry, device) : null;
    }
}
