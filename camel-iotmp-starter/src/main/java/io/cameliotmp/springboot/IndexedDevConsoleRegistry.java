package io.cameliotmp.springboot;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.console.DevConsole;
import org.apache.camel.console.DevConsoleResolver;
import org.apache.camel.impl.console.DefaultDevConsoleRegistry;
import org.apache.camel.support.PluginHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel's dev console registry, loading the consoles from the index every Camel-built jar carries
 * ({@code META-INF/services/org/apache/camel/dev-consoles.properties}, its {@code dev-consoles} ids) instead of by
 * classpath scanning.
 * <p>
 * Camel 4.18 loads dev consoles twice while starting (at init, and again forced after the routes start), each time
 * by finding {@code META-INF/services/org/apache/camel/dev-console/*} with the context's
 * {@code PackageScanResourceResolver}. In a Spring Boot fat jar that resolver is camel-spring-boot's
 * {@code FatJarPackageScanResourceResolver}: for every library that has dev consoles it reads the whole fat jar,
 * inflating every entry of every nested library, to list that one folder. The quickstart's 54 MB jar spent some
 * 22 s of its start there. The index lists the same ids; each is then resolved by Camel's own
 * {@link DevConsoleResolver}, one resource lookup, as Camel resolves a console asked for by id.
 */
public class IndexedDevConsoleRegistry extends DefaultDevConsoleRegistry {

    /** Written by camel-package-maven-plugin into every jar with a {@code @DevConsole} class. */
    static final String INDEX = "META-INF/services/org/apache/camel/dev-consoles.properties";

    private static final Logger LOG = LoggerFactory.getLogger(IndexedDevConsoleRegistry.class);

    private volatile boolean loaded;

    @Override
    public void loadDevConsoles(boolean force) {
        CamelContext context = getCamelContext();
        if (context == null || loaded && !force) {
            return;
        }
        loaded = true;
        DevConsoleResolver resolver = PluginHelper.getDevConsoleResolver(context);
        int added = 0;
        for (String id : indexedIds(classLoader(context))) {
            if (getConsole(id).isPresent()) {
                continue;
            }
            DevConsole console = resolver.resolveDevConsole(id);
            if (console != null && register(console)) {
                added++;
            }
        }
        LOG.debug("Dev consoles registered from {}: {}", INDEX, added);
    }

    private static ClassLoader classLoader(CamelContext context) {
        ClassLoader loader = context.getApplicationContextClassLoader();
        return loader != null ? loader : IndexedDevConsoleRegistry.class.getClassLoader();
    }

    /** The console ids every index on the class path lists, in class path order. */
    static Set<String> indexedIds(ClassLoader loader) {
        Set<String> ids = new LinkedHashSet<>();
        try {
            Enumeration<URL> indexes = loader.getResources(INDEX);
            while (indexes.hasMoreElements()) {
                URL index = indexes.nextElement();
                Properties properties = new Properties();
                try (InputStream in = index.openStream()) {
                    properties.load(in);
                } catch (IOException e) {
                    // one unreadable index costs its own consoles, not the others'
                    LOG.warn("Cannot read dev console index {}: {}", index, e.getMessage());
                    continue;
                }
                String listed = properties.getProperty("dev-consoles", "").trim();
                if (!listed.isEmpty()) {
                    ids.addAll(List.of(listed.split("\\s+")));
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot list dev console indexes {}: {}", INDEX, e.getMessage());
        }
        return ids;
    }
}
