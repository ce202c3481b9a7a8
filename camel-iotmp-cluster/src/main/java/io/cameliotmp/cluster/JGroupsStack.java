package io.cameliotmp.cluster;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

import org.infinispan.remoting.transport.jgroups.JGroupsChannelConfigurator;
import org.jgroups.ChannelListener;
import org.jgroups.JChannel;
import org.jgroups.conf.ProtocolConfiguration;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.FORK;
import org.jgroups.protocols.FRAG4;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.MFC;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UFC;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.dns.DNS_PING;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.Protocol;
import org.jgroups.util.SocketFactory;
import org.jgroups.util.TLSClientAuth;

/**
 * The JGroups stack of a member: Infinispan's own TCP stack ({@code default-jgroups-tcp.xml}) with static discovery
 * ({@code TCPPING} on the configured members) or DNS discovery ({@code DNS_PING}) instead of multicast, and TLS with
 * client authentication on the transport when configured, plus {@code FORK} on top for the channel of forwarded calls
 * ({@link CallChannel}).
 * Built in code so that the options map one to one onto protocol properties.
 */
final class JGroupsStack implements JGroupsChannelConfigurator {

    private final ClusterOptions options;
    private final Connected connected;
    private volatile JChannel created;
    /** What {@link #connected} threw, which JGroups only logs; the join fails with it. */
    private volatile Exception connectedFailure;

    /** What runs on the channel once it is connected, before Infinispan starts its caches on it. */
    @FunctionalInterface
    interface Connected {
        void connected(JChannel channel) throws Exception;
    }

    JGroupsStack(ClusterOptions options, Connected connected) {
        this.options = options;
        this.connected = connected;
    }

    /** Throws what {@link Connected} threw, if it did; called once the cache manager started. */
    void requireConnected() throws Exception {
        Exception failure = connectedFailure;
        if (failure != null) {
            throw failure;
        }
    }

    /** The channel Infinispan asked for, once it did; tests cut and heal the network on it. */
    JChannel created() {
        return created;
    }

    @Override
    public String getName() {
        return "iotmp-tcp";
    }

    @Override
    public JChannel createChannel(String name) throws Exception {
        JChannel channel = channel(options);
        channel.addChannelListener(new ChannelListener() {
            @Override
            public void channelConnected(JChannel connectedChannel) {
                try {
                    connected.connected(connectedChannel);
                } catch (Exception e) {
                    connectedFailure = e;
                }
            }
        });
        created = channel;
        return channel;
    }

    @Override
    public String getProtocolStackString() {
        return "TCP:" + (options.dns() == null ? "TCPPING" : "DNS_PING")
               + ":MERGE3:FD_SOCK2:FD_ALL3:VERIFY_SUSPECT2:NAKACK2:UNICAST3:STABLE:GMS:UFC:MFC:FRAG4:FORK";
    }

    @Override
    public List<ProtocolConfiguration> getProtocolStack() {
        return List.of();
    }

    @Override
    public void setSocketFactory(SocketFactory socketFactory) {
        // the stack uses JGroups' own sockets
    }

    @Override
    public void setDataSource(DataSource dataSource) {
        // no JDBC discovery
    }

    static JChannel channel(ClusterOptions options) throws Exception {
        InetAddress bind = InetAddress.getByName(options.bindAddress());
        TCP tcp = new TCP();
        tcp.setBindAddress(bind);
        tcp.setBindPort(options.port());
        tcp.setPortRange(0);
        // forwarded calls skip the hand-offs to the bundler's and the pool's threads (CallChannel)
        tcp.setBundler(new UnbundledSends());
        tcp.setMessageProcessingPolicy(CallsOnArrival.class.getName());
        if (options.tls() != null) {
            ClusterOptions.Tls tls = options.tls();
            tcp.tls().enabled(true)
                    .setKeystorePath(tls.keystore()).setKeystorePassword(tls.keystorePassword())
                    .setTruststorePath(tls.truststore()).setTruststorePassword(tls.truststorePassword())
                    .setClientAuth(TLSClientAuth.NEED);
        }
        List<Protocol> stack = new ArrayList<>(List.of(tcp, discovery(options),
                // merges partitions that healed; shorter than Infinispan's 10–30 s so a split brain heals soon
                new MERGE3().setMinInterval(2_000).setMaxInterval(6_000),
                new FD_SOCK2().setOffset(options.fdPortOffset()).setBindAddress(bind),
                new FD_ALL3(),
                // how long a suspect may take to say it lives: the view without a crashed member, and so the
                // directory writes of its devices reconnecting elsewhere, wait for it. Crashes are suspected by
                // FD_SOCK2 (its socket closed), a silent member only after FD_ALL3's 40 s: half a second is ample
                new VERIFY_SUSPECT2().setTimeout(500),
                new NAKACK2(),
                new UNICAST3(),
                new STABLE(),
                new GMS().setJoinTimeout(2_000),
                new UFC(),
                new MFC(),
                new FRAG4(),
                // forwarded calls travel on a fork of this channel (CallChannel), beside Infinispan's traffic
                new FORK()));
        JChannel channel = new JChannel(stack);
        channel.name(options.memberName());
        return channel;
    }

    private static Protocol discovery(ClusterOptions options) {
        if (options.dns() != null) {
            ClusterOptions.Dns dns = options.dns();
            // asked at each discovery round (the first, and MERGE3's), so members published later are found
            return new DNS_PING().dnsQuery(dns.query()).dnsRecordType(dns.recordType())
                    .dnsAddress(dns.resolver() == null ? "" : dns.resolver());
        }
        TCPPING tcpping = new TCPPING();
        // as text, not addresses: TCPPING then starts without the names that do not resolve yet (a peer not up, a
        // pod a headless service does not publish yet) and resolves them again at each discovery round
        tcpping.setValue("initial_hosts_str", initialHosts(options)); // the field of property initial_hosts
        tcpping.setPortRange(0);
        return tcpping;
    }

    /** This member and the configured ones, in TCPPING's {@code host[port]} form. */
    static String initialHosts(ClusterOptions options) {
        StringBuilder hosts = new StringBuilder();
        appendHost(hosts, options.bindAddress(), options.port());
        for (String member : options.members()) {
            int colon = member.lastIndexOf(':');
            appendHost(hosts.append(','), member.substring(0, colon), Integer.parseInt(member.substring(colon + 1)));
        }
        return hosts.toString();
    }

    /** {@code host[port]}; an IPv6 literal written {@code [::1]} in a member loses its brackets, as TCPPING wants. */
    private static void appendHost(StringBuilder hosts, String host, int port) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        hosts.append(bare).append('[').append(port).append(']');
    }
}
