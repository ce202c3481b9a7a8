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
 * @param maxRelaysInFlight how many relays to the other members (topic publications, server events, property
 *                      updates) may wait for their answers at once; beyond it a route's publication or event is
 *                      refused with {@code QuotaExceededException} ({@code CLUSTER_RELAYS}) and a device's is not
 *                      relayed (both counted), so a slow member cannot make this one hold an unbounded backlog
 * @param dns           discovery by DNS instead of {@code members}, or null for static discovery
 * @param maxRelayBytesInFlight bytes those relays may carry at once (their values as PSON encodes them); beyond it
 *                      a relay is refused as beyond {@code maxRelaysInFlight}, so that relays of large
 *                      publications cannot make this member hold {@code maxRelaysInFlight} times a frame
 * @param maxRelaysPerDevice how many of those relays may be of one device at once (its publications and retained
 *                      messages, updates of its properties); beyond it a relay of that device is refused as beyond
 *                      {@code maxRelaysInFlight}, so that one device publishing fast cannot take every relay of the
 *                      member and leave none to the other devices (relays of routes have only the member's bounds)
 * @param maxRelayBytesPerDevice bytes the relays of one device may carry at once; beyond it a relay of that device
 *                      is refused as beyond {@code maxRelayBytesInFlight}, so that one device publishing full frames
 *                      cannot take the member's whole {@code maxRelayBytesInFlight}
 * @param maxRelaysPerUser how many of those relays may be of the devices of one user at once; beyond it a relay of
 *                      a device of that user is refused as beyond {@code maxRelaysInFlight}, so that the many devices
 *                      one user may connect (a {@code user/*} credential mints device ids) cannot together take every
 *                      relay of the member and leave none to the other users
 * @param maxRelayBytesPerUser bytes the relays of the devices of one user may carry at once; beyond it a relay of a
 *                      device of that user is refused as beyond {@code maxRelayBytesInFlight}, so that one user's
 *                      devices cannot together take the member's whole {@code maxRelayBytesInFlight}
 */
public record ClusterOptions(String name, String memberName, String bindAddress, int port, List<String> members,
                             int fdPortOffset, Tls tls, int maxRelaysInFlight, Dns dns, long maxRelayBytesInFlight,
                             int maxRelaysPerDevice, long maxRelayBytesPerDevice, int maxRelaysPerUser,
                             long maxRelayBytesPerUser) {

    public static final String DEFAULT_NAME = "iotmp";
    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    public static final int DEFAULT_PORT = 7800;
    /** JGroups' own default for its socket failure detector ({@code FD_SOCK2}). */
    public static final int DEFAULT_FD_PORT_OFFSET = 50_000;
    /** Relays waiting for the other members at once: far more than a healthy cluster keeps, few enough to hold. */
    public static final int DEFAULT_MAX_RELAYS_IN_FLIGHT = 10_000;
    /** Bytes those relays carry at once: 256 publications of a full default frame (256 KiB), as the partial frames. */
    public static final long DEFAULT_MAX_RELAY_BYTES_IN_FLIGHT = 64L * 1024 * 1024;
    /** One device's relays at once: a tenth of the member's, so that ten devices at least share them. */
    public static final int DEFAULT_MAX_RELAYS_PER_DEVICE = 1_000;
    /**
     * Bytes of one device's relays at once: 16 publications of a full default frame (256 KiB), a sixteenth of the
     * member's, so that sixteen devices at least share them; a fixed size rather than a fraction of the member's, so
     * that raising the member's bound for many devices does not raise what one device may take.
     */
    public static final long DEFAULT_MAX_RELAY_BYTES_PER_DEVICE = 4L * 1024 * 1024;
    /**
     * The relays of one user's devices at once: a quarter of the member's, so that four users at least share them,
     * and two and a half times a device's, so that a user's devices together may hold more than one device may. A
     * deployment whose devices are all of one user raises it to the member's bound.
     */
    public static final int DEFAULT_MAX_RELAYS_PER_USER = 2_500;
    /**
     * Bytes of one user's relays at once: a quarter of the member's (64 full default frames), so that four users at
     * least share them, and the full shares of four devices; a fixed size, as a device's, so that raising the
     * member's bound for more users does not raise what one user may take.
     */
    public static final long DEFAULT_MAX_RELAY_BYTES_PER_USER = 16L * 1024 * 1024;

    public ClusterOptions {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(bindAddress, "bindAddress");
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
        if (maxRelaysInFlight <= 0) {
            throw new IllegalArgumentException("maxRelaysInFlight must be positive: " + maxRelaysInFlight);
        }
        if (maxRelayBytesInFlight <= 0) {
            throw new IllegalArgumentException("maxRelayBytesInFlight must be positive: " + maxRelayBytesInFlight);
        }
        if (maxRelaysPerDevice <= 0) {
            throw new IllegalArgumentException("maxRelaysPerDevice must be positive: " + maxRelaysPerDevice);
        }
        if (maxRelayBytesPerDevice <= 0) {
            throw new IllegalArgumentException("maxRelayBytesPerDevice must be positive: " + maxRelayBytesPerDevice);
        }
        if (maxRelaysPerUser <= 0) {
            throw new IllegalArgumentException("maxRelaysPerUser must be positive: " + maxRelaysPerUser);
        }
        if (maxRelayBytesPerUser <= 0) {
            throw new IllegalArgumentException("maxRelayBytesPerUser must be positive: " + maxRelayBytesPerUser);
        }
        if (dns != null && !members.isEmpty()) {
            throw new IllegalArgumentException("cluster members and DNS discovery exclude each other: members "
                                               + members + ", DNS query " + dns.query());
        }
    }

    /** The options with the default shares of one device and one user in the relays in flight. */
    public ClusterOptions(String name, String memberName, String bindAddress, int port, List<String> members,
                          int fdPortOffset, Tls tls, int maxRelaysInFlight, Dns dns, long maxRelayBytesInFlight) {
        this(name, memberName, bindAddress, port, members, fdPortOffset, tls, maxRelaysInFlight, dns,
                maxRelayBytesInFlight, DEFAULT_MAX_RELAYS_PER_DEVICE, DEFAULT_MAX_RELAY_BYTES_PER_DEVICE,
                DEFAULT_MAX_RELAYS_PER_USER, DEFAULT_MAX_RELAY_BYTES_PER_USER);
    }

    /** The options with the default bound on the bytes of relays in flight. */
    public ClusterOptions(String name, String memberName, String bindAddress, int port, List<String> members,
                          int fdPortOffset, Tls tls, int maxRelaysInFlight, Dns dns) {
        this(name, memberName, bindAddress, port, members, fdPortOffset, tls, maxRelaysInFlight, dns,
                DEFAULT_MAX_RELAY_BYTES_IN_FLIGHT);
    }

    /** The options with static discovery. */
    public ClusterOptions(String name, String memberName, String bindAddress, int port, List<String> members,
                          int fdPortOffset, Tls tls, int maxRelaysInFlight) {
        this(name, memberName, bindAddress, port, members, fdPortOffset, tls, maxRelaysInFlight, null);
    }

    /** The options with the default bound on relays in flight. */
    public ClusterOptions(String name, String memberName, String bindAddress, int port, List<String> members,
                          int fdPortOffset, Tls tls) {
        this(name, memberName, bindAddress, port, members, fdPortOffset, tls, DEFAULT_MAX_RELAYS_IN_FLIGHT, null);
    }

    /** The options with the defaults but for the name, port and members. */
    public static ClusterOptions of(String name, int port, String members) {
        return new ClusterOptions(name, null, DEFAULT_BIND_ADDRESS, port, parseMembers(members),
                DEFAULT_FD_PORT_OFFSET, null, DEFAULT_MAX_RELAYS_IN_FLIGHT, null);
    }

    public ClusterOptions withMemberName(String memberName) {
        return new ClusterOptions(name, memberName, bindAddress, port, members, fdPortOffset, tls, maxRelaysInFlight,
                dns, maxRelayBytesInFlight, maxRelaysPerDevice, maxRelayBytesPerDevice, maxRelaysPerUser,
                maxRelayBytesPerUser);
    }

    public ClusterOptions withBindAddress(String bindAddress) {
        return new ClusterOptions(name, memberName.equals(this.bindAddress + ":" + port) ? null : memberName,
                bindAddress, port, members, fdPortOffset, tls, maxRelaysInFlight, dns, maxRelayBytesInFlight,
                maxRelaysPerDevice, maxRelayBytesPerDevice, maxRelaysPerUser, maxRelayBytesPerUser);
    }

    public ClusterOptions withFdPortOffset(int fdPortOffset) {
        return new ClusterOptions(name, memberName, bindAddress, port, members, fdPortOffset, tls, maxRelaysInFlight,
                dns, maxRelayBytesInFlight, maxRelaysPerDevice, maxRelayBytesPerDevice, maxRelaysPerUser,
                maxRelayBytesPerUser);
    }

    public ClusterOptions withTls(Tls tls) {
        return new ClusterOptions(name, memberName, bindAddress, port, members, fdPortOffset, tls, maxRelaysInFlight,
                dns, maxRelayBytesInFlight, maxRelaysPerDevice, maxRelayBytesPerDevice, maxRelaysPerUser,
                maxRelayBytesPerUser);
    }

    public ClusterOptions withMaxRelaysInFlight(int maxRelaysInFlight) {
        return new ClusterOptions(name, memberName, bindAddress, port, members, fdPortOffset, tls, maxRelaysInFlight,
                dns, maxRelayBytesInFlight, maxRelaysPerDevice, maxRelayBytesPerDevice, maxRelaysPerUser,
                maxRelayBytesPerUser);
    }

    public ClusterOptions withMaxRelayBytesInFlight(long maxRelayBytesInFlight) {
        return new ClusterOptions(name, memberName, bindAddress, port, members, fdPortOffset, tls, maxRelaysInFlight,
                dns, maxRelayBytesInFlight, maxRelaysPerDevice, maxRelayBytesPerDevice, maxRelaysPerUser,
                maxRelayBytesPerUser);
    }

    public ClusterOptions withMaxRelaysPerDevice(int maxRelaysPerDevice) {
        return new ClusterOptions(name, memberName, bindAddress, port, members, fdPortOffset, tls, maxRelaysInFlight,
                dns, maxRelayBytesInFlight, maxRelaysPerDevice, maxRelayBytesPerDevice, maxRelaysPerUser,
                maxRelayBytesPerUser);
    }

    public ClusterOptions withMaxRelayBytesPerDevice(long maxRelayBytesPerDevice) {
        return new ClusterOptions(name, memberName, bindAddress, port, members, fdPortOffset, tls, maxRelaysInFlight,
                dns, maxRelayBytesInFlight, maxRelaysPerDevice, maxRelayBytesPerDevice, maxRelaysPerUser,
                maxRelayBytesPerUser);
    }

    public ClusterOptions withMaxRelaysPerUser(int maxRelaysPerUser) {
        return new ClusterOptions(name, memberName, bindAddress, port, members, fdPortOffset, tls, maxRelaysInFlight,
                dns, maxRelayBytesInFlight, maxRelaysPerDevice, maxRelayBytesPerDevice, maxRelaysPerUser,
                maxRelayBytesPerUser);
    }

    public ClusterOptions withMaxRelayBytesPerUser(long maxRelayBytesPerUser) {
        return new ClusterOptions(name, memberName, bindAddress, port, members, fdPortOffset, tls, maxRelaysInFlight,
                dns, maxRelayBytesInFlight, maxRelaysPerDevice, maxRelayBytesPerDevice, maxRelaysPerUser,
                maxRelayBytesPerUser);
    }

    /** The options finding the other members by DNS instead of a list of members (these options list none). */
    public ClusterOptions withDns(Dns dns) {
        return new ClusterOptions(name, memberName, bindAddress, port, members, fdPortOffset, tls, maxRelaysInFlight,
                dns, maxRelayBytesInFlight, maxRelaysPerDevice, maxRelayBytesPerDevice, maxRelaysPerUser,
                maxRelayBytesPerUser);
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
