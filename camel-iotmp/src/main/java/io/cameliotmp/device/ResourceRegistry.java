package io.cameliotmp.device;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The resources of a device, in registration order (DESCRIBE lists them that way). Written rarely and from any
 * thread, read on every request: copy-on-write behind a volatile reference.
 */
final class ResourceRegistry {

    /** A resource found for a concrete path, with the captures of its pattern. */
    record Match(DeviceResource resource, Map<String, String> pathParams) {
    }

    private volatile Map<String, DeviceResource> byPath = Collections.emptyMap();

    synchronized void register(DeviceResource resource) {
        Map<String, DeviceResource> copy = new LinkedHashMap<>(byPath);
        copy.put(resource.name(), resource);
        byPath = Collections.unmodifiableMap(copy);
    }

    /** Removes the resource registered at {@code path}; returns it, or null when there was none. */
    synchronized DeviceResource remove(String path) {
        if (!byPath.containsKey(path)) {
            return null;
        }
        Map<String, DeviceResource> copy = new LinkedHashMap<>(byPath);
        DeviceResource removed = copy.remove(path);
        byPath = Collections.unmodifiableMap(copy);
        return removed;
    }

    /** The resource serving {@code path}: a literal registration first, else the first pattern that matches. */
    Match find(String path) {
        Map<String, DeviceResource> current = byPath;
        DeviceResource exact = current.get(path);
        if (exact != null && exact.path().isLiteral()) {
            return new Match(exact, Collections.emptyMap());
        }
        for (DeviceResource candidate : current.values()) {
            if (!candidate.path().isLiteral()) {
                Map<String, String> captures = candidate.path().match(path);
                if (captures != null) {
                    return new Match(candidate, captures);
                }
            }
        }
        return null;
    }

    /**
     * Whether {@code path} is a node of the device's resource tree as a legacy device lists it: a resource serves it,
     * or registered resources lie under it ({@code $ota} of {@code $ota/write}).
     */
    boolean hasNode(String path) {
        if (find(path) != null) {
            return true;
        }
        String prefix = path + "/";
        for (String registered : byPath.keySet()) {
            if (registered.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The DESCRIBE answer for the whole API: registered path → {@code {"fn": n}} (docs/protocol.md §6.4). */
    Map<String, Object> describeAll() {
        Map<String, Object> api = new LinkedHashMap<>();
        for (DeviceResource resource : byPath.values()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("fn", (long) resource.kind().fn());
            api.put(resource.name(), entry);
        }
        return api;
    }
}
