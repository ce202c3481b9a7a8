package io.cameliotmp.server;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import io.cameliotmp.protocol.session.Answers;
import io.cameliotmp.protocol.session.ServiceCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Thinger services a server answers by itself when no route consumes them: device properties (a
 * {@link PropertyStore}), calls between devices of the same user, and sync locks. Bucket writes and endpoint calls
 * have no built-in meaning: without a route the device gets ERROR, never an OK for data that went nowhere.
 */
final class BuiltinServices {

    private static final Logger LOG = LoggerFactory.getLogger(BuiltinServices.class);

    private final IotmpServer server;
    private final PropertyStore properties;
    private final SyncLockService locks;
    private final List<PropertyListener> propertyListeners = new CopyOnWriteArrayList<>();

    BuiltinServices(IotmpServer server) {
        this.server = server;
        this.properties = propertyStoreOf(server.config());
        SyncLockService shared = server.config().cluster().syncLocks(server.config().quotas());
        this.locks = shared != null ? shared : new SyncLocks(server.config().quotas());
    }

    /** The configured store, else the cluster's shared one, else one in memory. */
    private static PropertyStore propertyStoreOf(IotmpServerConfig config) {
        if (config.propertyStore() != null) {
            return config.propertyStore();
        }
        PropertyStore shared = config.cluster().propertyStore(config.quotas());
        return shared != null ? shared : new InMemoryPropertyStore(config.quotas().maxPropertiesPerDevice(),
                config.quotas().maxPropertyBytesPerDevice(), config.quotas().maxPropertyBytesPerUser());
    }

    PropertyStore properties() {
        return properties;
    }

    void addPropertyListener(PropertyListener listener) {
        propertyListeners.add(listener);
    }

    void removePropertyListener(PropertyListener listener) {
        propertyListeners.remove(listener);
    }

    /**
     * A device's connection ended: the sync lock slots it took on this server alone are free (the cluster's locks
     * free them when the cluster's directory hears of it).
     */
    void connectionEnded(DeviceRegistration registration) {
        if (registration != null && locks instanceof SyncLocks local) {
            local.released(registration);
        }
    }

    /** The built-in handler of a service, or null where there is none. */
    DeviceCallHandler handler(ServiceCode service) {
        return switch (service) {
            case READ_DEVICE_PROPERTY -> this::readProperty;
            case SET_DEVICE_PROPERTY -> this::setProperty;
            case CALL_DEVICE -> this::callDevice;
            case LOCK_SYNC -> this::lock;
            case UNLOCK_SYNC -> this::unlock;
            // data sent to these goes to routes only: never an OK for data that went nowhere
            case CALL_ENDPOINT, WRITE_BUCKET, SUBSCRIBE_EVENT -> null;
        };
    }

    private CompletionStage<Object> readProperty(DeviceCall call) {
        Object value = properties.read(call.registration().deviceId(), call.target());
        if (value == null) {
            throw new DeviceCallException(404, "property '" + call.target() + "' not found");
        }
        return CompletableFuture.completedFuture(value);
    }

    private CompletionStage<Object> setProperty(DeviceCall call) {
        setProperty(call.registration().deviceId(), call.target(), call.payload());
        return CompletableFuture.completedFuture(null);
    }

    /** Stores a property and tells the listeners (device subscriptions to property updates among them). */
    void setProperty(DeviceId device, String property, Object value) {
        try {
            properties.write(device, property, value);
        } catch (QuotaExceededException e) {
            server.quotaExceeded(e, device);
            throw e;
        }
        for (PropertyListener listener : propertyListeners) {
            try {
                listener.onPropertyUpdated(device, property, value);
            } catch (RuntimeException e) {
                LOG.warn("Property listener failed for {} of {}", RefusalLog.shown(property), device, e);
            }
        }
    }

    /** Runs a resource of another connected device of the same user; its answer is the answer. */
    private CompletionStage<Object> callDevice(DeviceCall call) {
        String target = call.target();
        int slash = target.indexOf('/');
        if (slash <= 0 || slash == target.length() - 1) {
            throw new DeviceCallException(400, "call device needs [device, resource], got '" + target + "'");
        }
        DeviceId other = new DeviceId(call.registration().user(), target.substring(0, slash));
        String resource = target.substring(slash + 1);
        return server.send(other, DeviceRequest.run(resource, call.payload()), null)
                .handle((reply, failure) -> {
                    if (failure == null) {
                        return reply.payload();
                    }
                    Throwable cause = Answers.unwrap(failure);
                    if (cause instanceof DeviceNotConnectedException) {
                        throw new DeviceCallException(404, "device " + other.device() + " is not connected");
                    }
                    if (cause instanceof DeviceErrorException error) {
                        throw new DeviceCallException(error.status() > 0 ? error.status() : 500,
                                error.deviceMessage() != null ? error.deviceMessage() : error.getMessage());
                    }
                    throw new DeviceCallException(504, cause.getMessage());
                });
    }

    private CompletionStage<Object> lock(DeviceCall call) {
        Map<?, ?> options = call.payload() instanceof Map<?, ?> map ? map : Map.of();
        String token = options.get("lock") instanceof String s ? s : null;
        int slots = options.get("slots") instanceof Number n ? n.intValue() : 1;
        long timeout = options.get("timeout") instanceof Number n ? n.longValue() : SyncLocks.DEFAULT_TIMEOUT_SECONDS;
        String held;
        try {
            // both lock services bound names, tokens and timeouts by the server's quotas (SyncLocks.requireBounded)
            held = locks.lock(call.registration(), call.target(), token, slots, timeout);
        } catch (QuotaExceededException e) {
            server.quotaExceeded(e, call.registration().deviceId());
            throw e;
        }
        if (held == null) {
            throw new DeviceCallException(409, "sync '" + call.target() + "' is locked");
        }
        return CompletableFuture.completedFuture(Map.of("lock", held));
    }

    private CompletionStage<Object> unlock(DeviceCall call) {
        Object token = call.payload() instanceof Map<?, ?> map ? map.get("lock") : call.payload();
        if (!(token instanceof String s) || !locks.unlock(call.registration().user(), call.target(), s)) {
            // the token is not echoed: any value of any size a device sent, it would reach the log of a refusal
            throw new DeviceCallException(404, "sync '" + call.target() + "' is not locked with that token");
        }
        return CompletableFuture.completedFuture(null);
    }
}
