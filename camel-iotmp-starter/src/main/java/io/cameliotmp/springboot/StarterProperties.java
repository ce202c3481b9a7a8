package io.cameliotmp.springboot;

import java.util.HashMap;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.spring.boot.util.CamelPropertiesHelper;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.core.env.Environment;

/**
 * Gives a component its starter's properties, as {@link CamelPropertiesHelper#copyProperties} does, but with a
 * {@code configuration} bean first and then only the properties the application set. Every other property holds its
 * default (the starter's fields start with them), and copied in the order of a hash map, as copyProperties copies,
 * some defaults overwrote the bean's values and some explicit properties were lost under the bean.
 */
final class StarterProperties {

    private static final String CONFIGURATION = "configuration";

    private StarterProperties() {
    }

    /**
     * @param prefix     the properties' prefix, such as {@code camel.component.iotmp.}
     * @param properties the bound {@code @ConfigurationProperties} of the component
     */
    static void copy(Environment environment, String prefix, Object properties, Component target) {
        CamelContext context = target.getCamelContext();
        Map<String, Object> values = new HashMap<>(CamelPropertiesHelper.getNonNullProperties(context, properties));
        Object configuration = values.remove(CONFIGURATION);
        if (configuration != null) {
            Binder binder = Binder.get(environment);
            values.keySet().removeIf(name -> !binder
                    .bind(prefix + DataObjectPropertyName.toDashedForm(name), Bindable.of(String.class)).isBound());
            Map<String, Object> bean = new HashMap<>();
            bean.put(CONFIGURATION, configuration);
            CamelPropertiesHelper.setCamelProperties(context, target, bean, false);
        }
        CamelPropertiesHelper.setCamelProperties(context, target, values, false);
    }
}
