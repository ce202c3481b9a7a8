package io.cameliotmp.springboot;

import io.cameliotmp.cluster.ClusterOptions;
import io.cameliotmp.cluster.RelayBounds;
import org.springframework.boot.context.properties.ConfigurationProperties;

import static org.springframework.util.StringUtils.hasText;

/**
 * The {@code camel.component.iotmp.cluster.*} properties: with camel-iotmp-cluster on the classpath and
 * {@code enabled=true}, the iotmp component's server joins the cluster they describe (embedded Infinispan, static TCP
 * or DNS discovery). The defaults are {@link ClusterOptions}' and {@link RelayBounds}' (written out for the metadata
 * processor, which cannot read constants of other classes; the starter's metadata test compares them).
 */
@ConfigurationProperties(prefix = "camel.component.iotmp.cluster")
public class IotmpClusterProperties {

    /** Join a cluster: any member then reaches the devices connected to every member. */
    private boolean enabled;
    /** The cluster's name; members with another name never join this cluster. */
    private String name = "iotmp";
    /** This member's name, unique in the cluster. Default: bind address and port. */
    private String memberName;
    /** The address this member listens on for the other members. */
    private String bindAddress = "127.0.0.1";
    /** The TCP port this member listens on for the other members. */
    private int port = 7800;
    /** The members to contact first, comma-separated host:port (this one may be among them). */
    private String members;
    /**
     * Find the members by DNS instead of members: the names to ask, comma-separated (a Kubernetes headless service's
     * name, for one), asked again at each discovery round.
     */
    private String dnsQuery;
    /**
     * The DNS records that list the members: A or AAAA (their addresses; every member then listens on the same port)
     * or SRV (their hosts and ports).
     */
    private String dnsRecordType = "A";
    /** The DNS server to ask, host or host:port. Default: the system's. */
    private String dnsResolver;
    /** The failure detector of a member listens on its port plus this offset. */
    private int fdPortOffset = 50000;
    /**
     * Relays to the other members (topic publications, server events, property updates) that may wait for their
     * answers at once; beyond it a route's publication or event is refused (QuotaExceededException, quota
     * CLUSTER_RELAYS) and a device's is delivered on this member only, both counted.
     */
    private int maxRelaysInFlight = 10000;
    /**
     * Bytes those relays may carry at once (their values as PSON encodes them); beyond it a relay is refused as beyond
     * max-relays-in-flight, so that large publications cannot make a member hold max-relays-in-flight frames.
     */
    private long maxRelayBytesInFlight = 67108864;
    /**
     * Relays of one device (its publications and retained messages, updates of its properties) that may wait at once;
     * beyond it a relay of that device is refused as beyond max-relays-in-flight, so that one device publishing fast
     * cannot leave the other devices no room.
     */
    private int maxRelaysPerDevice = 1000;
    /**
     * Bytes the relays of one device may carry at once; beyond it a relay of that device is refused as beyond
     * max-relay-bytes-in-flight, so that one device publishing full frames cannot take the member's whole
     * max-relay-bytes-in-flight.
     */
    private long maxRelayBytesPerDevice = 4194304;
    /**
     * Relays of the devices of one user together that may wait at once; beyond it a relay of a device of that user is
     * refused as beyond max-relays-in-flight, so that the many devices one user may connect cannot leave the other
     * users no room.
     */
    private int maxRelaysPerUser = 2500;
    /**
     * Bytes the relays of the devices of one user may carry at once; beyond it a relay of a device of that user is
     * refused as beyond max-relay-bytes-in-flight, so that one user's devices cannot take the member's whole
     * max-relay-bytes-in-flight.
     */
    private long maxRelayBytesPerUser = 16777216;
    /**
     * Threads of this member that hand the publications other members relay to it to its topic consumers, each
     * answering the publishing member once the consumers are done; a consumer that blocks holds one of these threads
     * (and none of the cluster's or the server's).
     */
    private int relayedPublicationThreads = 16;
    /**
     * Relayed publications that may wait for one of those threads; beyond it a relayed publication is refused (not
     * delivered on this member) and counted by the publishing member among its refused relays.
     */
    private int maxQueuedRelayedPublications = 10000;
    /**
     * Bytes the relayed publications not yet finished on this member may carry (their values as PSON encodes them);
     * beyond it a relayed publication is refused as beyond max-queued-relayed-publications, so that few but large
     * publications from several members cannot make this member hold max-queued-relayed-publications full frames.
     */
    private long maxQueuedRelayedPublicationBytes = 67108864;
    /** Key store (PKCS12 or JKS) of this member: with a trust store, members talk TLS and authenticate each other. */
    private String tlsKeystore;
    /** Password of the key store. */
    private String tlsKeystorePassword;
    /** Trust store with the certificates (or their CA) of the members. */
    private String tlsTruststore;
    /** Password of the trust store. */
    private String tlsTruststorePassword;

