package io.cameliotmp.device;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.SslContext;

/**
 * A client context whose engines check that the server's certificate names the host the device connects to, as
 * HTTPS clients do. Netty 4.1's client contexts check only the certificate chain unless asked, so a device given
 * {@code SslContextBuilder.forClient().build()} would take any certificate the JVM's CAs signed, for any name: a
 * man in the middle with a certificate of his own site would be the server.
 */
final class HostnameVerifyingSslContext extends DelegatingSslContext {

    HostnameVerifyingSslContext(SslContext context) {
        super(context);
    }

    @Override
    protected void initEngine(SSLEngine engine) {
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(parameters);
    }
}
