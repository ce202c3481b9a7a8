package io.cameliotmp.server;

import java.net.InetSocketAddress;
import java.util.function.BiConsumer;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The listeners of legacy devices (see {@link LegacyListeners}), bound and closed with the server's own. */
final class LegacyBindings {

    private static final Logger LOG = LoggerFactory.getLogger(LegacyBindings.class);

    static final LegacyBindings NONE = new LegacyBindings(null, null);

    private final Channel plain;
    private final Channel tls;

    private LegacyBindings(Channel plain, Channel tls) {
        this.plain = plain;
        this.tls = tls;
    }

    /**
     * Binds what {@code config} asks for, with the server's bootstrap; every accepted connection goes to
     * {@code init} with its listener. If the TLS port cannot be bound, the plain one is closed again.
     */
    static LegacyBindings bind(ServerBootstrap bootstrap, IotmpServerConfig config,
                               BiConsumer<Channel, ListenerKind> init) {
        LegacyListeners legacy = config.legacy();
        if (!legacy.enabled()) {
            return NONE;
        }
        Channel plain = null;
        Channel tls = null;
        try {
            if (legacy.port() != LegacyListeners.NONE) {
                plain = bind(bootstrap, config.host(), legacy.port(), ListenerKind.LEGACY, init);
            }
            if (legacy.tlsPort() != LegacyListeners.NONE && config.sslContext() != null) {
                tls = bind(bootstrap, config.host(), legacy.tlsPort(), ListenerKind.LEGACY_TLS, init);
            } else if (legacy.tlsPort() != LegacyListeners.NONE) {
                LOG.info("No legacy TLS listener on port {}: the server has no TLS context", legacy.tlsPort());
            }
        } catch (RuntimeException e) {
            if (plain != null) {
                plain.close().syncUninterruptibly();
            }
            throw e;
        }
        return new LegacyBindings(plain, tls);
    }

    private static Channel bind(ServerBootstrap bootstrap, String host, int port, ListenerKind kind,
                                BiConsumer<Channel, ListenerKind> init) {
        try {
            Channel channel = bootstrap.clone().childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    init.accept(ch, kind);
                }
            }).bind(host, port).syncUninterruptibly().channel();
            LOG.info("Legacy Thinger devices accepted on {}{}", channel.localAddress(),
                    kind == ListenerKind.LEGACY_TLS ? " (TLS)" : "");
            return channel;
        } catch (Exception e) { // Netty rethrows the bind's IOException undeclared
            throw new IllegalStateException("cannot listen for legacy devices on " + host + ":" + port + ": "
                                            + ServerNetwork.bindFailure(e), e);
        }
    }

    /** The plain listener's address, or null. */
    InetSocketAddress plainAddress() {
        return plain == null ? null : (InetSocketAddress) plain.localAddress();
    }

    /** The TLS listener's address, or null. */
    InetSocketAddress tlsAddress() {
        return tls == null ? null : (InetSocketAddress) tls.localAddress();
    }

    /** The listeners bound start accepting (they were bound with auto-read off, as the server's own). */
    void startAccepting() {
        if (plain != null) {
            plain.config().setAutoRead(true);
        }
        if (tls != null) {
            tls.config().setAutoRead(true);
        }
    }

    void close() {
        if (plain != null) {
            plain.close().syncUninterruptibly();
        }
        if (tls != null) {
            tls.close().syncUninterruptibly();
        }
    }
}
