package io.cameliotmp.springboot;

import org.springframework.context.ApplicationContext;

/**
 * Reads a property value that refers to a bean, the way Camel's options do: {@code #name} or {@code #bean:name}.
 * Shared by the converters of both components.
 */
final class BeanReferences {

    private BeanReferences() {
    }

    /** The bean {@code source} names, of the given type; null when {@code source} is no reference. */
    static Object resolve(ApplicationContext context, Object source, Class<?> type) {
        if (source == null) {
            return null;
        }
        String ref = source.toString();
        if (!ref.startsWith("#")) {
            return null;
        }
        ref = ref.startsWith("#bean:") ? ref.substring(6) : ref.substring(1);
        return context.getBean(ref, type);
    }
}
