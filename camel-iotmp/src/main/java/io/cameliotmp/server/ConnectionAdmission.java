package io.cameliotmp.server;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Supplier;

import io.cameliotmp.protocol.FrameCodec;
import io.cameliotmp.protocol.FrameLimits;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpFrameCodec;
import io.cameliotmp.protocol.PartialFrameBudget;
import io.cameliotmp.protocol.legacy.LegacyFrameCodec;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a connection may cost the server before its device is authenticated, and the server-wide bound on buffered
 * partial frames:
 * <ul>
 * <li>whether a new connection is served at all: {@code maxConnections}, the connection rate and blocked addresses
 * ({@link ConnectionGuard}), and {@code maxUnauthenticatedPerAddress} connections from one address (an IPv6 address
 * by its /64 prefix) that have not authenticated yet;</li>
 * <li>the codec of each connection, which accepts only {@code maxFrameSizeBeforeLogin} until its device is
 * authenticated and reserves partial frames from one {@link PartialFrameBudget} of {@code maxPartialFrameBytes}.</li>
 * </ul>
 * A connection counts as unauthenticated from its acceptance until its codec is told the device is authenticated
 * (the session does that as it sends the OK) or it closes.
 */
final class ConnectionAdmission {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionAdmission.class);

    private final IotmpServerConfig config;
    private final ConnectionGuard guard;
    private final PartialFrameBudget budget;
    /** The bounds of every connection's codec: the server's, held once rather than by each codec. */
    private final FrameLimits frameLimits;
    private final int perAddress;
    private final Supplier<ServerMetrics> metrics;
    private final ConcurrentMap<InetAddress, Integer> unauthenticatedByAddress = new ConcurrentHashMap<>();
    private final AtomicInteger unauthenticated = new AtomicInteger();

    ConnectionAdmission(IotmpServerConfig config, ConnectionGuard guard, Supplier<ServerMetrics> metrics) {
        this.config = config;
        this.guard = guard;
        this.metrics = metrics;
        this.perAddress = config.limits().maxUnauthenticatedPerAddress();
        this.budget = new PartialFrameBudget(config.limits().maxPartialFrameBytes(),
                () -> metrics.get().refused(Refusal.PARTIAL_FRAME_BUDGET));
        this.frameLimits = new FrameLimits(config.limits().maxFrameSizeBeforeLogin(), config.maxFrameSize(),
                config.maxPsonDepth(), config.limits().maxDecodedFrameBytes(), config.limits().frameReadTimeout(),
                budget);
    }

    /** What {@link #admit} decided: why the connection is refused, or else its ticket. */
    record Admission(Refusal refusal, Ticket ticket) {
        static Admission refused(Refusal refusal) {
            return new Admission(refusal, null);
        }
    }

    /**
     * Whether a new connection is served; an admitted one counts as unauthenticated until its codec learns otherwise
     * (the codecs made with its {@link Admission#ticket()}) or it closes. With {@code proxyProtocol} only the
     * server-wide part is decided here: the TCP peer is the load balancer, and {@link #admitAddress} decides the rest
     * once the PROXY header has told the device's address.
     */
    Admission admit(Channel channel, int openConnections) {
        if (openConnections >= config.maxConnections()) {
            return Admission.refused(Refusal.CONNECTION_LIMIT);
        }
        if (config.proxyProtocol()) {
            Refusal refusal = guard.serverRefusal();
            return refusal != null ? Admission.refused(refusal) : new Admission(null, newTicket(channel));
        }
        Refusal refusal = guard.refusal(channel.remoteAddress());
        if (refusal != null) {
            return Admission.refused(refusal);
        }
        Ticket ticket = newTicket(channel);
        refusal = ticket.countAt(addressOf(channel.remoteAddress()));
        return refusal != null ? Admission.refused(refusal) : new Admission(null, ticket);
    }

    /**
     * Reports a connection that admission refuses, at accept or once its PROXY header told the device's address, before
     * its caller closes it: a DEBUG line only (any peer can cause as many as it likes), counted as rejected and by
     * reason.
     */
    static void reportRefused(Channel channel, Refusal refusal, String detail, ServerMetrics metrics) {
        LOG.debug("Refusing connection from {}: {}{}", DeviceAddress.of(channel), refusal.tag(),
                detail != null ? " (" + detail + ")" : "");
        metrics.connectionRejected();
        metrics.refused(refusal);
    }

    /**
     * The per-address part of {@link #admit} for a connection admitted at accept under {@code proxyProtocol}, once
     * its device's address is known: a blocked address, the address's rate, and its unauthenticated connections.
     *
     * @return why the connection is refused, or null
     */
    Refusal admitAddress(Ticket ticket, SocketAddress device) {
        Refusal refusal = guard.addressRefusal(device);
        if (refusal != null || ticket == null) {
            return refusal;
        }
        return ticket.countAt(addressOf(device));
    }

    private Ticket newTicket(Channel channel) {
        unauthenticated.incrementAndGet();
        Ticket ticket = new Ticket(channel);
        channel.closeFuture().addListener(ticket);
        return ticket;
    }

    /**
     * The codec of a connection; told that its device is authenticated, it ends the unauthenticated count of
     * {@code ticket} (null for a connection that was not admitted here, as in tests of the pipeline alone).
     */
    AdmittedCodec codec(Ticket ticket) {
        return new AdmittedCodec(ticket);
    }

    /**
     * The IOTMP codec of an admitted connection, its own {@link ConnectionCodec} (a class rather than an anonymous
     * one wrapped in another object: a server holds one per device).
     */
    final class AdmittedCodec extends IotmpFrameCodec implements ConnectionCodec {

        /** Until the device is authenticated: then the codec lets go of it, as the channel does. */
        private Ticket ticket;

        private AdmittedCodec(Ticket ticket) {
            super(Generation.GEN2, true, frameLimits);
            this.ticket = ticket;
        }

        @Override
        public void authenticated() {
            super.authenticated();
            ticket = loggedIn(channel(), ticket);
        }

        @Override
        public FrameCodec<?> frames() {
            return this;
        }

        /** A peer that opens with more than a few bytes of unknown frames is refused, see {@link ForeignBytes}. */
        @Override
        protected int foreignBytesBudget() {
            return ForeignBytes.MAX_SKIPPED;
        }
    }

    /** The legacy codec of a connection, bounded and ending the unauthenticated count like {@link #codec}. */
    LegacyFrameCodec legacyCodec(Ticket ticket) {
        return new AdmittedLegacyCodec(ticket);
    }

    private final class AdmittedLegacyCodec extends LegacyFrameCodec {

        /** Until the device is authenticated. */
        private Ticket ticket;

        AdmittedLegacyCodec(Ticket ticket) {
            super(frameLimits);
            this.ticket = ticket;
        }

        /** See {@link #loggedIn}: the WebSocket limit rises as for an IOTMP device. */
        @Override
        public void authenticated() {
            super.authenticated();
            ticket = loggedIn(channel(), ticket);
        }

        @Override
        protected int foreignBytesBudget() {
            return ForeignBytes.MAX_SKIPPED;
        }

        /** Counted once the device is in, as the frames its {@link LegacyAdapter} ignores are. */
        @Override
        protected void skippedUnknown() {
            Channel channel = channel();
            if (!isAuthenticated() || channel == null) {
                return;
            }
            metrics.get().legacyFrameIgnored();
            ConnectionCounters counters = channel.attr(ConnectionCounters.KEY).get();
            if (counters != null) {
                counters.count(ConnectionCounters.LEGACY_FRAMES_IGNORED);
            }
        }
    }

    /**
     * The device of a codec on {@code channel} (null once it is gone) holding {@code ticket} (or null) is
     * authenticated: on the WebSocket transport the frame decoder's limit rises to the codec's (for a legacy device
     * too: one whose frames outgrew the limit before login was closed once it was in), the ticket is given back, and
     * the codec keeps null instead, so that nothing holds the ticket for as long as the device stays.
     */
    private Ticket loggedIn(Channel channel, Ticket ticket) {
        if (channel != null) {
            WebSocketLimits.afterLogin(channel, config);
        }
        if (ticket != null) {
            ticket.authenticated();
        }
        return null;
    }

    /** Connections accepted whose device has not authenticated (yet). */
    int unauthenticated() {
        return unauthenticated.get();
    }

    PartialFrameBudget partialFrames() {
        return budget;
    }

    /** One connection's place among the unauthenticated ones; given back once, when it closes if not before. */
    final class Ticket implements ChannelFutureListener {

        private static final AtomicIntegerFieldUpdater<Ticket> RELEASED
                = AtomicIntegerFieldUpdater.newUpdater(Ticket.class, "released");

        private final Channel channel;
        /** The address it counts against, once known; guarded by this ticket, like the release. */
        private InetAddress address;
        private volatile int released;

        private Ticket(Channel channel) {
            this.channel = channel;
        }

        /**
         * Counts this connection among the unauthenticated ones of {@code address} (null: of no address); a refused
         * one is given back at once, since the caller closes it.
         */
        Refusal countAt(InetAddress address) {
            if (address == null) {
                return null;
            }
            boolean[] admitted = new boolean[1];
            synchronized (this) {
                if (released != 0) {
                    return null; // closed already: there is nothing to count
                }
                unauthenticatedByAddress.compute(address, (a, count) -> {
                    int now = count == null ? 0 : count;
                    if (perAddress > 0 && now >= perAddress) {
                        return count;
                    }
                    admitted[0] = true;
                    return now + 1;
                });
                if (admitted[0]) {
                    this.address = address;
                }
            }
            if (!admitted[0]) {
                authenticated(); // not an unauthenticated connection any more: it is refused
                return Refusal.UNAUTHENTICATED_PER_ADDRESS;
            }
            return null;
        }

        /**
         * The device is authenticated: the connection leaves the unauthenticated count, and its close future lets go
         * of this ticket, which an idle device would otherwise keep for as long as it stays.
         */
        void authenticated() {
            if (release()) {
                channel.closeFuture().removeListener(this);
            }
        }

        /** The connection closed. */
        @Override
        public void operationComplete(ChannelFuture closed) {
            release();
        }

        /** @return whether this call gave the place back (false when it was already given back) */
        boolean release() {
            if (!RELEASED.compareAndSet(this, 0, 1)) {
                return false;
            }
            unauthenticated.decrementAndGet();
            InetAddress counted;
            synchronized (this) {
                counted = address;
            }
            if (counted != null) {
                unauthenticatedByAddress.computeIfPresent(counted, (a, count) -> count <= 1 ? null : count - 1);
            }
            return true;
        }
    }

    /** The address a connection counts against: IPv4 whole, IPv6 by its /64 prefix; null for non-IP transports. */
    static InetAddress addressOf(SocketAddress remote) {
        if (!(remote instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return null;
        }
        InetAddress address = inet.getAddress();
        if (address instanceof Inet4Address) {
            return address;
        }
        byte[] prefix = Arrays.copyOf(address.getAddress(), 16);
        Arrays.fill(prefix, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(prefix);
        } catch (UnknownHostException e) {
            return address; // cannot happen for 16 bytes
        }
    }
}
