package io.cameliotmp.springboot;

import java.beans.PropertyDescriptor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.spring.boot.util.CamelPropertiesHelper;
import org.springframework.beans.BeanWrapper;
import org.springframework.beans.BeanWrapperImpl;
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
        copy(environment, prefix, properties, target, Set.of());
    }

    /**
     * @param prefix      the properties' prefix, such as {@code camel.component.iotmp.}
     * @param properties  the bound {@code @ConfigurationProperties} of the component
     * @param listOptions the text options that hold a comma-separated list, such as {@code deviceCredentials}: given
     *                    as a YAML list (or {@code name[0]}, {@code name[1]}), their entries are joined with commas
     * @throws IllegalArgumentException naming the property when another text option is given as a list
     */
    static void copy(Environment environment, String prefix, Object properties, Component target,
                     Set<String> listOptions) {
        CamelContext context = target.getCamelContext();
        Binder binder = Binder.get(environment);
        Map<String, Object> values = new HashMap<>(CamelPropertiesHelper.getNonNullProperties(context, properties));
        values.putAll(textGivenAsList(binder, prefix, properties, listOptions));
        Object configuration = values.remove(CONFIGURATION);
        if (configuration != null) {
            values.keySet().removeIf(name -> !isSet(binder, prefix + DataObjectPropertyName.toDashedForm(name)));
            Map<String, Object> bean = new HashMap<>();
            bean.put(CONFIGURATION, configuration);
            CamelPropertiesHelper.setCamelProperties(context, target, bean, false);
        }
        CamelPropertiesHelper.setCamelProperties(context, target, values, false);
    }

    private static boolean isSet(Binder binder, String property) {
        return binder.bind(property, Bindable.of(String.class)).isBound()
               || binder.bind(property, Bindable.listOf(String.class)).isBound();
    }

    /**
     * The text options the application gave as a list. Spring Boot binds a text property from a value alone: a YAML
     * list ({@code device-credentials:} with {@code - demo/device-1=secret-1} below) left it unset (or at its default)
     * without a word, so the server refused every device (or every browser origin).
     */
    private static Map<String, Object> textGivenAsList(Binder binder, String prefix, Object properties,
                                                       Set<String> listOptions) {
        Map<String, Object> joined = new HashMap<>();
        BeanWrapper bean = new BeanWrapperImpl(properties);
        for (PropertyDescriptor descriptor : bean.getPropertyDescriptors()) {
            String name = descriptor.getName();
            if (descriptor.getPropertyType() != String.class || !bean.isReadableProperty(name)) {
                continue;
            }
            String property = prefix + DataObjectPropertyName.toDashedForm(name);
            // a value is bound as a list too (split at its commas); only a list has no value of its own
            if (binder.bind(property, Bindable.of(String.class)).isBound()) {
                continue;
            }
            List<String> entries = binder.bind(property, Bindable.listOf(String.class)).orElse(null);
            if (entries == null) {
                continue;
            }
            if (!listOptions.contains(name)) {
                throw new IllegalArgumentException(property + " takes one value, not a list: " + entries);
            }
            joined.put(name, String.join(",", entries));
        }
        return joined;
    }
}
