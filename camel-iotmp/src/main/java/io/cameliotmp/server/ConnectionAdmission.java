package io.cameliotmp.server;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpFrameCodec;
import io.cameliotmp.protocol.PartialFrameBudget;
import io.cameliotmp.protocol.legacy.LegacyFrameCodec;
import io.netty.channel.Channel;

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

    private final IotmpServerConfig config;
    private final ConnectionGuard guard;
    private final PartialFrameBudget budget;
    private final int perAddress;
    private final ConcurrentMap<InetAddress, Integer> unauthenticatedByAddress = new ConcurrentHashMap<>();
    private final AtomicInteger unauthenticated = new AtomicInteger();

    ConnectionAdmission(IotmpServerConfig config, ConnectionGuard guard, Supplier<ServerMetrics> metrics) {
        this.config = config;
        this.guard = guard;
        this.perAddress = config.limits().maxUnauthenticatedPerAddress();
        this.budget = new PartialFrameBudget(config.limits().maxPartialFrameBytes(),
                () -> metrics.get().refused(Refusal.PARTIAL_FRAME_BUDGET));
    }

    /**
     * Why a new connection is refused, or null when it is admitted; an admitted connection counts as unauthenticated
     * until its codec learns otherwise or it closes.
     */
    Refusal admit(Channel channel, int openConnections) {
        if (openConnections >= config.maxConnections()) {
            return Refusal.CONNECTION_LIMIT;
        }
        Refusal refusal = guard.refusal(channel.remoteAddress());
        if (refusal != null) {
            return refusal;
        }
        InetAddress address = addressOf(channel.remoteAddress());
        if (address != null) {
            boolean[] admitted = new boolean[1];
            unauthenticatedByAddress.compute(address, (a, count) -> {
                int now = count == null ? 0 : count;
                if (perAddress > 0 && now >= perAddress) {
                    return count;
                }
                admitted[0] = true;
                return now + 1;
            });
            if (!admitted[0]) {
                return Refusal.UNAUTHENTICATED_PER_ADDRESS;
            }
        }
        unauthenticated.incrementAndGet();
        Ticket ticket = new Ticket(address);
        channel.attr(TICKET).set(ticket);
        channel.closeFuture().addListener(f -> ticket.release());
        return null;
    }

    /** The codec of a connection; told that its device is authenticated, it ends the unauthenticated count. */
    IotmpFrameCodec codec(Channel channel) {
        ServerLimits limits = config.limits();
        return new IotmpFrameCodec(Generation.GEN2, true, limits.maxFrameSizeBeforeLogin(), config.maxFrameSize(),
                config.maxPsonDepth(), limits.maxDecodedFrameBytes(), limits.frameReadTimeout(), budget) {
            @Override
            public void authenticated() {
                super.authenticated();
                WebSocketLimits.afterLogin(channel, config);
                Ticket ticket = channel.attr(TICKET).get();
                if (ticket != null) {
                    ticket.release();
                }
            }
        };
    }

    /** The legacy codec of a connection, bounded and ending the unauthenticated count like {@link #codec}. */
    LegacyFrameCodec legacyCodec(Channel channel) {
        ServerLimits limits = config.limits();
        return new LegacyFrameCodec(limits.maxFrameSizeBeforeLogin(), config.maxFrameSize(), config.maxPsonDepth(),
                limits.maxDecodedFrameBytes(), limits.frameReadTimeout(), budget) {
            @Override
            public void authenticated() {
                super.authenticated();
                Ticket ticket = channel.attr(TICKET).get();
                if (ticket != null) {
                    ticket.release();
                }
            }
        };
    }

    /** Connections accepted whose device has not authenticated (yet). */
    int unauthenticated() {
        return unauthenticated.get();
    }

    PartialFrameBudget partialFrames() {
        return budget;
    }

    private static final io.netty.util.AttributeKey<Ticket> TICKET
            = io.netty.util.AttributeKey.valueOf(ConnectionAdmission.class, "unauthenticated");

    /** One connection's place among the unauthenticated ones; given back once. */
    private final class Ticket {
        private final InetAddress address;
        private final AtomicBoolean released = new AtomicBoolean();

        Ticket(InetAddress address) {
            this.address = address;
        }

        void release() {
            if (!released.compareAndSet(false, true)) {
                return;
            }
            unauthenticated.decrementAndGet();
            if (address != null) {
                unauthenticatedByAddress.computeIfPresent(address, (a, count) -> count <= 1 ? null : count - 1);
            }
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
