package io.cameliotmp.server;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server per (host, port), shared by everybody who asks for it and reference-counted: the first
 * {@link #acquire} starts it, the last {@link Handle#close} stops it, so a server lives exactly as long as something
 * uses it.
 */
public final class IotmpServerManager {

    private static final Logger LOG = LoggerFactory.getLogger(IotmpServerManager.class);

    /**
     * The running servers by address. Changed only under this manager's lock, which is held while a server starts or
     * stops (seconds with devices to close or a cluster to join or leave), so that a new server on an address waits for
     * the one before to be gone; read without it, so that health checks, the dev console and JMX, which list the
     * servers, never wait for a server to start or stop. A server is put here once started and removed before it stops.
     */
    private final Map<String, Entry> servers = new ConcurrentHashMap<>();
    /**
     * Where the legacy devices' stream ids go on, by address, kept when the server stops: the devices attached then
     * reconnect to the next server on the address still streaming with the ids of their connection before, which it
     * must not hand out again (see {@link LegacyStreamIds}). One per address the configuration names, each bounded by
     * its {@code maxLegacyDevicesTracked}.
     */
    private final Map<String, LegacyStreamIds> legacyStreamIds = new HashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    /** Told when a server of this manager has started and when it is about to stop, on the thread doing it. */
    public interface Listener {

        void serverStarted(IotmpServer server);

        void serverStopping(IotmpServer server);
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    /**
     * Returns a handle on the server for the configuration's host and port, starting it if needed.
     *
     * @throws IllegalStateException if that address is already served with a different configuration
     */
    public synchronized Handle acquire(IotmpServerConfig config) {
        String key = config.host() + ":" + config.port();
        Entry entry = servers.get(key);
        if (entry == null) {
            IotmpServer server = new IotmpServer(config, legacyStreamIds(key, config));
            server.start();
            entry = new Entry(key, server);
            servers.put(key, entry);
            for (Listener listener : listeners) {
                try {
                    listener.serverStarted(server);
                } catch (RuntimeException e) {
                    LOG.warn("Server listener failed on start of {}", server, e);
                }
            }
        } else if (!entry.server.config().equals(config)) {
            throw new IllegalStateException("IOTMP server " + key + " is already running with another configuration;"
                                            + " endpoints sharing a port must configure the server identically. It"
                                            + " differs in: " + String.join(", ",
                    ConfigDifferences.between(entry.server.config(), config)));
        }
        entry.references++;
        return new Handle(entry);
    }

    /** The memory of the address's earlier server, unless the bound it is to keep has changed. */
    private LegacyStreamIds legacyStreamIds(String key, IotmpServerConfig config) {
        int maxDevices = config.limits().maxLegacyDevicesTracked();
        return legacyStreamIds.compute(key, (address, earlier) -> earlier != null && earlier.maxDevices() == maxDevices
                ? earlier : new LegacyStreamIds(maxDevices));
    }

    /** The servers this manager runs now; never waits for a server that is starting or stopping. */
    public List<IotmpServer> running() {
        return servers.values().stream().map(e -> e.server).toList();
    }

    /** The running server for a host and port, if any; never waits for a server that is starting or stopping. */
    public IotmpServer find(String host, int port) {
        Entry entry = servers.get(host + ":" + port);
        return entry == null ? null : entry.server;
    }

    private synchronized void release(Entry entry) {
        entry.references--;
        // only while the entry is still the address's: after stopAll, a handle closed late must neither stop its
        // server again nor take the entry of the server started on the address since
        if (entry.references == 0 && servers.remove(entry.key, entry)) {
            stop(entry.server);
        }
    }

    /** Stops every server regardless of references (used when the owning context shuts down). */
    public synchronized void stopAll() {
        for (Entry entry : List.copyOf(servers.values())) {
            servers.remove(entry.key);
            stop(entry.server);
        }
    }

    private void stop(IotmpServer server) {
        for (Listener listener : listeners) {
            try {
                listener.serverStopping(server);
            } catch (RuntimeException e) {
                LOG.warn("Server listener failed on stop of {}", server, e);
            }
        }
        server.stop();
    }

    private static final class Entry {
        final String key;
        final IotmpServer server;
        int references;

        Entry(String key, IotmpServer server) {
            this.key = key;
            this.server = server;
        }
    }

    /** A reference to a shared server; close it exactly once when no longer needed. */
    public final class Handle implements AutoCloseable {
        private final Entry entry;
        private boolean closed;

        private Handle(Entry entry) {
            this.entry = Objects.requireNonNull(entry);
        }

        public IotmpServer server() {
            return entry.server;
        }

        @Override
        public void close() {
            synchronized (IotmpServerManager.this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            release(entry);
        }
    }
}
