package io.cameliotmp.springboot;

import org.apache.camel.console.DevConsoleRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * With Camel's dev consoles on ({@code camel.main.dev-console-enabled=true}, camel-console on the classpath), gives
 * Camel an {@link IndexedDevConsoleRegistry}: the same consoles, found without reading every library of a fat jar.
 * Camel takes a {@link DevConsoleRegistry} bean as its registry. {@code camel.iotmp.indexed-dev-consoles=false}, or
 * a registry bean of the application's own, leaves Camel's scanning one.
 */
@AutoConfiguration
@ConditionalOnClass(name = "org.apache.camel.impl.console.DefaultDevConsoleRegistry")
@ConditionalOnProperty(name = "camel.main.dev-console-enabled", havingValue = "true")
@ConditionalOnProperty(name = "camel.iotmp.indexed-dev-consoles", havingValue = "true", matchIfMissing = true)
public class IotmpDevConsoleAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(DevConsoleRegistry.class)
    public DevConsoleRegistry indexedDevConsoleRegistry() {
        return new IndexedDevConsoleRegistry();
    }
}
