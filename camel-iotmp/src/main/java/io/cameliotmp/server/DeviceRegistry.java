package io.cameliotmp.server;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The devices connected to one server, at most one session per device, and the listeners of their lifecycle. */
public final class DeviceRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceRegistry.class);

    private final ConcurrentMap<DeviceId, DeviceConnection> sessions = new ConcurrentHashMap<>();
    private final List<DeviceListener> listeners = new CopyOnWriteArrayList<>();

    public Optional<DeviceConnection> session(DeviceId id) {
        return Optional.ofNullable(sessions.get(id));
    }

    public Optional<DeviceRegistration> registration(DeviceId id) {
        return session(id).map(DeviceConnection::registration);
    }

    public boolean isConnected(DeviceId id) {
        return sessions.containsKey(id);
    }

    public Collection<DeviceConnection> sessions() {
        return List.copyOf(sessions.values());
    }

    /** Registrations of the connected devices, optionally of one user ({@code null} for all). */
    public List<DeviceRegistration> registrations(String user) {
        List<DeviceRegistration> result = new ArrayList<>();
        for (DeviceConnection session : sessions.values()) {
            DeviceRegistration r = session.registration();
            if (r != null && (user == null || user.equals(r.user()))) {
                result.add(r);
            }
        }
        return result;
    }

    public int size() {
        return sessions.size();
    }

    public void addListener(DeviceListener listener) {
        listeners.add(listener);
    }

    public void removeListener(DeviceListener listener) {
        listeners.remove(listener);
    }

    /** Registers a newly authenticated session; returns the session it replaces, if the device was connected. */
    DeviceConnection register(DeviceConnection session) {
        return sessions.put(session.registration().deviceId(), session);
    }

    /** Removes the session unless a newer connection of the same device already took its place. */
    boolean unregister(DeviceConnection session) {
        return sessions.remove(session.registration().deviceId(), session);
    }

    void fireConnected(DeviceRegistration registration) {
        for (DeviceListener listener : listeners) {
            try {
                listener.onConnected(registration);
            } catch (RuntimeException e) {
                LOG.warn("Device listener failed on connect of {}", registration.deviceId(), e);
            }
        }
    }

    void fireDisconnected(DeviceRegistration registration, String reason) {
        for (DeviceListener listener : listeners) {
            try {
                listener.onDisconnected(registration, reason);
            } catch (RuntimeException e) {
                LOG.warn("Device listener failed on disconnect of {}", registration.deviceId(), e);
            }
        }
    }

    void fireAuthenticationRefused(AuthRequest request, AuthDecision decision) {
        for (DeviceListener listener : listeners) {
            try {
                listener.onAuthenticationRefused(request, decision);
            } catch (RuntimeException e) {
                LOG.warn("Device listener failed on refusal of {}", request, e);
            }
        }
    }
}
