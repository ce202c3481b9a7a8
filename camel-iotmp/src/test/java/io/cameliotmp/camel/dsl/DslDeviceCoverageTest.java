package io.cameliotmp.camel.dsl;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.cameliotmp.camel.device.IotmpDeviceComponent;
import io.cameliotmp.camel.device.IotmpDeviceConfiguration;
import io.cameliotmp.camel.device.IotmpDeviceEndpoint;
import io.cameliotmp.camel.dsl.IotmpDeviceComponentBuilderFactory.IotmpDeviceComponentBuilder;
import io.cameliotmp.camel.dsl.IotmpDeviceEndpointBuilderFactory.AdvancedIotmpDeviceEndpointBuilder;
import io.cameliotmp.camel.dsl.IotmpDeviceEndpointBuilderFactory.IotmpDeviceEndpointBuilder;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.ExchangePattern;
import org.apache.camel.builder.endpoint.AbstractEndpointBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.LoggingExceptionHandler;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The generated builders of the iotmp-device component cover its metadata
 * (META-INF/io/cameliotmp/camel/device/iotmp-device.json): every option has a builder method, and a non-default value
 * set through it reaches the endpoint's or component's configuration. The options and their sample values come from
 * the metadata, so a new option is covered, or fails here when no sample of its type is known.
 */
class DslDeviceCoverageTest {

    /** What validation needs to make an endpoint at all; each option's own sample overrides its entry. */
    private static final Map<String, Object> REQUIRED = Map.of("host", "iotmp.example", "user", "alice",
            "device", "dev-7", "credential", "s3cret");

    /** Samples a generic rule cannot give: values the endpoint's validation accepts. */
    private static final Map<String, Object> SAMPLES = Map.of("inputSample", "{\"celsius\":20}",
            "webSocketPath", "/iotmp-ws", "port", 25299, "serverSilenceTimeout", 45_000L,
            "exchangePattern", ExchangePattern.InOut);

    /** Options whose non-default value needs another option set to be valid. */
    private static final Map<String, Map<String, Object>> NEEDS = Map.of("trustAllCertificates",
            Map.of("tls", true));

    private final CamelContext context = new DefaultCamelContext();

    @AfterEach
    void stop() {
        context.stop();
    }

