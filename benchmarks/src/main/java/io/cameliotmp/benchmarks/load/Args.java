package io.cameliotmp.benchmarks.load;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code key=value} command-line arguments; every value has a default so each process prints what it ran with. */
final class Args {

    private final Map<String, String> values = new LinkedHashMap<>();

    Args(String[] args) {
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got '" + arg + "'");
            }
            values.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
    }

    String str(String key, String def) {
        return values.getOrDefault(key, def);
    }

    int integer(String key, int def) {
        return values.containsKey(key) ? Integer.parseInt(values.get(key)) : def;
    }

    long lng(String key, long def) {
        return values.containsKey(key) ? Long.parseLong(values.get(key)) : def;
    }

    double dbl(String key, double def) {
        return values.containsKey(key) ? Double.parseDouble(values.get(key)) : def;
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    Map<String, String> asMap() {
        return values;
    }
}
