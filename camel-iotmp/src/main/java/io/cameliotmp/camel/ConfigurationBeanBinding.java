package io.cameliotmp.camel;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertyConfigurer;

/**
 * The property configurer of a component with a {@code configuration} option (a whole options bean) besides the
 * options it holds: binds as the generated configurer does, except that the options bound before the bean are bound
 * again onto it. Camel's property binding (Camel Main's {@code camel.component.*} properties, the starter's) binds
 * the options whose value is a bean reference after the others, so {@code configuration=#bean} came last and threw
 * away every other option set with it ({@code port}, {@code requestTimeout}, an {@code authenticator} reference),
 * silently. Options set with the bean now override its values whatever the order of binding, as the starter
 * documents. Calls of {@code setConfiguration} from Java are plain setters, untouched.
 */
public final class ConfigurationBeanBinding extends WrappingPropertyConfigurer {

    private static final String CONFIGURATION = "configuration";

    /** The options bound so far, by lower-case name, with the value they were bound with. */
    private final Map<String, Object> bound = new LinkedHashMap<>();

    public ConfigurationBeanBinding(PropertyConfigurer generated) {
        super(generated);
    }

    /**
     * The binding around a component's generated configurer: {@code current} while it wraps that one, a new one when
     * the configurer changed, null without one.
     */
    public static ConfigurationBeanBinding around(ConfigurationBeanBinding current, PropertyConfigurer generated) {
        if (generated == null) {
            return null;
        }
        return current != null && current.wraps(generated) ? current : new ConfigurationBeanBinding(generated);
    }

    @Override
    public synchronized boolean configure(CamelContext camelContext, Object target, String name, Object value,
                                          boolean ignoreCase) {
        String key = name.toLowerCase(Locale.ROOT);
        if (!CONFIGURATION.equals(key)) {
            boolean known = generated.configure(camelContext, target, name, value, ignoreCase);
            if (known) {
                bound.put(key, value);
            }
            return known;
        }
        boolean known = generated.configure(camelContext, target, name, value, ignoreCase);
        for (Map.Entry<String, Object> option : bound.entrySet()) {
            // the generated configurer knows every option by its lower-case name too
            generated.configure(camelContext, target, option.getKey(), option.getValue(), true);
        }
        return known;
    }
}
