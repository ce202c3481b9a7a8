package io.cameliotmp.camel;

import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;

/**
 * Netty contexts over the JDK contexts that {@code SSLContextParameters} create, keeping the protocols and cipher
 * suites those parameters chose. Camel applies them to each engine as its context creates it; Netty's
 * {@link JdkSslContext}, given no lists of its own, then replaces both with Netty's defaults (TLS 1.3 and 1.2, and a
 * cipher list that holds RSA key exchange and CBC suites). A server told {@code secureSocketProtocols=TLSv1.3} or a
 * shorter cipher list went on accepting TLS 1.2 and every suite of Netty's list. So the lists an engine of the JDK
 * context is created with are handed to Netty as its own. For the Camel glue of the server and of the device client;
 * not an API.
 */
public final class NettySslContexts {

    private NettySslContexts() {
    }

    /**
     * @param jdk        a context from {@code SSLContextParameters.createSSLContext}, or any JDK context
     * @param client     whether the context is for the client side
     * @param clientAuth whether a server asks its clients for a certificate; {@link ClientAuth#NONE} for a client
     */
    public static SslContext of(SSLContext jdk, boolean client, ClientAuth clientAuth) {
        return of(jdk, jdk, client, clientAuth);
    }

    /**
     * A context over {@code jdk} with the protocols and cipher suites of {@code lists}: for a device that trusts all
     * certificates, whose JDK context has a trust manager of its own but whose lists are those of its parameters.
     */
    public static SslContext of(SSLContext jdk, SSLContext lists, boolean client, ClientAuth clientAuth) {
        SSLEngine configured = lists.createSSLEngine();
        return new JdkSslContext(jdk, client, Arrays.asList(configured.getEnabledCipherSuites()),
                IdentityCipherSuiteFilter.INSTANCE, null, clientAuth, configured.getEnabledProtocols(), false);
    }
}
