package io.cameliotmp.springboot;

import java.util.ArrayList;
import java.util.List;

import io.cameliotmp.camel.IotmpComponent;
import io.cameliotmp.server.ServerCluster;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster's auto-configuration follows the component's switches as the component's own does: with
 * {@code camel.component.iotmp.enabled=false} no cluster is created, and with the iotmp customizer (or every
 * component's) switched off the component's server is given none. Before, {@code cluster.enabled=true} joined the
 * component to a cluster whatever those said, though the starter's documentation says a switched-off customizer
 * leaves the component alone. No route starts a server here, so no member ever joins.
 */
class IotmpClusterSwitchesTest {

    private static ApplicationContextRunner starter() {
        List<Class<?>> classes = new ArrayList<>();
        classes.add(CamelAutoConfiguration.class);
        ImportCandidates.load(AutoConfiguration.class, IotmpClusterSwitchesTest.class.getClassLoader())
                .forEach(name -> {
                    if (name.startsWith("io.cameliotmp.springboot.")) {
                        try {
                            classes.add(Class.forName(name));
                        } catch (ClassNotFoundException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });
        return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(classes.toArray(Class<?>[]::new)))
                .withPropertyValues("camel.component.iotmp.cluster.enabled=true");
    }

    private static ServerCluster componentCluster(ApplicationContext context) {
        return context.getBean(CamelContext.class).getComponent("iotmp", IotmpComponent.class).getConfiguration()
                .getServerCluster();
    }

    @Test
    void withTheSwitchesOnTheComponentJoinsTheCluster() {
        starter().run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(ServerCluster.class);
            assertThat(componentCluster(context)).isSameAs(context.getBean(ServerCluster.class));
        });
    }

    @Test
    void theComponentsCustomizerSwitchedOffLeavesItsServerOutOfTheCluster() {
        starter().withPropertyValues("camel.component.iotmp.customizer.enabled=false").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(componentCluster(context)).isNull();
        });
        starter().withPropertyValues("camel.component.customizer.enabled=false").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(componentCluster(context)).isNull();
        });
    }

    @Test
    void theComponentsAutoConfigurationSwitchedOffCreatesNoCluster() {
        starter().withPropertyValues("camel.component.iotmp.enabled=false").run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(ServerCluster.class);
            assertThat(componentCluster(context)).isNull();
        });
    }
}
