package io.cameliotmp.camel.device;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;

import io.cameliotmp.camel.NettySslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.support.jsse.SSLContextParameters;

/**
 * The client TLS context of a device connection. The server's certificate is verified against the trust store (the
 * JVM's, or the one of the sslContextParameters); that it names the host the device connects to the device client
 * checks itself ({@code IotmpDeviceBuilder.verifyHostname}). Only trustAllCertificates turns both checks off.
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
            // the protocols and cipher suites of the parameters still hold, only the trust is replaced
            return parameters != null
                    ? NettySslContexts.of(jdk, parameters.createSSLContext(camelContext), true, ClientAuth.NONE)
                    : client(jdk);
        }
        if (parameters == null) {
            return SslContextBuilder.forClient().build();
        }
        return client(parameters.createSSLContext(camelContext));
    }

    private static SslContext client(SSLContext jdk) {
        return NettySslContexts.of(jdk, true, ClientAuth.NONE);
    }
}
