package io.cameliotmp.camel.device;

import java.io.InputStream;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import io.cameliotmp.testing.TestPorts;
import io.cameliotmp.testing.Waits;
import org.apache.camel.BindToRegistry;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.jsse.CipherSuitesParameters;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.SecureSocketProtocolsParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The protocols and cipher suites of {@code sslContextParameters} hold on both sides: the server of the iotmp
 * component and the device of the iotmp-device component. Both wrapped Camel's JDK context in a Netty context that
 * replaced the engine's lists with Netty's defaults, so a server told TLS 1.3 only took TLS 1.2 clients, a server
 * told one cipher suite took any of Netty's, and a device told TLS 1.2 only spoke TLS 1.3 (one that trusts every
 * certificate did so whatever its parameters said).
 */
class TlsProtocolsAndCiphersTest extends IotmpDeviceTestSupport {

    private static final String PASSWORD = "changeit";

    private final int tls13Port = TestPorts.next();
    private final int aes256Port = TestPorts.next();

    @BindToRegistry("tls13Only")
    private final SSLContextParameters tls13Only = tls(true, List.of("TLSv1.3"), null);

    @BindToRegistry("aes256Only")
    private final SSLContextParameters aes256Only = tls(true, List.of("TLSv1.3"), List.of("TLS_AES_256_GCM_SHA384"));

    @BindToRegistry("deviceTls12Only")
    private final SSLContextParameters deviceTls12Only = tls(false, List.of("TLSv1.2"), null);

    @BindToRegistry("deviceTrust")
    private final SSLContextParameters deviceTrust = tls(false, null, null);

    /** The test material of src/test/resources/tls, with the given lists (null: Camel's and the JVM's defaults). */
    private static SSLContextParameters tls(boolean withServerKey, List<String> protocols, List<String> ciphers) {
        SSLContextParameters parameters = new SSLContextParameters();
        if (withServerKey) {
            KeyManagersParameters keyManagers = new KeyManagersParameters();
            keyManagers.setKeyStore(store("tls/server.p12"));
            keyManagers.setKeyPassword(PASSWORD);
            parameters.setKeyManagers(keyManagers);
        }
        TrustManagersParameters trustManagers = new TrustManagersParameters();
        trustManagers.setKeyStore(store("tls/trust.p12"));
        parameters.setTrustManagers(trustManagers);
        if (protocols != null) {
            SecureSocketProtocolsParameters enabled = new SecureSocketProtocolsParameters();
            enabled.setSecureSocketProtocol(protocols);
            parameters.setSecureSocketProtocols(enabled);
        }
        if (ciphers != null) {
            CipherSuitesParameters enabled = new CipherSuitesParameters();
            enabled.setCipherSuite(ciphers);
            parameters.setCipherSuites(enabled);
        }
        return parameters;
    }

    private static KeyStoreParameters store(String resource) {
        KeyStoreParameters store = new KeyStoreParameters();
        store.setResource(resource);
        store.setPassword(PASSWORD);
        store.setType("PKCS12");
        return store;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:events?port=" + tls13Port + "&sslContextParameters=#tls13Only").to("mock:tls13");
                from("iotmp:events?port=" + aes256Port + "&sslContextParameters=#aes256Only").to("mock:aes256");
                from("iotmp-device:echo?device=tls13&credential=other-secret&port=" + tls13Port
                     + "&sslContextParameters=#deviceTrust").setBody(constant("tls13"));
                from("iotmp-device:echo?device=tls12&credential=other-secret&port=" + tls13Port
                     + "&sslContextParameters=#deviceTls12Only").setBody(constant("tls12"));
                // trusting every certificate replaces the trust of the parameters, not their protocols
                from("iotmp-device:echo?device=tls12trustall&credential=other-secret&port=" + tls13Port
                     + "&sslContextParameters=#deviceTls12Only&trustAllCertificates=true")
                        .setBody(constant("tls12trustall"));
            }
        };
    }

    @Test
    void theServerSpeaksOnlyTheProtocolsItIsGiven() throws Exception {
        assertThat(handshake(tls13Port, "TLSv1.3", null)).isEqualTo("TLSv1.3");
        assertThatThrownBy(() -> handshake(tls13Port, "TLSv1.2", null)).isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void theServerSpeaksOnlyTheCipherSuitesItIsGiven() throws Exception {
        assertThat(handshake(aes256Port, "TLSv1.3", "TLS_AES_256_GCM_SHA384")).isEqualTo("TLSv1.3");
        assertThatThrownBy(() -> handshake(aes256Port, "TLSv1.3", "TLS_AES_128_GCM_SHA256"))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void theDeviceSpeaksOnlyTheProtocolsItIsGiven() {
        eventually().alias("the device with the default protocols connected")
                .until(() -> connection("tls13").device().isConnected());
        for (String device : List.of("tls12", "tls12trustall")) {
            eventually().alias(device + " refused").until(() -> connection(device).lastFailure() != null);
            assertThat(connection(device).device().isConnected()).as(device).isFalse();
            assertThat(connection(device).lastFailure()).as(device).hasCauseInstanceOf(SSLHandshakeException.class);
        }
    }

    /** A handshake with the given protocol (and cipher suite, if any): the protocol the session agreed on. */
    private static String handshake(int port, String protocol, String cipherSuite) throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = TlsProtocolsAndCiphersTest.class.getResourceAsStream("/tls/trust.p12")) {
            trusted.load(in, PASSWORD.toCharArray());
        }
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout((int) Waits.WAIT.toMillis());
            socket.setEnabledProtocols(new String[] { protocol });
            if (cipherSuite != null) {
                socket.setEnabledCipherSuites(new String[] { cipherSuite });
            }
            socket.startHandshake();
            return socket.getSession().getProtocol();
        }
    }
}
