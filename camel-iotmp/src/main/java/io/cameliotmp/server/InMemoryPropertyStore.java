package io.cameliotmp.server;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.cameliotmp.protocol.PsonFormat;

/** Properties kept in memory: the default, lost on restart. Use {@link JdbcPropertyStore} to keep them. */
public final class InMemoryPropertyStore implements PropertyStore {

    private final ConcurrentMap<DeviceId, ConcurrentMap<String, Object>> properties = new ConcurrentHashMap<>();

    @Override
    public Object read(DeviceId device, String property) {
        ConcurrentMap<String, Object> of = properties.get(device);
        return of == null ? null : of.get(property);
    }

    @Override
    public void write(DeviceId device, String property, Object value) {
        if (value == null) {
            properties.computeIfPresent(device, (d, of) -> {
                of.remove(property);
                return of.isEmpty() ? null : of;
            });
        } else {
            // a PSON round trip: the same types the JDBC store and the devices see, and a copy the caller cannot change
            Object stored = PsonFormat.V2.decode(PsonFormat.V2.toBytes(value));
            properties.computeIfAbsent(device, d -> new ConcurrentHashMap<>()).put(property, stored);
        }
    }
}
