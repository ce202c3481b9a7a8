package io.cameliotmp.camel;

import java.io.InputStream;
import java.security.KeyStore;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.testing.Hex;
import io.cameliotmp.testing.LegacyVectors;
import io.cameliotmp.testing.RawIotmpSocket;
import io.cameliotmp.testing.TestPorts;
import io.cameliotmp.testing.Waits;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.apache.camel.BindToRegistry;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A TLS server with legacy devices: the legacy TLS port (25202's role) speaks TLS with the server's certificate, the
 * plain legacy port (25200's role) stays plain.
 */
class LegacyTlsTest extends IotmpCamelTestSupport {

    private static final String PASSWORD = "changeit";

    private final int legacyPort = TestPorts.next();
    private final int legacyTlsPort = TestPorts.next();

    @BindToRegistry("tls")
    private final SSLContextParameters tls = serverTls();

    private static SSLContextParameters serverTls() {
        KeyStoreParameters keys = new KeyStoreParameters();
        keys.setResource("tls/server.p12");
        keys.setPassword(PASSWORD);
        keys.setType("PKCS12");
        KeyManagersParameters keyManagers = new KeyManagersParameters();
        keyManagers.setKeyStore(keys);
        keyManagers.setKeyPassword(PASSWORD);
        SSLContextParameters parameters = new SSLContextParameters();
        parameters.setKeyManagers(keyManagers);
        return parameters;
    }

    @Override
    protected String deviceCredentials() {
        return "alice/esp32=s3cr3t";
    }

    @Override
    protected void configure(IotmpConfiguration config) {
        config.setLegacyEnabled(true);
        config.setLegacyPort(legacyPort);
        config.setLegacyTlsPort(legacyTlsPort);
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:run").to("iotmp:device:alice/esp32/temperature?sslContextParameters=#tls");
            }
        };
    }

    private static TrustManagerFactory trust() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = LegacyTlsTest.class.getResourceAsStream("/tls/trust.p12")) {
            store.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        return trust;
    }

    @Test
    void legacyDevicesUseTlsOnTheTlsPortAndPlainTcpOnThePlainOne() throws Exception {
        // the route's producer has started the TLS server, and with it both legacy listeners
        SslContext trusting = SslContextBuilder.forClient().trustManager(trust()).build();
        IotmpDevice device = IotmpDevice.builder().host("localhost").port(legacyTlsPort).tls(trusting).legacy()
                .credentials("alice", "esp32", "s3cr3t").noReconnect().build();
        try {
            device.resource("temperature").output(() -> Map.of("celsius", 22.5f));
            device.start().toCompletableFuture().get(Waits.WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(template.requestBody("direct:run", (Object) null)).isEqualTo(Map.of("celsius", 22.5f));
        } finally {
            device.closeAsync().toCompletableFuture().get(Waits.WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        try (RawIotmpSocket plain = new RawIotmpSocket(legacyPort)) {
            plain.sendHex(Hex.format(LegacyVectors.row("L01").bytes()));
            assertThat(plain.readFrameHex()).isEqualTo("01 02 10 01");
        }
    }
}
