package io.cameliotmp.springboot;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;

/**
 * Fails the start when {@code camel.component.iotmp.cluster.enabled=true} and camel-iotmp-cluster, an optional
 * dependency of the starter, is not on the classpath. {@link IotmpClusterAutoConfiguration} needs that jar and is
 * skipped without it, so the property was accepted and ignored: every member ran alone, its routes unable to reach
 * the devices connected to the others. Names no class of the jar, so that it loads without it.
 */
@AutoConfiguration
@ConditionalOnMissingClass("io.cameliotmp.cluster.InfinispanCluster")
@ConditionalOnProperty(prefix = "camel.component.iotmp.cluster", name = "enabled", havingValue = "true")
public class IotmpClusterMissingAutoConfiguration {

    public IotmpClusterMissingAutoConfiguration() {
        throw new IllegalStateException("camel.component.iotmp.cluster.enabled=true needs camel-iotmp-cluster on the"
                                        + " classpath (io.cameliotmp:camel-iotmp-cluster, an optional dependency of"
                                        + " camel-iotmp-starter): add it, or remove the property, else this server"
                                        + " would run alone");
    }
}
