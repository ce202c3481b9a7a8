package io.cameliotmp.camel;

import java.util.function.Supplier;

import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;

/**
 * What the health checks of the iotmp and iotmp-device components share: their id in Camel's group, the enabled
 * flag, and their registration in the context's health check registry while their component runs. Public only
 * because the two components live in two packages; applications have no use for it.
 */
public abstract class IotmpHealthCheckSupport implements HealthCheck {

    private final String id;
    private volatile boolean enabled = true;

    protected IotmpHealthCheckSupport(String id) {
        this.id = id;
    }

    @Override
    public String getGroup() {
        return "camel";
    }

    @Override
    public String getId() {
        return id;
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * Registers the check {@code create} makes, if {@code wanted} and the context has a health check registry (it
     * has none without camel-health).
     *
     * @return the registered check, or null when none was registered
     */
    public static <T extends HealthCheck> T register(CamelContext context, boolean wanted, Supplier<T> create) {
        HealthCheckRegistry registry = HealthCheckRegistry.get(context);
        if (!wanted || registry == null) {
            return null;
        }
        T check = create.get();
        registry.register(check);
        return check;
    }

    /** Removes a check {@link #register} returned; null is ignored. */
    public static void unregister(CamelContext context, HealthCheck check) {
        HealthCheckRegistry registry = check != null ? HealthCheckRegistry.get(context) : null;
        if (registry != null) {
            registry.unregister(check);
        }
    }
}
