package io.cameliotmp.api;

import java.time.Duration;
import java.util.function.Supplier;

import io.cameliotmp.camel.IotmpComponent;
import org.apache.camel.CamelContext;

/**
 * How long the {@code iotmp} component waits for a device's answer, as the component has it when asked: uploads and
 * downloads wait as long for the device's next acknowledgement or chunk. Read from the component rather than from
 * the property {@code camel.component.iotmp.request-timeout}, so that a value set on the component in Java, on a
 * component bean of the application's or in a configuration bean, is the one the API waits, as the component's calls
 * do; and read each time, since the application may configure the component after this bean is made.
 */
final class ComponentRequestTimeout implements Supplier<Duration> {

    /** The component the API's routes call: its URIs start with {@code iotmp:}. */
    static final String COMPONENT = "iotmp";

    private final CamelContext context;

    ComponentRequestTimeout(CamelContext context) {
        this.context = context;
    }

    @Override
    public Duration get() {
        return Duration.ofMillis(context.getComponent(COMPONENT, IotmpComponent.class).getConfiguration()
                .getRequestTimeout());
    }
}
