package io.cameliotmp.cluster;

import java.io.Serial;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import io.cameliotmp.server.PropertyQuotas;
import io.cameliotmp.server.QuotaExceededException;

/**
 * One device's properties as the clustered property cache stores them: PSON-encoded values by name and what they
 * count toward the device's quotas. Never changed once made; a write makes a new one with a new stamp, and two sets
 * are equal when their stamps are, so a conditional replace detects any write that came between.
 */
final class PropertySet implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    private final long stamp;
    private final HashMap<String, byte[]> values;
    private final long bytes;

    private PropertySet(HashMap<String, byte[]> values, long bytes) {
        this.stamp = ThreadLocalRandom.current().nextLong();
        this.values = values;
        this.bytes = bytes;
    }

    static PropertySet empty() {
        return new PropertySet(new HashMap<>(), 0);
    }

    /**
     * The properties of all these sets, after a split brain: of a property several sets have, the value of the first
     * of them. It may hold more than a device's quotas allow (each side kept within them on its own); a new property,
     * or a value that leaves it above the bytes' quota, is then refused until removals bring it back within them.
     */
    static PropertySet merged(java.util.List<PropertySet> sets) {
        HashMap<String, byte[]> values = new HashMap<>();
        long bytes = 0;
        for (PropertySet set : sets) {
            for (Map.Entry<String, byte[]> value : set.values.entrySet()) {
                if (values.putIfAbsent(value.getKey(), value.getValue()) == null) {
                    bytes += PropertyQuotas.cost(value.getKey(), value.getValue());
                }
            }
        }
        return new PropertySet(values, bytes);
    }

    byte[] get(String property) {
        return values.get(property);
    }

    boolean isEmpty() {
        return values.isEmpty();
    }

    long bytes() {
        return bytes;
    }

    /**
     * This set with {@code property} set to {@code encoded}.
     *
     * @throws QuotaExceededException beyond {@code maxProperties} properties or {@code maxBytes} bytes of names (UTF-8)
     *                                and encoded values; replacing a value counts only the difference
     */
    PropertySet with(String property, byte[] encoded, int maxProperties, long maxBytes) {
        byte[] previous = values.get(property);
        long after = bytes - (previous == null ? 0 : PropertyQuotas.cost(property, previous))
                     + PropertyQuotas.cost(property, encoded);
        PropertyQuotas.checkDevice(property, previous != null, values.size(), after, maxProperties, maxBytes);
        HashMap<String, byte[]> next = new HashMap<>(values);
        next.put(property, encoded);
        return new PropertySet(next, after);
    }

    /** This set without {@code property}; this very set when it has no such property. */
    PropertySet without(String property) {
        byte[] previous = values.get(property);
        if (previous == null) {
            return this;
        }
        HashMap<String, byte[]> next = new HashMap<>(values);
        next.remove(property);
        return new PropertySet(next, bytes - PropertyQuotas.cost(property, previous));
    }

    Map<String, byte[]> values() {
        return Map.copyOf(values);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PropertySet set && set.stamp == stamp;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(stamp);
    }
}
