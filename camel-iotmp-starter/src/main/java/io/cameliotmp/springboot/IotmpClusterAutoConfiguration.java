package io.cameliotmp.springboot;

import io.cameliotmp.camel.IotmpComponent;
import io.cameliotmp.camel.IotmpConfiguration;
import io.cameliotmp.cluster.InfinispanCluster;
import io.cameliotmp.server.ServerCluster;
import org.apache.camel.Component;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.camel.spring.boot.util.ConditionalOnHierarchicalProperties;
import org.apache.camel.spring.boot.util.HierarchicalPropertiesEvaluator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Lazy;

/**
 * Joins the iotmp component's server to a cluster from the {@code camel.component.iotmp.cluster.*} properties alone:
 * with camel-iotmp-cluster on the classpath and {@code camel.component.iotmp.cluster.enabled=true}, an
 * {@link InfinispanCluster} bean is created and given to the component, unless the application configured a
 * {@code serverCluster} of its own.
 * <p>
 * It follows the component's switches as the component's own auto-configuration does:
 * {@code camel.component.iotmp.enabled=false} (or {@code camel.component.enabled=false}) turns it off, and
 * {@code camel.component.iotmp.customizer.enabled=false} (or {@code camel.component.customizer.enabled=false})
 * leaves the component alone, so its server joins no cluster it was not given.
 */
@AutoConfiguration(before = IotmpComponentAutoConfiguration.class)
@ConditionalOnClass(name = "io.cameliotmp.cluster.InfinispanCluster")
@ConditionalOnProperty(prefix = "camel.component.iotmp.cluster", name = "enabled", havingValue = "true")
@ConditionalOnHierarchicalProperties({"camel.component", "camel.component.iotmp"})
@EnableConfigurationProperties(IotmpClusterProperties.class)
public class IotmpClusterAutoConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(IotmpClusterAutoConfiguration.class);

    @Bean
    @ConditionalOnMissingBean(ServerCluster.class)
    public ServerCluster iotmpServerCluster(IotmpClusterProperties properties) {
        return new InfinispanCluster(properties.toOptions());
    }

    @Lazy
    @Bean
    public ComponentCustomizer joinIotmpCluster(ServerCluster cluster, ApplicationContext applicationContext) {
        return new ComponentCustomizer() {
            @Override
            public void configure(String name, Component target) {
                IotmpConfiguration config = ((IotmpComponent) target).getConfiguration();
                if (config != null && config.getServerCluster() == null) {
                    LOG.info("The {} component's server joins {}", name, cluster);
                    config.setServerCluster(cluster);
                }
            }

            @Override
            public boolean isEnabled(String name, Component target) {
                return HierarchicalPropertiesEvaluator.evaluate(applicationContext, "camel.component.customizer",
                        "camel.component.iotmp.customizer") && target instanceof IotmpComponent;
            }
        };
    }
}
