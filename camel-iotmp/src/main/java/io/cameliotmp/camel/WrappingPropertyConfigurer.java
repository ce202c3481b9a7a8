package io.cameliotmp.camel;

import org.apache.camel.spi.GeneratedPropertyConfigurer;
import org.apache.camel.spi.PropertyConfigurer;
import org.apache.camel.spi.PropertyConfigurerGetter;

/**
 * A property configurer around a component's generated one: it changes how options are bound and answers every
 * question about them (types, values, autowiring) as the generated one does.
 */
abstract class WrappingPropertyConfigurer implements GeneratedPropertyConfigurer, PropertyConfigurerGetter {

    /** The generated configurer, which also implements {@link PropertyConfigurerGetter}. */
    protected final PropertyConfigurer generated;

    WrappingPropertyConfigurer(PropertyConfigurer generated) {
        this.generated = generated;
    }

    /** Whether this one wraps {@code configurer}: a component keeps its wrapper while the configurer stays. */
    final boolean wraps(PropertyConfigurer configurer) {
        return generated == configurer;
    }

    @Override
    public Class<?> getOptionType(String name, boolean ignoreCase) {
        return getter().getOptionType(name, ignoreCase);
    }

    @Override
    public String[] getAutowiredNames() {
        return getter().getAutowiredNames();
    }

    @Override
    public Object getCollectionValueType(Object target, String name, boolean ignoreCase) {
        return getter().getCollectionValueType(target, name, ignoreCase);
    }

    @Override
    public Object getOptionValue(Object target, String name, boolean ignoreCase) {
        return getter().getOptionValue(target, name, ignoreCase);
    }

    private PropertyConfigurerGetter getter() {
        return (PropertyConfigurerGetter) generated;
    }
}
