package io.cameliotmp.server;

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
 * properties and {@code maxPropertyBytesPerDevice} bytes of names (UTF-8) and encoded values per device, and
 * {@code maxPropertyBytesPerUser} bytes for all the devices of a user together. Properties outlive their device's
 * connection, and an authenticator may accept any device id of a user, so without the user's quota a device logging
 * in under ever new ids could fill the heap. A write beyond a quota fails with {@link QuotaExceededException};
 * replacing a value counts only the difference.
 */
public final class InMemoryPropertyStore implements PropertyStore {

    private final int maxProperties;
    private final long maxBytes;
    private final long maxUserBytes;
    private final ConcurrentMap<String, UserProperties> users = new ConcurrentHashMap<>();

    /** With the default quotas. */
    public InMemoryPropertyStore() {
        this(ServerQuotas.DEFAULT.maxPropertiesPerDevice(), ServerQuotas.DEFAULT.maxPropertyBytesPerDevice());
    }

    /** With the default {@code maxPropertyBytesPerUser}. */
    public InMemoryPropertyStore(int maxPropertiesPerDevice, long maxPropertyBytesPerDevice) {
        this(maxPropertiesPerDevice, maxPropertyBytesPerDevice, ServerQuotas.DEFAULT_MAX_PROPERTY_BYTES_PER_USER);
    }

    public InMemoryPropertyStore(int maxPropertiesPerDevice, long maxPropertyBytesPerDevice,
                                 long maxPropertyBytesPerUser) {
        this.maxProperties = maxPropertiesPerDevice;
        this.maxBytes = maxPropertyBytesPerDevice;
        this.maxUserBytes = maxPropertyBytesPerUser;
    }

    @Override
    public Object read(DeviceId device, String property) {
        UserProperties of = users.get(device.user());
        byte[] encoded = of == null ? null : of.get(device.device(), property);
        return encoded == null ? null : PsonFormat.V2.decode(encoded);
    }

    /** @throws QuotaExceededException if the device or its user would have too many properties or bytes of them */
    @Override
    public void write(DeviceId device, String property, Object value) {
        if (value == null) {
            users.computeIfPresent(device.user(), (u, of) -> of.remove(device.device(), property) ? null : of);
            return;
        }
        byte[] encoded = PsonFormat.V2.toBytes(value);
        long cost = PropertyQuotas.cost(property, encoded);
        users.compute(device.user(), (u, of) -> {
            UserProperties target = of != null ? of : new UserProperties();
            target.put(device.device(), property, encoded, cost, this);
            return target;
        });
    }

    /**
     * The properties of one user's devices and their size; changed only inside the map's compute, so one writer at a
     * time per user.
     */
    private static final class UserProperties {
        private final Map<String, DeviceProperties> devices = new HashMap<>(4);
        private long bytes;

        synchronized byte[] get(String device, String property) {
            DeviceProperties of = devices.get(device);
            return of == null ? null : of.values.get(property);
        }

        synchronized void put(String device, String property, byte[] encoded, long cost, InMemoryPropertyStore quotas) {
            DeviceProperties of = devices.get(device);
            Long previous = of == null ? null : of.costs.get(property);
            long replaced = previous == null ? 0 : previous;
            long after = (of == null ? 0 : of.bytes) - replaced + cost;
            PropertyQuotas.checkDevice(property, previous != null, of == null ? 0 : of.values.size(), after,
                    quotas.maxProperties, quotas.maxBytes);
            long userAfter = bytes - replaced + cost;
            PropertyQuotas.checkUser(property, userAfter, quotas.maxUserBytes);
            if (of == null) {
                of = new DeviceProperties();
                devices.put(device, of);
            }
            of.values.put(property, encoded);
            of.costs.put(property, cost);
            of.bytes = after;
            bytes = userAfter;
        }

        /** Removes a property; true when the user has none left. */
        synchronized boolean remove(String device, String property) {
            DeviceProperties of = devices.get(device);
            Long cost = of == null ? null : of.costs.remove(property);
            if (cost != null) {
                of.values.remove(property);
                of.bytes -= cost;
                bytes -= cost;
                if (of.values.isEmpty()) {
                    devices.remove(device);
                }
            }
            return devices.isEmpty();
        }
    }

    /** Properties of one device and their size. Guarded by its {@link UserProperties}. */
    private static final class DeviceProperties {
        private final Map<String, byte[]> values = new HashMap<>(4);
        private final Map<String, Long> costs = new HashMap<>(4);
        private long bytes;
    }
}
