package io.cameliotmp.testing;

import java.io.InputStream;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

/**
 * The test certificates (test resources {@code tls/server.p12}, the server's key for {@code localhost}, and
 * {@code tls/trust.p12}, the authority that signed it) as the server's TLS context and a client's that trusts it.
 */
public final class TestTls {

    /** The password of both stores. */
    public static final String PASSWORD = "changeit";

    private TestTls() {
    }

    /** A server's TLS context on the JDK's engine, with the test server key. */
    public static SslContext serverContext() throws Exception {
        return SslContextBuilder.forServer(serverKeys()).sslProvider(SslProvider.JDK).build();
    }

    /** The test server key. */
    public static KeyManagerFactory serverKeys() throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(keyStore("tls/server.p12"), PASSWORD.toCharArray());
        return keys;
    }

    /** A client's TLS context that trusts the test authority only. */
    public static SSLContext trustingClient() throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(keyStore("tls/trust.p12"));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /** A PKCS#12 store of the test resources. */
    public static KeyStore keyStore(String resource) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = TestTls.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }
}
