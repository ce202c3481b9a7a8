package io.cameliotmp.server;

import java.nio.channels.ClosedChannelException;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports the TLS handshakes that fail: no protocol or cipher suite in common, a certificate one side refuses (a
 * device that does not trust the server's says so with an alert), bytes that are not TLS (a plain device or an HTTP
 * client on a TLS port), no handshake within {@code tlsHandshakeTimeout}. Each is counted in
 * {@code iotmp.refusals{reason=tls-handshake}} and logged in one rate-limited INFO line, its cause cut to the length
 * every refusal line has (a record that is not TLS is quoted in hex in its exception, as much of it as was read).
 * Without this an operator whose devices could not finish their handshakes saw nothing but a DEBUG line per
 * connection. A connection that closes before its handshake is done (a TCP health check, a peer that gives up, the
 * server's own {@code connectTimeout}) is no failure of the handshake and is not reported.
 */
final class TlsHandshakeFailures {

    private static final Logger LOG = LoggerFactory.getLogger(TlsHandshakeFailures.class);

    private TlsHandshakeFailures() {
    }

    /** Reports the handshake of {@code ssl}, the TLS handler of {@code channel}, if it fails. */
    static void watch(Channel channel, SslHandler ssl, SessionContext context) {
        ssl.handshakeFuture().addListener(done -> {
            Throwable cause = done.cause();
            if (cause == null || cause instanceof ClosedChannelException) {
                return;
            }
            context.metrics().refused(Refusal.TLS_HANDSHAKE);
            context.refusalLog().closing(LOG, "TLS handshake with " + DeviceAddress.of(channel), cause);
        });
    }
}