    /** The options these properties describe. */
    ClusterOptions toOptions() {
        ClusterOptions options = new ClusterOptions(name, memberName, bindAddress, port,
                ClusterOptions.parseMembers(members), fdPortOffset, null,
                dnsQuery == null || dnsQuery.isBlank() ? null
                        : new ClusterOptions.Dns(dnsQuery, dnsRecordType, dnsResolver),
                new RelayBounds(maxRelaysInFlight, maxRelayBytesInFlight, maxRelaysPerDevice, maxRelayBytesPerDevice,
                        maxRelaysPerUser, maxRelayBytesPerUser),
                new ClusterOptions.RelayedPublications(relayedPublicationThreads, maxQueuedRelayedPublications,
                        maxQueuedRelayedPublicationBytes));
        if (hasText(tlsKeystore) && hasText(tlsTruststore)) {
            options = options.withTls(new ClusterOptions.Tls(tlsKeystore, tlsKeystorePassword, tlsTruststore,
                    tlsTruststorePassword));
        } else if (hasText(tlsKeystore) || hasText(tlsTruststore) || hasText(tlsKeystorePassword)
                   || hasText(tlsTruststorePassword)) {
            // else the trust store alone left the members talking in clear, and the key store alone failed on a bare
            // NullPointerException: either way the application asked for TLS
            throw new IllegalArgumentException("camel.component.iotmp.cluster.tls-keystore and"
                                               + " camel.component.iotmp.cluster.tls-truststore go together: members"
                                               + " talk TLS with both, in clear with neither; set "
                                               + (hasText(tlsKeystore) ? "tls-truststore" : hasText(tlsTruststore)
                                                       ? "tls-keystore" : "both stores") + " or remove the other"
                                               + " cluster tls-* properties");
        }
        return options;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getMemberName() {
        return memberName;
    }

    public void setMemberName(String memberName) {
        this.memberName = memberName;
    }

    public String getBindAddress() {
        return bindAddress;
    }

    public void setBindAddress(String bindAddress) {
        this.bindAddress = bindAddress;
    }

    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public String getMembers() {
        return members;
    }

    public void setMembers(String members) {
        this.members = members;
    }

    public String getDnsQuery() {
        return dnsQuery;
    }

    public void setDnsQuery(String dnsQuery) {
        this.dnsQuery = dnsQuery;
    }

    public String getDnsRecordType() {
        return dnsRecordType;
    }

    public void setDnsRecordType(String dnsRecordType) {
        this.dnsRecordType = dnsRecordType;
    }

    public String getDnsResolver() {
        return dnsResolver;
    }

    public void setDnsResolver(String dnsResolver) {
        this.dnsResolver = dnsResolver;
    }

    public int getFdPortOffset() {
        return fdPortOffset;
    }

    public void setFdPortOffset(int fdPortOffset) {
        this.fdPortOffset = fdPortOffset;
    }

    public int getMaxRelaysInFlight() {
        return maxRelaysInFlight;
    }

    public void setMaxRelaysInFlight(int maxRelaysInFlight) {
        this.maxRelaysInFlight = maxRelaysInFlight;
    }

    public long getMaxRelayBytesInFlight() {
        return maxRelayBytesInFlight;
    }

    public void setMaxRelayBytesInFlight(long maxRelayBytesInFlight) {
        this.maxRelayBytesInFlight = maxRelayBytesInFlight;
    }

    public int getMaxRelaysPerDevice() {
        return maxRelaysPerDevice;
    }

    public void setMaxRelaysPerDevice(int maxRelaysPerDevice) {
        this.maxRelaysPerDevice = maxRelaysPerDevice;
    }

    public long getMaxRelayBytesPerDevice() {
        return maxRelayBytesPerDevice;
    }

    public void setMaxRelayBytesPerDevice(long maxRelayBytesPerDevice) {
        this.maxRelayBytesPerDevice = maxRelayBytesPerDevice;
    }

    public int getMaxRelaysPerUser() {
        return maxRelaysPerUser;
    }

    public void setMaxRelaysPerUser(int maxRelaysPerUser) {
        this.maxRelaysPerUser = maxRelaysPerUser;
    }

    public long getMaxRelayBytesPerUser() {
        return maxRelayBytesPerUser;
    }

    public void setMaxRelayBytesPerUser(long maxRelayBytesPerUser) {
        this.maxRelayBytesPerUser = maxRelayBytesPerUser;
    }

    public int getRelayedPublicationThreads() {
        return relayedPublicationThreads;
    }

    public void setRelayedPublicationThreads(int relayedPublicationThreads) {
        this.relayedPublicationThreads = relayedPublicationThreads;
    }

    public int getMaxQueuedRelayedPublications() {
        return maxQueuedRelayedPublications;
    }

    public void setMaxQueuedRelayedPublications(int maxQueuedRelayedPublications) {
        this.maxQueuedRelayedPublications = maxQueuedRelayedPublications;
    }

    public long getMaxQueuedRelayedPublicationBytes() {
        return maxQueuedRelayedPublicationBytes;
    }

    public void setMaxQueuedRelayedPublicationBytes(long maxQueuedRelayedPublicationBytes) {
        this.maxQueuedRelayedPublicationBytes = maxQueuedRelayedPublicationBytes;
    }

    public String getTlsKeystore() {
        return tlsKeystore;
    }

    public void setTlsKeystore(String tlsKeystore) {
        this.tlsKeystore = tlsKeystore;
    }

    public String getTlsKeystorePassword() {
        return tlsKeystorePassword;
    }

    public void setTlsKeystorePassword(String tlsKeystorePassword) {
        this.tlsKeystorePassword = tlsKeystorePassword;
    }

    public String getTlsTruststore() {
        return tlsTruststore;
    }

    public void setTlsTruststore(String tlsTruststore) {
        this.tlsTruststore = tlsTruststore;
    }

    public String getTlsTruststorePassword() {
        return tlsTruststorePassword;
    }

    public void setTlsTruststorePassword(String tlsTruststorePassword) {
        this.tlsTruststorePassword = tlsTruststorePassword;
    }
}
