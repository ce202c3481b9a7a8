package io.cameliotmp.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * How one member joins the cluster: the cluster's name, the address and port it listens on for the other members, and
 * how it finds the other members: the members it contacts first (static TCP discovery) or a DNS name that lists them
 * ({@link Dns}). With {@code tls} set, members talk TLS with client
 * authentication: only holders of a certificate the trust store trusts can join, and everything the members exchange
 * (forwarded calls, the directory, caches, topics) is encrypted. The failure detector's connections
 * ({@code port + fdPortOffset}) stay plain: JGroups' {@code FD_SOCK2} has no TLS, and they carry only its liveness
 * handshake (the cluster's name and member addresses), no data.
 *
 * @param name          the cluster's name; members with another name never join this cluster
 * @param memberName    this member's name, unique in the cluster (shown in the device list and logs)
 * @param bindAddress   the address the member listens on for the other members
 * @param port          the TCP port the member listens on for the other members
 * @param members       {@code host:port} of the members to contact first (this one may be among them); empty
 *                      with {@code dns}
 * @param fdPortOffset  the failure detector listens on {@code port + fdPortOffset}; a crashed member's socket
 *                      closes there, which tells the others at once
 * @param tls           TLS between members, or null for plain TCP
 * @param dns           discovery by DNS instead of {@code members}, or null for static discovery
 * @param relayBounds   what the relays to the other members may hold while they wait for their answers: the
 *                      member's budget and the shares of one device and of one user ({@link RelayBounds})
 * @param relayedPublications the threads that hand the publications other members relay to this member's topic
 *                      consumers, and how many such publications may wait for them ({@link RelayedPublications})
 */
public record ClusterOptions(String name, String memberName, String bindAddress, int port, List<String> members,
                             int fdPortOffset, Tls tls, Dns dns, RelayBounds relayBounds,
                             RelayedPublications relayedPublications) {

    public static final String DEFAULT_NAME = "iotmp";
    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    public static final int DEFAULT_PORT = 7800;
    /** JGroups' own default for its socket failure detector ({@code FD_SOCK2}). */
    public static final int DEFAULT_FD_PORT_OFFSET = 50_000;

    public ClusterOptions {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(relayBounds, "relayBounds");
        Objects.requireNonNull(relayedPublications, "relayedPublications");
        members = List.copyOf(members);
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("cluster port out of range: " + port);
        }
        if (port + fdPortOffset <= 0 || port + fdPortOffset > 65535) {
            throw new IllegalArgumentException("the failure detector's port " + port + " + " + fdPortOffset
                                               + " is out of range: choose a smaller port or fdPortOffset");
        }
        if (memberName == null || memberName.isBlank()) {
            memberName = bindAddress + ":" + port;
        }
        if (dns != null && !members.isEmpty()) {
            throw new IllegalArgumentException("cluster members and DNS discovery exclude each other: members "
                                               + members + ", DNS query " + dns.query());
        }
    }

    /** The options with the defaults but for the name, port and members. */
    public static ClusterOptions of(String name, int port, String members) {
        return new ClusterOptions(name, null, DEFAULT_BIND_ADDRESS, port, parseMembers(members),
                DEFAULT_FD_PORT_OFFSET, null, null, RelayBounds.DEFAULTS, RelayedPublications.DEFAULTS);
    }

    public ClusterOptions withMemberName(String memberName) {
        return new ClusterOptions(name, memberName, bindAddress, port, members, fdPortOffset, tls, dns, relayBounds,
                relayedPublications);
    }

    /**
     * Whether the member would listen beyond this machine without TLS: on any address but a loopback one (the
     * wildcard included), where whoever reaches the port can join the cluster. An address that does not resolve is
     * taken as exposed; joining reports it anyway.
     */
    public boolean exposedWithoutTls() {
        if (tls != null) {
            return false;
        }
        try {
            return !java.net.InetAddress.getByName(bindAddress).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return true;
        }
    }

    public ClusterOptions withBindAddress(String bindAddress) {
        return new ClusterOptions(name, memberName.equals(this.bindAddress + ":" + port) ? null : memberName,
                bindAddress, port, members, fdPortOffset, tls, dns, relayBounds, relayedPublications);
    }

    public ClusterOptions withFdPortOffset(int fdPortOffset) {
        return new ClusterOptions(name, memberName, bindAddress, port, members, fdPortOffset, tls, dns, relayBounds,
                relayedPublications);
    }

    public ClusterOptions withTls(Tls tls) {
        return new ClusterOptions(name, memberName, bindAddress, port, members, fdPortOffset, tls, dns, relayBounds,
                relayedPublications);
    }

    /** The options finding the other members by DNS instead of a list of members (these options list none). */
    public ClusterOptions withDns(Dns dns) {
        return new ClusterOptions(name, memberName, bindAddress, port, members, fdPortOffset, tls, dns, relayBounds,
                relayedPublications);
    }

    public ClusterOptions withRelayBounds(RelayBounds relayBounds) {
        return new ClusterOptions(name, memberName, bindAddress, port, members, fdPortOffset, tls, dns, relayBounds,
                relayedPublications);
    }

    public ClusterOptions withMaxRelaysInFlight(int maxRelaysInFlight) {
        return withRelayBounds(relayBounds.withMaxRelaysInFlight(maxRelaysInFlight));
    }

    public ClusterOptions withMaxRelayBytesInFlight(long maxRelayBytesInFlight) {
        return withRelayBounds(relayBounds.withMaxRelayBytesInFlight(maxRelayBytesInFlight));
    }

    public ClusterOptions withMaxRelaysPerDevice(int maxRelaysPerDevice) {
        return withRelayBounds(relayBounds.withMaxRelaysPerDevice(maxRelaysPerDevice));
    }

    public ClusterOptions withMaxRelayBytesPerDevice(long maxRelayBytesPerDevice) {
        return withRelayBounds(relayBounds.withMaxRelayBytesPerDevice(maxRelayBytesPerDevice));
    }

    public ClusterOptions withMaxRelaysPerUser(int maxRelaysPerUser) {
        return withRelayBounds(relayBounds.withMaxRelaysPerUser(maxRelaysPerUser));
    }

    public ClusterOptions withMaxRelayBytesPerUser(long maxRelayBytesPerUser) {
        return withRelayBounds(relayBounds.withMaxRelayBytesPerUser(maxRelayBytesPerUser));
    }

    public ClusterOptions withRelayedPublications(RelayedPublications relayedPublications) {
        return new ClusterOptions(name, memberName, bindAddress, port, members, fdPortOffset, tls, dns, relayBounds,
                relayedPublications);
    }

    public ClusterOptions withRelayedPublicationThreads(int threads) {
        return withRelayedPublications(new RelayedPublications(threads, relayedPublications.maxQueued(),
                relayedPublications.maxQueuedBytes()));
    }

    public ClusterOptions withMaxQueuedRelayedPublications(int maxQueued) {
        return withRelayedPublications(new RelayedPublications(relayedPublications.threads(), maxQueued,
                relayedPublications.maxQueuedBytes()));
    }

    public ClusterOptions withMaxQueuedRelayedPublicationBytes(long maxQueuedBytes) {
        return withRelayedPublications(new RelayedPublications(relayedPublications.threads(),
                relayedPublications.maxQueued(), maxQueuedBytes));
    }

    /** Splits {@code host:port,host:port}; blanks are ignored. */
    public static List<String> parseMembers(String members) {
        List<String> result = new ArrayList<>();
        if (members == null) {
            return result;
        }
        for (String member : members.split(",")) {
            String trimmed = member.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int colon = trimmed.lastIndexOf(':');
            if (colon <= 0 || colon == trimmed.length() - 1) {
                throw new IllegalArgumentException("expected host:port in cluster members, got '" + trimmed + "'");
            }
            Integer.parseInt(trimmed.substring(colon + 1));
            result.add(trimmed);
        }
        return result;
    }

    /**
     * TLS between members, with client authentication: a member needs a key the others' trust store trusts.
     *
     * @param keystore           path of the member's key store (PKCS12 or JKS)
     * @param keystorePassword   its password
     * @param truststore         path of the trust store with the certificates (or their CA) of the members
     * @param truststorePassword its password
     */
    public record Tls(String keystore, String keystorePassword, String truststore, String truststorePassword) {
        public Tls {
            Objects.requireNonNull(keystore, "keystore");
            Objects.requireNonNull(truststore, "truststore");
        }

        @Override
        public String toString() {
            return "Tls[keystore=" + keystore + ", truststore=" + truststore + "]";
        }
    }

    /**
     * The member's own threads for the publications other members relay to it (retained ones included): each runs
     * this member's topic consumers on one publication, then answers the publishing member, which counts the relay in
     * its budget ({@link RelayBounds}) until then. A consumer that blocks holds one of these threads, and no thread of
     * Infinispan's or of the server's: before, it held one of Infinispan's blocking threads per publication, and
     * enough of them stalled the member's other cluster work (server events, property updates); on the server's
     * workers, a publication would wait behind relayed stream samples whose routes block. Beyond {@code maxQueued}
     * publications waiting for a thread, or beyond {@code maxQueuedBytes} of them, a relayed publication is refused:
     * not delivered on this member, and counted by the publishing member among its refused relays.
     *
     * @param threads        how many relayed publications this member's topic consumers work on at once
     * @param maxQueued      how many relayed publications may wait for one of those threads
     * @param maxQueuedBytes how many bytes the relayed publications this member has not finished (with its consumers
     *                       or waiting for a thread) may carry, their values as PSON encodes them (as the publishing
     *                       member counts them): the count alone let the members that relay to this one make it hold
     *                       {@code maxQueued} full frames (10,000 of 256 KiB at the defaults), whatever each
     *                       publishing member's own {@link RelayBounds} say, as each member bounds only what it
     *                       sends, not what this one receives from all of them
     */
    public record RelayedPublications(int threads, int maxQueued, long maxQueuedBytes) {

        /**
         * Publications handed to topic consumers at once: enough that a few slow consumers leave room to the others,
         * few enough that consumers that block hold a bounded number of threads.
         */
        public static final int DEFAULT_THREADS = 16;
        /**
         * Publications waiting for a thread: as many relays as one publishing member may hold in flight at the
         * default {@link RelayBounds#DEFAULT_MAX_RELAYS_IN_FLIGHT}, so that one member alone never fills it.
         */
        public static final int DEFAULT_MAX_QUEUED = 10_000;

        /**
         * Bytes of the relayed publications not finished: as many as one publishing member may have in flight at the
         * default {@link RelayBounds#DEFAULT_MAX_RELAY_BYTES_IN_FLIGHT}, so that one member alone never fills it.
         */
        public static final long DEFAULT_MAX_QUEUED_BYTES = RelayBounds.DEFAULT_MAX_RELAY_BYTES_IN_FLIGHT;

        public static final RelayedPublications DEFAULTS = new RelayedPublications(DEFAULT_THREADS,
                DEFAULT_MAX_QUEUED, DEFAULT_MAX_QUEUED_BYTES);

        public RelayedPublications {
            if (threads <= 0) {
                throw new IllegalArgumentException("relayedPublicationThreads must be positive: " + threads);
            }
            if (maxQueued <= 0) {
                throw new IllegalArgumentException("maxQueuedRelayedPublications must be positive: " + maxQueued);
            }
            if (maxQueuedBytes <= 0) {
                throw new IllegalArgumentException("maxQueuedRelayedPublicationBytes must be positive: "
                                                   + maxQueuedBytes);
            }
        }

        /** With {@code maxQueuedBytes} at its default. */
        public RelayedPublications(int threads, int maxQueued) {
            this(threads, maxQueued, DEFAULT_MAX_QUEUED_BYTES);
        }
    }

    /**
     * Discovery by DNS (JGroups' {@code DNS_PING}), asked again at each discovery round, so members may come and go
     * without any member's configuration changing: what a Kubernetes headless service or a DNS zone kept by the
     * deployment publishes.
     *
     * @param query      the names to ask, comma-separated. With A or AAAA records, names whose addresses are the
     *                   members' (a headless service's name); every member then listens on the same {@code port}.
     *                   With SRV records, names whose records give each member's host and port.
     * @param recordType {@code A}, {@code AAAA} or {@code SRV}; null for {@value #DEFAULT_RECORD_TYPE}
     * @param resolver   {@code host} or {@code host:port} of the DNS server to ask; null or empty for the system's
     *                   (A and AAAA records are then looked up as the JVM looks up any name, through its cache)
     */
    public record Dns(String query, String recordType, String resolver) {

        public static final String DEFAULT_RECORD_TYPE = "A";
        private static final Set<String> RECORD_TYPES = Set.of("A", "AAAA", "SRV");

        public Dns {
            if (query == null || query.isBlank()) {
                throw new IllegalArgumentException("DNS discovery needs a query (the name that lists the members)");
            }
            query = query.trim();
            recordType = recordType == null || recordType.isBlank() ? DEFAULT_RECORD_TYPE
                    : recordType.trim().toUpperCase(Locale.ROOT);
            if (!RECORD_TYPES.contains(recordType)) {
                throw new IllegalArgumentException("DNS record type must be A, AAAA or SRV, got '" + recordType + "'");
            }
            resolver = resolver == null || resolver.isBlank() ? null : resolver.trim();
        }
    }
}
