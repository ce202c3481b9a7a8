package io.cameliotmp.springboot;

import java.util.ArrayList;
import java.util.List;

import io.cameliotmp.camel.IotmpComponent;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code camel.component.iotmp.cluster.enabled=true} in an application without camel-iotmp-cluster (an optional
 * dependency of the starter) fails the start, naming the jar: the cluster's auto-configuration, which needs the jar,
 * was skipped without a word and every member ran alone, its routes unable to reach the devices connected to the
 * others. Runs the starter's auto-configurations as registered, with camel-iotmp-cluster hidden.
 */
class IotmpClusterWithoutClusterJarTest {

    private static ApplicationContextRunner starterWithoutClusterJar() {
        List<String> names = new ArrayList<>();
        ImportCandidates.load(AutoConfiguration.class, IotmpClusterWithoutClusterJarTest.class.getClassLoader())
                .forEach(name -> {
                    if (name.startsWith("io.cameliotmp.springboot.")) {
                        names.add(name);
                    }
                });
        List<Class<?>> classes = new ArrayList<>();
        classes.add(CamelAutoConfiguration.class);
        for (String name : names) {
            try {
                classes.add(Class.forName(name));
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        return new ApplicationContextRunner().withClassLoader(new FilteredClassLoader("io.cameliotmp.cluster."))
                .withConfiguration(AutoConfigurations.of(classes.toArray(Class<?>[]::new)));
    }

    @Test
    void clusterEnabledWithoutTheClusterJarFailsTheStart() {
        starterWithoutClusterJar().withPropertyValues("camel.component.iotmp.cluster.enabled=true").run(context -> {
            assertThat(context).hasFailed();
            StringBuilder messages = new StringBuilder();
            for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
                messages.append(t.getMessage()).append('\n');
            }
            assertThat(messages.toString()).contains("camel.component.iotmp.cluster.enabled")
                    .contains("camel-iotmp-cluster");
        });
    }

    @Test
    void withoutClusterEnabledTheJarIsNotNeeded() {
        starterWithoutClusterJar().run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(CamelContext.class).getComponent("iotmp", IotmpComponent.class)
                    .getConfiguration().getServerCluster()).isNull();
        });
    }
}
