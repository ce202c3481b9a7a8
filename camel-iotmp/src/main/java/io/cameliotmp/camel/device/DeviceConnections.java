package io.cameliotmp.camel.device;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link SharedDevice} per host, port, user and device, reference-counted: the first consumer or producer that
 * names it creates it, the last one to stop closes it. Endpoints sharing a connection must agree on its options; a
 * mismatch fails the route at start.
 * <p>
 * A connection made while the Camel context is starting connects only once the context has fully started, so that
 * every route has declared its resource before the server first describes the device or opens its streams.
 */
final class DeviceConnections {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceConnections.class);

    /** What an endpoint attaches to a connection before it connects. */
    @FunctionalInterface
    interface Attachment {
        void attach(SharedDevice device) throws Exception;
    }

    private final Map<ConnectionSettings.Key, SharedDevice> devices = new HashMap<>();
    private boolean contextStarted;

    /**
     * Takes a reference on the connection {@code settings} describe, creating it if needed, and runs
     * {@code attachment} on it before it connects (or, when it is connected already, before the reference counts).
     *
     * @throws IllegalArgumentException when the connection is open with other options
     */
    synchronized SharedDevice acquire(CamelContext context, ConnectionSettings settings, Attachment attachment)
            throws Exception {
        SharedDevice shared = devices.get(settings.key());
        boolean created = shared == null;
        if (created) {
            shared = new SharedDevice(context, settings, DeviceTls.clientContext(context, settings));
        } else {
            List<String> differences = shared.settings().differences(settings);
            if (!differences.isEmpty()) {
                throw new IllegalArgumentException("The IOTMP device " + settings.key() + " is already connected"
                                                   + " with other values of " + differences + "; endpoints naming"
                                                   + " the same host, port, user and device share one connection"
                                                   + " and must agree on its options");
            }
        }
        try {
            attachment.attach(shared);
        } catch (Exception e) {
            if (created) {
                shared.close();
            }
            throw e;
        }
        if (created) {
            devices.put(settings.key(), shared);
        }
        shared.references++;
        if (contextStarted || context.isStarted()) {
            shared.start();
        }
        return shared;
    }

    /** Gives a reference back; the last one closes the connection. */
    void release(SharedDevice shared) {
        synchronized (this) {
            if (--shared.references > 0) {
                return;
            }
            devices.remove(shared.settings().key(), shared);
            // Under the lock, before any acquire may make the next connection of the same key: its meters have the
            // same ids, and Micrometer would hand it these ones, which this close would then remove from under it.
            shared.removeMeters();
        }
        LOG.debug("Closing {}: no endpoint uses it any more", shared);
        shared.close(); // outside the lock: it waits for the connection to close
    }

    /** The Camel context has started all routes: connect every device made meanwhile. */
    synchronized void contextStarted() {
        contextStarted = true;
        for (SharedDevice shared : devices.values()) {
            shared.start();
        }
    }

    synchronized List<SharedDevice> all() {
        return new ArrayList<>(devices.values());
    }

    /** The component stops: close whatever is still open (normally nothing, the routes stopped first). */
    void closeAll() {
        List<SharedDevice> open;
        synchronized (this) {
            open = new ArrayList<>(devices.values());
            devices.clear();
            contextStarted = false;
            open.forEach(SharedDevice::removeMeters); // as in release: before a new connection can take the ids
        }
        for (SharedDevice shared : open) {
            shared.close();
        }
    }
}