    private static JsonObject metadata() throws Exception {
        try (InputStream in = DslDeviceCoverageTest.class
                .getResourceAsStream("/META-INF/io/cameliotmp/camel/device/iotmp-device.json")) {
            assertThat(in).as("iotmp-device.json").isNotNull();
            return (JsonObject) Jsoner.deserialize(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** The options of a section of the given kind, by name, with their metadata. */
    private static Map<String, Map<?, ?>> options(String section, String kind) throws Exception {
        Map<String, Map<?, ?>> options = new LinkedHashMap<>();
        for (Map.Entry<?, ?> option : metadata().getMap(section).entrySet()) {
            Map<?, ?> meta = (Map<?, ?>) option.getValue();
            if (kind.equals(meta.get("kind"))) {
                options.put((String) option.getKey(), meta);
            }
        }
        return options;
    }

    private static Map<String, Map<?, ?>> endpointOptions() throws Exception {
        return options("properties", "parameter");
    }

    private static Map<String, Map<?, ?>> componentOptions() throws Exception {
        return options("componentProperties", "property");
    }

    private static final Class<?>[] ENDPOINT_BUILDERS = {
            IotmpDeviceEndpointBuilder.class, AdvancedIotmpDeviceEndpointBuilder.class };

    /** The public one-argument methods named {@code name} of the given builder types (inherited ones included). */
    private static List<Method> methods(String name, Class<?>... types) {
        return Arrays.stream(types).flatMap(type -> Arrays.stream(type.getMethods()))
                .filter(m -> m.getName().equals(name) && m.getParameterCount() == 1
                             && Modifier.isPublic(m.getModifiers()))
                .toList();
    }

    /** The typed method of an option (its metadata javaType), else its String one. */
    private static Method typed(String name, Map<?, ?> meta, Class<?>... types) {
        List<Method> methods = methods(name, types);
        return methods.stream().filter(m -> m.getParameterTypes()[0] != String.class).findFirst()
                .or(() -> methods.stream().findFirst())
                .orElseThrow(() -> new AssertionError("no builder method for " + name));
    }

    private static Method text(String name) {
        return methods(name, ENDPOINT_BUILDERS).stream().filter(m -> m.getParameterTypes()[0] == String.class)
                .findFirst().orElseThrow(() -> new AssertionError("no String builder method for " + name));
    }

    /**
     * A value of the option other than its default. Durations are whole seconds, so their String form can be
     * {@code Ns}.
     */
    private Object sample(String name, Map<?, ?> meta, Class<?> parameter) {
        if (SAMPLES.containsKey(name)) {
            return SAMPLES.get(name);
        }
        String javaType = (String) meta.get("javaType");
        Object defaultValue = meta.get("defaultValue");
        if ("duration".equals(meta.get("type"))) {
            long millis = Long.parseLong(String.valueOf(defaultValue)) * 2;
            return millis % 1000 == 0 ? millis : 2000L;
        }
        switch (javaType) {
            case "boolean":
                return !Boolean.parseBoolean(String.valueOf(defaultValue));
            case "int":
                return defaultValue == null ? 1234 : Integer.parseInt(String.valueOf(defaultValue)) * 2;
            case "long":
                return defaultValue == null ? 1234L : Long.parseLong(String.valueOf(defaultValue)) * 2;
            case "java.lang.String":
                return REQUIRED.containsKey(name) ? "other-" + name : "text-" + name;
            case "org.apache.camel.support.jsse.SSLContextParameters":
                return new SSLContextParameters();
            case "org.apache.camel.spi.ExceptionHandler":
                return new LoggingExceptionHandler(context, getClass());
            case "io.cameliotmp.camel.device.IotmpDeviceConfiguration":
                return new IotmpDeviceConfiguration();
            default:
                if (parameter.isEnum()) {
                    return Arrays.stream(parameter.getEnumConstants())
                            .filter(constant -> !((Enum<?>) constant).name().equals(defaultValue)).findFirst()
                            .orElseThrow();
                }
                return fail("no sample value for option " + name + " of type " + javaType
                            + ": add one to DslDeviceCoverageTest");
        }
    }

    /** The value of an option read from the first of the beans that has a getter for it. */
    private static Object read(String name, Object... beans) throws Exception {
        String suffix = Character.toUpperCase(name.charAt(0)) + name.substring(1);
        for (Object bean : beans) {
            for (String getter : new String[] { "get" + suffix, "is" + suffix }) {
                try {
                    return bean.getClass().getMethod(getter).invoke(bean);
                } catch (NoSuchMethodException notThisOne) {
                    // try the next getter or bean
                }
            }
        }
        return fail("no getter for " + name);
    }

    private static void assertReadBack(String option, Object value, Object actual) {
        if (value instanceof SSLContextParameters || value instanceof LoggingExceptionHandler
            || value instanceof IotmpDeviceConfiguration) {
            assertThat(actual).as(option).isSameAs(value);
        } else {
            assertThat(actual).as(option).isEqualTo(value);
        }
    }

    @Test
    void everyEndpointOptionHasABuilderMethodAndEveryMethodAnOption() throws Exception {
        Set<String> options = endpointOptions().keySet();
        assertThat(options).contains("host", "operation", "keepAlive", "serverSilenceTimeout").hasSizeGreaterThan(30);
        List<String> parameters = List.copyOf(options);
        List<String> missing = parameters.stream().filter(o -> methods(o, ENDPOINT_BUILDERS).isEmpty()).toList();
        assertThat(missing).as("endpoint options without a method in the endpoint builders").isEmpty();
        // a String variant for every option that is not a String already (placeholders, durations, #beans)
        List<String> withoutText = parameters.stream().filter(o -> methods(o, ENDPOINT_BUILDERS).stream()
                .noneMatch(m -> m.getParameterTypes()[0] == String.class)).toList();
        assertThat(withoutText).as("endpoint options without a String variant").isEmpty();
        // and no stale method for an option the endpoint no longer has
        Set<String> stale = new TreeSet<>();
        for (Class<?> builder : ENDPOINT_BUILDERS) {
            Arrays.stream(builder.getDeclaredMethods()).filter(m -> m.getParameterCount() == 1)
                    .map(Method::getName).filter(name -> !options.contains(name)).forEach(stale::add);
        }
        assertThat(stale).as("endpoint builder methods of no option").isEmpty();
    }

    @Test
    void everyComponentOptionHasABuilderMethodAndEveryMethodAnOption() throws Exception {
        Set<String> options = componentOptions().keySet();
        assertThat(options).contains("configuration", "healthCheckEnabled", "useGlobalSslContextParameters")
                .hasSizeGreaterThan(30);
        assertThat(options.stream().filter(o -> methods(o, IotmpDeviceComponentBuilder.class).isEmpty()).toList())
                .as("component options without a method in IotmpDeviceComponentBuilder").isEmpty();
        Set<String> stale = new TreeSet<>();
        Arrays.stream(IotmpDeviceComponentBuilder.class.getDeclaredMethods()).filter(m -> m.getParameterCount() == 1)
                .map(Method::getName).filter(name -> !options.contains(name)).forEach(stale::add);
        assertThat(stale).as("component builder methods of no option").isEmpty();
    }

    /** Each option alone, set with its typed method, on an endpoint the context makes from the builder. */
    @Test
    void everyEndpointOptionSetThroughTheBuilderReachesTheEndpoint() throws Exception {
        List<String> checked = new ArrayList<>();
        for (Map.Entry<String, Map<?, ?>> option : endpointOptions().entrySet()) {
            String name = option.getKey();
            Method method = typed(name, option.getValue(), ENDPOINT_BUILDERS);
            Object value = sample(name, option.getValue(), method.getParameterTypes()[0]);
            IotmpDeviceEndpointBuilder builder = IotmpDeviceEndpointBuilderFactory.endpointBuilder("iotmp-device",
                    "temperature");
            for (Map.Entry<String, Object> required : REQUIRED.entrySet()) {
                typed(required.getKey(), Map.of(), ENDPOINT_BUILDERS).invoke(builder, required.getValue());
            }
            for (Map.Entry<String, Object> needed : NEEDS.getOrDefault(name, Map.of()).entrySet()) {
                typed(needed.getKey(), Map.of(), ENDPOINT_BUILDERS).invoke(builder, needed.getValue());
            }
            method.invoke(builder, value);
            IotmpDeviceEndpoint endpoint = (IotmpDeviceEndpoint) builder.resolve(context);
            assertReadBack(name, value, read(name, endpoint.getConfiguration(), endpoint));
            checked.add(name);
        }
        assertThat(checked).hasSize(endpointOptions().size());
    }

    /**
     * Every option that has a text form set through its String method (durations as {@code 30s}), in one builder: the
     * URI the builder makes is accepted as a plain string by the component, and the endpoint has every value.
     */
    @Test
    void theUriOfTheStringMethodsIsAcceptedAndEveryValueReachesTheEndpoint() throws Exception {
        IotmpDeviceEndpointBuilder builder = IotmpDeviceEndpointBuilderFactory.endpointBuilder("iotmp-device",
                "temperature");
        Map<String, Object> expected = new LinkedHashMap<>();
        for (Map.Entry<String, Map<?, ?>> option : endpointOptions().entrySet()) {
            String name = option.getKey();
            Object value = sample(name, option.getValue(),
                    typed(name, option.getValue(), ENDPOINT_BUILDERS).getParameterTypes()[0]);
            if (value instanceof SSLContextParameters || value instanceof LoggingExceptionHandler) {
                continue; // beans: objectOptionsReachTheEndpoint covers them
            }
            String textual = "duration".equals(option.getValue().get("type"))
                    ? ((Long) value) / 1000 + "s" : value instanceof Enum<?> e ? e.name() : String.valueOf(value);
            text(name).invoke(builder, textual);
            expected.put(name, value);
        }
        assertThat(expected).containsKeys("keepAlive", "serverSilenceTimeout", "trustAllCertificates", "operation");
        String uri = ((AbstractEndpointBuilder) builder).getUri(context);
        assertThat(uri).contains("keepAlive=120s", "serverSilenceTimeout=45s");
        Endpoint endpoint = context.getEndpoint(uri);
        assertThat(endpoint).isInstanceOf(IotmpDeviceEndpoint.class);
        IotmpDeviceEndpoint device = (IotmpDeviceEndpoint) endpoint;
        for (Map.Entry<String, Object> option : expected.entrySet()) {
            assertReadBack(option.getKey(), option.getValue(),
                    read(option.getKey(), device.getConfiguration(), device));
        }
        assertThat(device.getResource()).isEqualTo("temperature");
    }

    /** Each option alone, set with its typed method, on the component the builder makes. */
    @Test
    void everyComponentOptionSetThroughTheBuilderReachesTheComponent() throws Exception {
        for (Map.Entry<String, Map<?, ?>> option : componentOptions().entrySet()) {
            String name = option.getKey();
            Method method = typed(name, option.getValue(), IotmpDeviceComponentBuilder.class);
            Object value = sample(name, option.getValue(), method.getParameterTypes()[0]);
            IotmpDeviceComponentBuilder builder = IotmpDeviceComponentBuilderFactory.iotmpDevice();
            method.invoke(builder, value);
            IotmpDeviceComponent component = builder.build(context);
            assertReadBack(name, value, read(name, component, component.getConfiguration()));
        }
    }

    /**
     * Every component option but the component's own set through the component builder: an endpoint of the
     * registered component, with a URI of no options, has every value (the component's configuration is its
     * defaults).
     */
    @Test
    void componentOptionsSetThroughTheBuilderReachItsEndpoints() throws Exception {
        Set<String> endpointOptions = endpointOptions().keySet();
        IotmpDeviceComponentBuilder builder = IotmpDeviceComponentBuilderFactory.iotmpDevice();
        Map<String, Object> expected = new LinkedHashMap<>();
        for (Map.Entry<String, Map<?, ?>> option : componentOptions().entrySet()) {
            String name = option.getKey();
            if (!endpointOptions.contains(name)) {
                continue; // configuration, healthCheckEnabled, ...: the component's own
            }
            Method method = typed(name, option.getValue(), IotmpDeviceComponentBuilder.class);
            Object value = sample(name, option.getValue(), method.getParameterTypes()[0]);
            method.invoke(builder, value);
            expected.put(name, value);
        }
        assertThat(expected).containsKeys("host", "credential", "serverSilenceTimeout", "sslContextParameters");
        builder.register(context, "iotmp-device");
        IotmpDeviceEndpoint endpoint = context.getEndpoint("iotmp-device:temperature", IotmpDeviceEndpoint.class);
        for (Map.Entry<String, Object> option : expected.entrySet()) {
            assertReadBack(option.getKey(), option.getValue(),
                    read(option.getKey(), endpoint.getConfiguration(), endpoint));
        }
    }

    @Test
    void objectOptionsReachTheEndpointByReference() throws Exception {
        SSLContextParameters ssl = new SSLContextParameters();
        context.getRegistry().bind("ssl", ssl);
        IotmpDeviceEndpoint endpoint = (IotmpDeviceEndpoint) IotmpDeviceEndpointBuilderFactory
                .endpointBuilder("iotmp-device", "temperature").host("iotmp.example").user("alice").device("dev-7")
                .credential("s3cret").sslContextParameters("#ssl").resolve(context);
        assertThat(endpoint.getConfiguration().getSslContextParameters()).isSameAs(ssl);
    }
}
