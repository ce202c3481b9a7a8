package io.cameliotmp.server;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where each legacy device's stream ids go on after a reconnect. A legacy device keeps streaming with the ids of its
 * previous connection after a socket drop (and nested resources even after a keep-alive failure), and has no way to
 * say which resource a sample is of; if the new connection handed out the same ids again, stale samples would be
 * taken for samples of a new stream. So every device's ids continue where its last connection stopped, through the
 * whole 16-bit space, and a stale id is not reused before all the others have been.
 * <p>
 * One entry per authenticated device, at most {@value #MAX_DEVICES} (least recently connected forgotten first).
 * Thread-safe.
 */
final class LegacyStreamIds {

    static final int MAX_DEVICES = 100_000;

    private final Map<DeviceId, Integer> next = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<DeviceId, Integer> eldest) {
            return size() > MAX_DEVICES;
        }
    };

    /** The first id to try for a new connection of {@code device}. */
    synchronized int resume(DeviceId device) {
        return next.getOrDefault(device, 1);
    }

    /** The id after the last one {@code device} was given. */
    synchronized void remember(DeviceId device, int nextId) {
        next.put(device, nextId);
    }
}
