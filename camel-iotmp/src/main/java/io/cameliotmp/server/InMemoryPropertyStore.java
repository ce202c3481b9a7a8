package io.cameliotmp.server;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.cameliotmp.protocol.PsonFormat;

/**
 * Properties kept in memory: the default, lost on restart. Use {@link JdbcPropertyStore} to keep them.
 * <p>
 * Values are kept PSON-encoded (the same types the JDBC store and the devices see, and a copy nobody can change), so
 * what a device makes the server keep is exactly what its quotas count: at most {@code maxPropertiesPerDevice}
 * properties and {@code maxPropertyBytesPerDevice} bytes of names (UTF-8) and encoded values per device. A write
 * beyond either fails with {@link QuotaExceededException}; replacing a value counts only the difference.
 */
public final class InMemoryPropertyStore implements PropertyStore {

    private final int maxProperties;
    private final long maxBytes;
    private final ConcurrentMap<DeviceId, DeviceProperties> properties = new ConcurrentHashMap<>();

    /** With the default quotas. */
    public InMemoryPropertyStore() {
        this(ServerQuotas.DEFAULT.maxPropertiesPerDevice(),
                ServerQuotas.DEFAULT.maxPropertyBytesPerDevice());
    }

    public InMemoryPropertyStore(int maxPropertiesPerDevice, long maxPropertyBytesPerDevice) {
        this.maxProperties = maxPropertiesPerDevice;
        this.maxBytes = maxPropertyBytesPerDevice;
    }

    @Override
    public Object read(DeviceId device, String property) {
        DeviceProperties of = properties.get(device);
        byte[] encoded = of == null ? null : of.get(property);
        return encoded == null ? null : PsonFormat.V2.decode(encoded);
    }

    /** @throws QuotaExceededException if the device would have too many properties or bytes of them */
    @Override
    public void write(DeviceId device, String property, Object value) {
        if (value == null) {
            properties.computeIfPresent(device, (d, of) -> of.remove(property) ? null : of);
            return;
        }
        byte[] encoded = PsonFormat.V2.toBytes(value);
        long cost = property.getBytes(StandardCharsets.UTF_8).length + (long) encoded.length;
        properties.compute(device, (d, of) -> {
            DeviceProperties target = of != null ? of : new DeviceProperties();
            target.put(property, encoded, cost, maxProperties, maxBytes);
            return target;
        });
    }

    /** Properties of one device and their size; changed only inside the map's compute, so one writer at a time. */
    private static final class DeviceProperties {
        private final Map<String, byte[]> values = new HashMap<>(4);
        private final Map<String, Long> costs = new HashMap<>(4);
        private long bytes;

        synchronized byte[] get(String property) {
            return values.get(property);
        }

        synchronized void put(String property, byte[] encoded, long cost, int maxProperties, long maxBytes) {
            Long previous = costs.get(property);
            if (previous == null && values.size() >= maxProperties) {
                throw new QuotaExceededException(QuotaExceededException.Quota.PROPERTIES,
                        "a device may have " + maxProperties + " properties");
            }
            long after = bytes - (previous == null ? 0 : previous) + cost;
            if (after > maxBytes) {
                throw new QuotaExceededException(QuotaExceededException.Quota.PROPERTY_BYTES,
                        "property '" + RefusalLog.shown(property) + "' would take the device's properties to "
                        + after + " bytes, more than " + maxBytes);
            }
            values.put(property, encoded);
            costs.put(property, cost);
            bytes = after;
        }

        /** Removes a property; true when none is left. */
        synchronized boolean remove(String property) {
            Long cost = costs.remove(property);
            if (cost != null) {
                values.remove(property);
                bytes -= cost;
            }
            return values.isEmpty();
        }
    }
}
