package io.cameliotmp.device;

import java.io.InputStream;
import java.security.KeyStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.IotmpServerConfig;
import io.cameliotmp.server.StaticAuthenticator;
import io.cameliotmp.testing.TestPorts;
import io.cameliotmp.testing.Waits;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Over TLS the device client takes a server only if its certificate, besides being trusted, names the host connected
 * to. The server's certificate names {@code localhost} and {@code 127.0.0.1}; the server listens on every loopback
 * address, so {@code 127.0.0.2} reaches the same server by a name its certificate does not carry.
 */
class DeviceTlsHostnameTest {

    private static final String PASSWORD = "changeit";
    private static IotmpServer server;
    private static SslContext trusting;

    @BeforeAll
    static void start() throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(load("tls/server.p12"), PASSWORD.toCharArray());
        server = new IotmpServer(IotmpServerConfig.builder().host("0.0.0.0").port(TestPorts.next())
                .ioThreads(1).workerThreads(1)
                .sslContext(SslContextBuilder.forServer(keys).sslProvider(SslProvider.JDK).build())
                .authenticator(StaticAuthenticator.parse("alice/*=pw")).build());
        server.start();
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(load("tls/trust.p12"));
        // as the documentation shows it: a trust manager for the private CA, nothing about host names
        trusting = SslContextBuilder.forClient().trustManager(trust).build();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    private static KeyStore load(String resource) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = DeviceTlsHostnameTest.class.getResourceAsStream("/" + resource)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    /** Starts a device at {@code host}; answers what its first attempt came to: null when connected, else why not. */
    private static Throwable firstAttempt(String host, boolean verifyHostname) throws Exception {
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        IotmpDevice device = IotmpDevice.builder().host(host).port(server.localAddress().getPort()).tls(trusting)
                .verifyHostname(verifyHostname).credentials("alice", "esp32", "pw").noReconnect().build();
        device.onConnectFailed(failed::complete);
        try {
            CompletableFuture<Void> started = device.start().toCompletableFuture();
            CompletableFuture.anyOf(started.handle((v, e) -> null), failed)
                    .get(Waits.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (started.isDone() && !started.isCompletedExceptionally()) {
                return null;
            }
            return failed.get(Waits.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            device.close();
        }
    }

    @Test
    void aCertificateThatNamesTheHostIsTaken() throws Exception {
        assertThat(firstAttempt("127.0.0.1", true)).isNull();
        assertThat(firstAttempt("localhost", true)).isNull();
    }

    @Test
    void aTrustedCertificateForAnotherNameIsRefused() throws Exception {
        assertThat(firstAttempt("127.0.0.2", true)).isNotNull()
                .hasCauseInstanceOf(SSLHandshakeException.class).rootCause().hasMessageContaining("127.0.0.2");
    }

    @Test
    void theCheckCanBeTurnedOffForAServerReachedByAnotherName() throws Exception {
        assertThat(firstAttempt("127.0.0.2", false)).isNull();
    }
}
