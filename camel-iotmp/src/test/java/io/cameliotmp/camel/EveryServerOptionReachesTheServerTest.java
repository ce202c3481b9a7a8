package io.cameliotmp.camel;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import io.cameliotmp.server.BackpressurePolicy;
import io.cameliotmp.server.Transport;
import io.cameliotmp.testing.TestPorts;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PropertyBindingSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Every server option set on the component as Camel Main and the starter set it ({@code camel.component.iotmp.<name>},
 * bound by Camel's property binding) reaches the server it starts: a route started after the option changed cannot
 * join the server the defaults started on the same port, and is told that option differs. An option a mapping left
 * out (set, stored, never given to the server) would let it join.
 */
class EveryServerOptionReachesTheServerTest {

    /**
     * Objects set as beans, each tested where it is used; the address, which decides which server an endpoint gets;
     * and clientAuth, which means nothing without TLS.
     */
    private static final Set<String> NOT_HERE = Set.of("host", "port", "authenticator", "propertyStore",
            "serverCluster", "channelInitializer", "sslContextParameters", "clientAuth");

    static Stream<String> serverOptions() {
        List<String> names = new ArrayList<>();
        for (Class<?> type : List.of(IotmpServerOptions.class, IotmpServerLimitOptions.class)) {
            for (Field field : type.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers()) && !NOT_HERE.contains(field.getName())) {
                    names.add(field.getName());
                }
            }
        }
        assertThat(names).hasSizeGreaterThan(40);
        return names.stream();
    }

    /** A valid value other than the option's default. */
    private static Object otherValue(String option, Object defaultValue) {
        if (defaultValue instanceof Integer i) {
            return i > 1 ? i - 1 : i + 1;
        } else if (defaultValue instanceof Long l) {
            return l > 1 ? l - 1 : l + 1;
        } else if (defaultValue instanceof Boolean b) {
            return !b;
        } else if (defaultValue instanceof Transport) {
            return Transport.WEBSOCKET;
        } else if (defaultValue instanceof BackpressurePolicy) {
            return BackpressurePolicy.DROP_SAMPLES;
        }
        return switch (option) {
            case "webSocketPath" -> "/elsewhere";
            case "webSocketAllowedOrigins" -> "https://console.example.com";
            case "deviceCredentials" -> "alice/*=pw";
            case "authenticationUri" -> "direct:auth";
            default -> throw new IllegalArgumentException("no other value for " + option + ": " + defaultValue);
        };
    }

    private static Object valueOf(IotmpConfiguration configuration, String option) throws Exception {
        Field field = null;
        for (Class<?> type = configuration.getClass(); field == null; type = type.getSuperclass()) {
            try {
                field = type.getDeclaredField(option);
            } catch (NoSuchFieldException e) {
                // declared further up
            }
        }
        field.setAccessible(true);
        return field.get(configuration);
    }

    @ParameterizedTest
    @MethodSource("serverOptions")
    void anOptionSetOnTheComponentReachesTheServer(String option) throws Exception {
        int port = TestPorts.next();
        try (CamelContext camel = new DefaultCamelContext()) {
            IotmpComponent component = camel.getComponent("iotmp", IotmpComponent.class);
            String address = "host=127.0.0.1&port=" + port;
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("iotmp:events?" + address).routeId("defaults").to("log:ignored");
                }
            });
            camel.start();

            Object value = otherValue(option, valueOf(component.getConfiguration(), option));
            assertThat(PropertyBindingSupport.build().withIgnoreCase(true).bind(camel, component, option, value))
                    .as("camel.component.iotmp." + option + " binds").isTrue();
            assertThat(valueOf(component.getConfiguration(), option)).isEqualTo(value);
            Throwable failure = catchThrowable(() -> camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("iotmp:topic:alarms?" + address).routeId("changed").to("log:ignored");
                }
            }));

            assertThat(failure).as(option + "=" + value + " is given to the server").isNotNull();
            StringBuilder messages = new StringBuilder();
            for (Throwable t = failure; t != null; t = t.getCause()) {
                messages.append(t.getMessage()).append('\n');
            }
            assertThat(messages.toString()).contains("already running with another configuration")
                    .containsPattern("differs in: .*\\b" + option + "\\b");
        }
    }
}
