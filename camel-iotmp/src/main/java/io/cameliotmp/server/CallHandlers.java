package io.cameliotmp.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.cameliotmp.protocol.session.ServiceCode;

/**
 * Who answers the devices' calls (docs/protocol.md §8): named server resources, and handlers of a service for one
 * target or for all ({@code *}); where none is registered, the server's built-in service if it has one.
 */
public final class CallHandlers {

    /** The target that stands for every target of a service. */
    public static final String ANY_TARGET = "*";

    private final ConcurrentMap<String, DeviceCallHandler> resources = new ConcurrentHashMap<>();
    private final ConcurrentMap<ServiceCode, ConcurrentMap<String, DeviceCallHandler>> services
            = new ConcurrentHashMap<>();
    private final BuiltinServices builtins;

    CallHandlers(BuiltinServices builtins) {
        this.builtins = builtins;
    }

    /** Serves device RUNs of a named server resource; returns a handle that removes it again. */
    public AutoCloseable registerResource(String name, DeviceCallHandler handler) {
        if (resources.putIfAbsent(name, handler) != null) {
            throw new IllegalStateException("server resource '" + name + "' is already registered");
        }
        return () -> resources.remove(name, handler);
    }

    /** Serves a service for one target name, or for all with {@code *}; returns a handle that removes it. */
    public AutoCloseable registerService(ServiceCode service, String target, DeviceCallHandler handler) {
        ConcurrentMap<String, DeviceCallHandler> byTarget
                = services.computeIfAbsent(service, s -> new ConcurrentHashMap<>());
        if (byTarget.putIfAbsent(target, handler) != null) {
            throw new IllegalStateException(service.uriName() + " '" + target + "' is already handled");
        }
        return () -> byTarget.remove(target, handler);
    }

    /** The handler registered for the call, else the built-in service, else null. */
    DeviceCallHandler handler(DeviceCall call) {
        if (call.service() == null) {
            return resources.get(call.target());
        }
        Map<String, DeviceCallHandler> byTarget = services.get(call.service());
        DeviceCallHandler handler = byTarget == null ? null : byTarget.get(call.target());
        if (handler == null && byTarget != null) {
            handler = byTarget.get(ANY_TARGET);
        }
        return handler != null ? handler : builtins.handler(call.service());
    }

    /** What a device's DESCRIBE of the server returns: every server resource as input+output (fn 4). */
    Map<String, Object> describe() {
        Map<String, Object> api = new LinkedHashMap<>();
        resources.keySet().stream().sorted().forEach(name -> api.put(name, Map.of("fn", 4)));
        return api;
    }
}
