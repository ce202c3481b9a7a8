package io.cameliotmp.server;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What tells two server configurations apart, by the options that set them: a second endpoint on an address whose
 * server runs with other options is refused, and the message must say which options to align, not leave the user to
 * compare some fifty of them.
 */
final class ConfigDifferences {

    /** The record components whose option has another name; limits and quotas are named as their options are. */
    private static final Map<String, String> OPTION_NAMES = Map.of(
            "defaultKeepAlive", "keepAlive",
            "sslContext", "sslContextParameters/clientAuth/useGlobalSslContextParameters",
            "authenticator", "authenticator/deviceCredentials/authenticationUri",
            "cluster", "serverCluster",
            "metrics", "metricsEnabled",
            "legacy.enabled", "legacyEnabled",
            "legacy.port", "legacyPort",
            "legacy.tlsPort", "legacyTlsPort");

    private ConfigDifferences() {
    }

    /**
     * The options in which {@code asked} differs from {@code running}, each with both values when they are plain
     * settings (numbers, durations, names), or by name alone when they are objects (an authenticator, a TLS context),
     * whose text could hold secrets and would not help.
     */
    static List<String> between(IotmpServerConfig running, IotmpServerConfig asked) {
        List<String> differences = new ArrayList<>();
        collect("", running, asked, differences);
        return differences;
    }

    private static void collect(String prefix, Record running, Record asked, List<String> differences) {
        for (RecordComponent component : running.getClass().getRecordComponents()) {
            Object before = value(component, running);
            Object after = value(component, asked);
            if (Objects.equals(before, after)) {
                continue;
            }
            String name = prefix + component.getName();
            if (before instanceof Record nested && after instanceof Record) {
                collect(name.equals("limits") || name.equals("quotas") ? "" : name + ".", nested, (Record) after,
                        differences);
                continue;
            }
            String option = OPTION_NAMES.getOrDefault(name, name);
            differences.add(plain(before) && plain(after) ? option + " (running: " + text(option, before)
                                                            + ", this endpoint: " + text(option, after) + ")" : option);
        }
    }

    private static Object value(RecordComponent component, Record record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + component.getName() + " of " + record.getClass(), e);
        }
    }

    private static boolean plain(Object value) {
        return value == null || value instanceof Number || value instanceof Boolean || value instanceof Enum<?>
               || value instanceof Duration || value instanceof String || value instanceof List<?>;
    }

    /** A duration in the unit of its option: keepAlive is in seconds, the others in milliseconds. */
    private static String text(String option, Object value) {
        if (value instanceof Duration duration) {
            return option.equals("keepAlive") ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
        }
        return String.valueOf(value);
    }
}
