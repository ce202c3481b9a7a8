package io.cameliotmp.server;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

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
            properties.computeIfAbsent(device, d -> new ConcurrentHashMap<>()).put(property, value);
        }
    }
}
