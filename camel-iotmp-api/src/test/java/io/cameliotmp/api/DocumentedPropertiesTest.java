package io.cameliotmp.api;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cameliotmp.camel.IotmpComponent;
import io.cameliotmp.camel.device.IotmpDeviceComponent;
import io.cameliotmp.springboot.IotmpComponentConfiguration;
import io.cameliotmp.springboot.IotmpDeviceComponentConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PropertyBindingSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What users copy into their configuration works: every {@code camel.component.iotmp*} and {@code camel.iotmp.*}
 * property the documents name (README.md, docs, examples' READMEs, the component and starter references) exists in
 * the starters' configuration metadata, and every value a snippet gives one (YAML and properties blocks, and the
 * examples' application files) converts as Spring Boot binds it and, for the components' options, as Camel binds it
 * (Camel Main's {@code application.properties}, a URI). A renamed option, a spelling one of the two refuses or a
 * value of the wrong type fails here rather than the start of a user's application.
 */
class DocumentedPropertiesTest {

    /** The repository root, seen from this module's directory (where the build runs the tests). */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** A property name of ours as prose, a table or a code block names it. */
    private static final Pattern NAME =
            Pattern.compile("(?<![\\w.-])camel\\.(?:component\\.iotmp(?:-device)?|iotmp)(?:\\.[a-z0-9][a-z0-9-]*)*");

    private static final Pattern MARKDOWN_BLOCK = Pattern.compile("(?ms)^ {0,3}```(\\w*)[^\\n]*\\n(.*?)^ {0,3}```");

    private static final Pattern ADOC_BLOCK = Pattern.compile("(?ms)^\\[source,(\\w+)[^\\]]*\\]\\n----\\n(.*?)^----$");

    private static final Pattern OURS =
            Pattern.compile("camel\\.(?:component\\.iotmp|iotmp)|^camel:", Pattern.MULTILINE);

    private static final String COMPONENT = "camel.component.iotmp.";
    private static final String DEVICE_COMPONENT = "camel.component.iotmp-device.";
    private static final String CLUSTER = "camel.component.iotmp.cluster.";
    private static final String API = "camel.iotmp.api.";

    /** A configuration snippet: where it is, and the properties of ours it sets (values as written). */
    record Snippet(String where, Map<String, Object> properties) {
        @Override
        public String toString() {
            return where;
        }
    }

    /** README.md, docs/**.md, examples/*&#47;README.md, the component and starter references (not the changelog). */
    private static List<Path> documents() throws IOException {
        List<Path> documents = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"));
             Stream<Path> examples = Files.list(ROOT.resolve("examples"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
            examples.map(p -> p.resolve("README.md")).filter(Files::isRegularFile).sorted().forEach(documents::add);
        }
        for (String module : List.of("camel-iotmp", "camel-iotmp-starter")) {
            try (Stream<Path> adoc = Files.list(ROOT.resolve(module).resolve("src/main/docs"))) {
                adoc.filter(p -> p.toString().endsWith(".adoc")).sorted().forEach(documents::add);
            }
        }
        assertThat(documents).hasSizeGreaterThan(15);
        return documents;
    }

    /** The YAML and properties blocks of the documents that set properties of ours, and the examples' files. */
    static List<Snippet> snippets() throws IOException {
        List<Snippet> snippets = new ArrayList<>();
        for (Path document : documents()) {
            String text = Files.readString(document);
            Pattern blocks = document.toString().endsWith(".adoc") ? ADOC_BLOCK : MARKDOWN_BLOCK;
            Matcher block = blocks.matcher(text);
            while (block.find()) {
                String language = block.group(1).toLowerCase();
                String body = block.group(2);
                if (!OURS.matcher(body).find() || body.startsWith("- ")) {
                    continue; // not configuration of ours, or a YAML route
                }
                String where = ROOT.relativize(document) + ":" + lineOf(text, block.start());
                if (language.equals("yaml") || language.equals("yml") || language.equals("properties")) {
                    snippets.add(new Snippet(where, ours(load(language, where, body))));
                }
            }
        }
        try (Stream<Path> examples = Files.list(ROOT.resolve("examples"))) {
            for (Path example : examples.sorted().toList()) {
                for (String file : List.of("application.properties", "application.yml")) {
                    Path path = example.resolve("src/main/resources").resolve(file);
                    if (Files.isRegularFile(path)) {
                        String language = file.substring(file.indexOf('.') + 1);
                        String where = ROOT.relativize(path).toString();
                        snippets.add(new Snippet(where, ours(load(language, where, Files.readString(path)))));
                    }
                }
            }
        }
        snippets.removeIf(snippet -> snippet.properties().isEmpty());
        assertThat(snippets).hasSizeGreaterThan(15);
        return snippets;
    }

    private static int lineOf(String text, int offset) {
        return (int) text.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
    }

    /** The properties as Spring Boot reads the block (YAML flattened to dotted names, lists indexed). */
    private static Map<String, Object> load(String language, String where, String body) throws IOException {
        ByteArrayResource resource = new ByteArrayResource(body.getBytes(StandardCharsets.UTF_8), where);
        List<PropertySource<?>> sources = language.equals("properties")
                ? new PropertiesPropertySourceLoader().load(where, resource)
                : new YamlPropertySourceLoader().load(where, resource);
        Map<String, Object> properties = new LinkedHashMap<>();
        for (PropertySource<?> source : sources) {
            EnumerablePropertySource<?> enumerable = (EnumerablePropertySource<?>) source;
            for (String name : enumerable.getPropertyNames()) {
                properties.putIfAbsent(name, String.valueOf(enumerable.getProperty(name)));
            }
        }
        return properties;
    }

    /** Ours, with every placeholder the block itself resolves resolved (as the examples' application files do). */
    private static Map<String, Object> ours(Map<String, Object> all) {
        PropertySourcesPlaceholdersResolver placeholders =
                new PropertySourcesPlaceholdersResolver(List.of(new MapPropertySource("block", all)));
        Map<String, Object> ours = new LinkedHashMap<>();
        all.forEach((name, value) -> {
            if (NAME.matcher(name).lookingAt()) {
                ours.put(name, placeholders.resolvePlaceholders(value));
            }
        });
        return ours;
    }

    /** The starters' configuration metadata, properties and groups: their names and types. */
    private static Map<String, String> metadata() throws IOException {
        Map<String, String> types = new LinkedHashMap<>();
        ObjectMapper json = new ObjectMapper();
        Enumeration<URL> files = DocumentedPropertiesTest.class.getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json");
        while (files.hasMoreElements()) {
            try (InputStream in = files.nextElement().openStream()) {
                JsonNode metadata = json.readTree(in);
                for (String kind : List.of("properties", "groups")) {
                    metadata.path(kind).forEach(entry -> types.putIfAbsent(entry.path("name").asText(),
                            entry.path("type").asText()));
                }
            }
        }
        types.keySet().removeIf(name -> !NAME.matcher(name).matches());
        assertThat(types).containsKeys("camel.component.iotmp.request-timeout",
                "camel.component.iotmp-device.keep-alive", "camel.component.iotmp.cluster.members",
                "camel.iotmp.api.tokens", "camel.iotmp.indexed-dev-consoles");
        return types;
    }

    /**
     * A name exists when the metadata has it as a property or a group, or it is the start of one ({@code camel.iotmp}
     * of {@code camel.iotmp.api.enabled}); {@code customizer.enabled} is camel-spring-boot's switch of every component
     * starter, which it reads without metadata.
     */
    private static boolean exists(String name, Set<String> metadata) {
        String property = name.contains("[") ? name.substring(0, name.indexOf('[')) : name;
        return metadata.contains(property) || metadata.stream().anyMatch(known -> known.startsWith(property + "."))
               || property.equals(COMPONENT + "customizer.enabled")
               || property.equals(DEVICE_COMPONENT + "customizer.enabled");
    }

    @Test
    void everyPropertyTheDocumentsNameExists() throws IOException {
        Set<String> metadata = metadata().keySet();
        List<String> unknown = new ArrayList<>();
        for (Path document : documents()) {
            String[] lines = Files.readString(document).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                Matcher name = NAME.matcher(lines[i]);
                while (name.find()) {
                    if (!exists(name.group(), metadata)) {
                        unknown.add(ROOT.relativize(document) + ":" + (i + 1) + " " + name.group());
                    }
                }
            }
        }
        for (Snippet snippet : snippets()) {
            snippet.properties().keySet().stream().filter(name -> !exists(name, metadata))
                    .forEach(name -> unknown.add(snippet.where() + " " + name));
        }
        assertThat(unknown).as("properties the starters do not have").isEmpty();
    }

    /**
     * Each snippet's values bind as Spring Boot binds them, every property of the snippet taken by its
     * {@code @ConfigurationProperties} class (none left over). Bean references ({@code #name}) are the starter's
     * converters' to resolve against an application's beans: only their names are checked, above.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("snippets")
    void everyValueBindsAsTheStarterBindsIt(Snippet snippet) throws IOException {
        Map<String, String> types = metadata();
        Map<String, Object> values = new LinkedHashMap<>(snippet.properties());
        values.values().removeIf(value -> String.valueOf(value).startsWith("#"));
        values.keySet().removeIf(name -> name.endsWith(".customizer.enabled"));
        values.forEach((name, value) -> {
            if (name.startsWith(CLUSTER)) {
                convert(name, value, types.get(name));
            }
        });
        bind(values, DEVICE_COMPONENT, name -> name.startsWith(DEVICE_COMPONENT),
                Bindable.of(IotmpDeviceComponentConfiguration.class));
        bind(values, COMPONENT, name -> name.startsWith(COMPONENT) && !name.startsWith(CLUSTER),
                Bindable.of(IotmpComponentConfiguration.class));
        bind(values, API, name -> name.startsWith(API), Bindable.of(IotmpApiProperties.class));
        bind(values, "camel.iotmp.indexed-dev-consoles", name -> name.equals("camel.iotmp.indexed-dev-consoles"),
                Bindable.of(Boolean.class));
    }

    /**
     * A cluster property's value converted to the type the metadata gives it: IotmpClusterProperties itself needs
     * camel-iotmp-cluster, which this module does not have, to be bound.
     */
    private static void convert(String name, Object value, String type) {
        assertThat(type).as("the metadata's type of %s", name).isNotNull();
        Class<?> target = switch (type) {
            case "java.lang.String" -> String.class;
            case "java.lang.Integer" -> Integer.class;
            case "java.lang.Long" -> Long.class;
            case "java.lang.Boolean" -> Boolean.class;
            default -> throw new AssertionError(name + " has a type this test does not know: " + type);
        };
        ApplicationConversionService.getSharedInstance().convert(value, target);
    }

    private static void bind(Map<String, Object> values, String prefix, Predicate<String> taken,
                             Bindable<?> target) {
        Map<String, Object> these = new LinkedHashMap<>();
        values.forEach((name, value) -> {
            if (taken.test(name)) {
                these.put(name, value);
            }
        });
        if (these.isEmpty()) {
            return;
        }
        String name = prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix;
        new Binder(new MapConfigurationPropertySource(these)).bind(name, target,
                new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
    }

    /**
     * The components' options of each snippet bind as Camel Main binds {@code camel.component.iotmp.*} (and as a URI
     * takes them): a spelling only Spring Boot understands would fail a Camel Main application that copied it.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("snippets")
    void everyComponentOptionBindsAsCamelBindsIt(Snippet snippet) throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            bindToCamel(context.getComponent("iotmp", IotmpComponent.class), COMPONENT, snippet);
            bindToCamel(context.getComponent("iotmp-device", IotmpDeviceComponent.class), DEVICE_COMPONENT, snippet);
        }
    }

    private static void bindToCamel(Component component, String prefix, Snippet snippet) {
        snippet.properties().forEach((name, value) -> {
            if (!name.startsWith(prefix) || name.startsWith(CLUSTER) || String.valueOf(value).startsWith("#")) {
                return; // bean references need an application's registry
            }
            String option = name.substring(prefix.length());
            if (option.startsWith("customizer.") || option.equals("enabled")) {
                return; // the starter's own switches
            }
            PropertyBindingSupport.build().withCamelContext(component.getCamelContext()).withTarget(component)
                    .withConfigurer(component.getComponentPropertyConfigurer()).withIgnoreCase(true)
                    .withMandatory(true).withProperty(option, value).bind();
        });
    }
}
