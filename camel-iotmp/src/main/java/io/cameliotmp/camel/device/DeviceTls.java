package io.cameliotmp.camel.device;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.support.jsse.SSLContextParameters;

/**
 * The client TLS context of a device connection. The server's certificate is verified against the trust store (the
 * JVM's, or the one of the sslContextParameters) and must name the host the device connects to, as HTTPS clients
 * check it; only trustAllCertificates turns both checks off.
 */
final class DeviceTls {

    private DeviceTls() {
    }

    /** The TLS context for {@code settings}, or null when the connection does not use TLS. */
    static SslContext clientContext(CamelContext camelContext, ConnectionSettings settings) throws Exception {
        if (!settings.tls()) {
            return null;
        }
        SSLContextParameters parameters = settings.sslContextParameters();
        if (settings.trustAllCertificates()) {
            KeyManager[] keys = parameters != null && parameters.getKeyManagers() != null
                    ? parameters.getKeyManagers().createKeyManagers() : null;
            SSLContext jdk = SSLContext.getInstance(parameters != null && parameters.getSecureSocketProtocol() != null
                    ? parameters.getSecureSocketProtocol() : "TLS");
            jdk.init(keys, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
            return client(jdk);
        }
        if (parameters == null) {
            return SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS").build();
        }
        return new HostVerifying(client(parameters.createSSLContext(camelContext)));
    }

    private static SslContext client(SSLContext jdk) {
        return new JdkSslContext(jdk, true, null, IdentityCipherSuiteFilter.INSTANCE, null, ClientAuth.NONE, null,
                false);
    }

    /** Checks that the server's certificate names the host the device connected to. */
    private static final class HostVerifying extends DelegatingSslContext {

        HostVerifying(SslContext context) {
            super(context);
        }

        @Override
        protected void initEngine(SSLEngine engine) {
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(parameters);
        }
    }
}
