package io.cameliotmp.camel;

import io.cameliotmp.micrometer.MicrometerServerMetrics;
import io.cameliotmp.server.ServerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;

/**
 * The only class of the iotmp component that names Micrometer types; it is loaded only after
 * {@link io.cameliotmp.micrometer.MicrometerClasspath#present()} said Micrometer is on the classpath, which is
 * optional.
 */
final class MicrometerLookup {

    private MicrometerLookup() {
    }

    /** Micrometer metrics when the registry holds exactly one MeterRegistry, none otherwise. */
    static ServerMetrics.Factory factory(CamelContext context) {
        MeterRegistry registry = context.getRegistry().findSingleByType(MeterRegistry.class);
        return registry != null ? MicrometerServerMetrics.factory(registry) : ServerMetrics.Factory.NONE;
    }
}
