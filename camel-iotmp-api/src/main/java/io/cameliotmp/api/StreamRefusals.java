package io.cameliotmp.api;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cameliotmp.camel.IotmpConstants;
import org.apache.camel.ProducerTemplate;

/**
 * The device streams refused during a device's current connection, so that every SSE client of a refused stream gets
 * its {@code failed} event, also one that subscribes after the refusal.
 * <p>
 * Why it is needed: clients of one resource share one device stream (camel-iotmp's shared streams). When the device
 * refuses it, the subscribers of that moment are told; a subscriber that joins while another is still subscribed is
 * attached to the refused stream without a new START_STREAM, and would only get heartbeats. So refusals are recorded
 * here, per device connection, and told to every stream that watches the resource:
 * <ul>
 * <li>a refusal an SSE stream met lasts while SSE streams watch the resource: once the last has gone, the device
 * stream is dropped with them and the next client asks the device again;</li>
 * <li>a refusal a route's own stream met (the quickstart's temperature log route, say) is <em>pinned</em>: that
 * route stays subscribed, so the refused stream stays until the device's connection ends.</li>
 * </ul>
 * A refusal of an earlier connection of the device is forgotten when seen.
 */
public class StreamRefusals {

    /** A resource of a device. */
    public record Key(String user, String device, String resource) {
        @Override
        public String toString() {
            return user + "/" + device + "/" + resource;
        }
    }

    /** A stream that wants to know when the device refuses its resource. */
    @FunctionalInterface
    interface Watcher {
        void refused(ApiError error);
    }

    private record Refusal(String connection, ApiError error, boolean pinned) {
    }

    private final ProducerTemplate producer;
    /** Guarded by {@code this}. */
    private final Map<Key, Refusal> refusals = new HashMap<>();
    /** Guarded by {@code this}. */
    private final Map<Key, Set<Watcher>> watchers = new HashMap<>();

    public StreamRefusals(ProducerTemplate producer) {
        this.producer = producer;
    }

    /**
     * The device's current connection (when it connected), or null when it is not connected. A local look-up: it
     * never waits for the device.
     */
    String connection(String user, String device) {
        Map<?, ?> status = producer.requestBodyAndHeaders("iotmp:device?operation=status", null,
                Map.of(IotmpConstants.USER, user, IotmpConstants.DEVICE, device), Map.class);
        return Boolean.TRUE.equals(status.get("connected")) ? String.valueOf(status.get("connectedAt")) : null;
    }

    /**
     * Starts telling {@code watcher} the refusals of {@code key}; returns the refusal already met on the device's
     * connection {@code connection}, if any (the watcher is registered either way: {@link #unwatch} it).
     */
    synchronized ApiError watch(Key key, String connection, Watcher watcher) {
        watchers.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(watcher);
        Refusal refusal = current(key, connection);
        return refusal == null ? null : refusal.error();
    }

    synchronized void unwatch(Key key, Watcher watcher) {
        Set<Watcher> left = watchers.get(key);
        if (left == null || !left.remove(watcher) || !left.isEmpty()) {
            return;
        }
        watchers.remove(key);
        Refusal refusal = refusals.get(key);
        if (refusal != null && !refusal.pinned()) {
            refusals.remove(key);
        }
    }

    /**
     * The device refused the stream of {@code key} (answered ERROR, did not answer in time): recorded for its current
     * connection and told to every watcher. A refusal nothing watches and nothing pinned is not recorded: it would be
     * forgotten with its last watcher anyway, and a refusal that reaches a stream whose client has just left would
     * otherwise stay for the device's connection, one entry per resource name a client made up.
     *
     * @param pinned whether a subscriber that stays for the whole connection (a route) met the refusal
     */
    public void refused(Key key, ApiError error, boolean pinned) {
        String connection = connection(key.user(), key.device());
        List<Watcher> toTell;
        synchronized (this) {
            if (connection != null && (pinned || watchers.containsKey(key))) {
                Refusal previous = current(key, connection);
                refusals.put(key, new Refusal(connection, error, pinned || previous != null && previous.pinned()));
            }
            toTell = new ArrayList<>(watchers.getOrDefault(key, Set.of()));
        }
        toTell.forEach(watcher -> watcher.refused(error));
    }

    /** Whether a refusal of {@code key} is recorded for the device's connection {@code connection}; for tests. */
    synchronized boolean isRefused(Key key, String connection) {
        return current(key, connection) != null;
    }

    private Refusal current(Key key, String connection) {
        Refusal refusal = refusals.get(key);
        if (refusal != null && !refusal.connection().equals(connection)) {
            refusals.remove(key);
            return null;
        }
        return refusal;
    }
}
