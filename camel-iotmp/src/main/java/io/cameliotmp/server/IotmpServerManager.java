package io.cameliotmp.server;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One server per (host, port), shared by everybody who asks for it and reference-counted: the first
 * {@link #acquire} starts it, the last {@link Handle#close} stops it, so a server lives exactly as long as something
 * uses it.
 */
public final class IotmpServerManager {

    private final Map<String, Entry> servers = new HashMap<>();

    /**
     * Returns a handle on the server for the configuration's host and port, starting it if needed.
     *
     * @throws IllegalStateException if that address is already served with a different configuration
     */
    public synchronized Handle acquire(IotmpServerConfig config) {
        String key = config.host() + ":" + config.port();
        Entry entry = servers.get(key);
        if (entry == null) {
            IotmpServer server = new IotmpServer(config);
            server.start();
            entry = new Entry(key, server);
            servers.put(key, entry);
        } else if (!entry.server.config().equals(config)) {
            throw new IllegalStateException("IOTMP server " + key + " is already running with another configuration;"
                                            + " endpoints sharing a port must configure the server identically");
        }
        entry.references++;
        return new Handle(entry);
    }

    /** The servers this manager runs now. */
    public synchronized java.util.List<IotmpServer> running() {
        return servers.values().stream().map(e -> e.server).toList();
    }

    /** The running server for a host and port, if any. */
    public synchronized IotmpServer find(String host, int port) {
        Entry entry = servers.get(host + ":" + port);
        return entry == null ? null : entry.server;
    }

    private synchronized void release(Entry entry) {
        entry.references--;
        if (entry.references == 0) {
            servers.remove(entry.key);
            entry.server.stop();
        }
    }

    /** Stops every server regardless of references (used when the owning context shuts down). */
    public synchronized void stopAll() {
        servers.values().forEach(e -> e.server.stop());
        servers.clear();
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
