package io.cameliotmp.springboot;

import org.springframework.context.ApplicationContext;

/**
 * Reads a property value that refers to a bean, the way Camel's options do: {@code #name} or {@code #bean:name}.
 * Shared by the converters of both components.
 */
final class BeanReferences {

    private BeanReferences() {
    }

    /**
     * The bean {@code source} names, of the given type; null when {@code source} is empty, leaving the option unset.
     *
     * @throws IllegalArgumentException when {@code source} is text without the {@code #}: usually the bean's name
     *                                  alone, which Camel's generated converters turn into null, so that the option
     *                                  stayed unset without a word (a server without TLS, without its authenticator)
     */
    static Object resolve(ApplicationContext context, Object source, Class<?> type) {
        if (source == null || source.toString().isBlank()) {
            return null;
        }
        String ref = source.toString().strip();
        if (!ref.startsWith("#")) {
            throw new IllegalArgumentException("'" + ref + "' is no bean reference: a " + type.getSimpleName()
                                               + " option takes #beanName or #bean:beanName, such as #" + ref);
        }
        ref = ref.startsWith("#bean:") ? ref.substring(6) : ref.substring(1);
        return context.getBean(ref, type);
    }
}
