package io.cameliotmp.camel;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import io.cameliotmp.testing.TestPorts;
import io.cameliotmp.testing.Waits;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A TLS server started again reads its key store again: an operator who renews the certificate and restarts the
 * routes of the server gets the new one. The component kept the first TLS context it made for an
 * {@code SSLContextParameters} bean for as long as it ran, so the server came back with the old certificate until
 * the application restarted. Endpoints of a server that runs still share its context (every other TLS test).
 */
class TlsCertificateRenewalTest extends CamelTestSupport {

    private static final String PASSWORD = "changeit";
    private static final Path KEY_STORE = keyStoreCopy();

    private final int port = TestPorts.next();

    @BindToRegistry("renewable")
    private final SSLContextParameters renewable = serverTls();

    /** The test server's key store, copied to a file the test can replace: the renewal. */
    private static Path keyStoreCopy() {
        try {
            Path file = Files.createTempFile("iotmp-server", ".p12");
            copy("tls/server.p12", file);
            return file;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copy(String resource, Path file) throws Exception {
        try (InputStream in = TlsCertificateRenewalTest.class.getResourceAsStream("/" + resource)) {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @AfterAll
    static void deleteKeyStore() throws Exception {
        Files.deleteIfExists(KEY_STORE);
    }

    private static SSLContextParameters serverTls() {
        KeyStoreParameters keys = new KeyStoreParameters();
        keys.setResource("file:" + KEY_STORE);
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
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        IotmpConfiguration config = context.getComponent("iotmp", IotmpComponent.class).getConfiguration();
        config.setHost("127.0.0.1");
        config.setDeviceCredentials("alice/esp32=s3cr3t");
        return context;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("iotmp:server:echo?port=" + port + "&sslContextParameters=#renewable").routeId("echo")
                        .setBody(simple("${body}"));
                from("iotmp:events?port=" + port + "&sslContextParameters=#renewable").routeId("events")
                        .to("mock:events");
            }
        };
    }

    @Test
    void aServerStartedAgainPresentsTheRenewedCertificate() throws Exception {
        assertThat(serverCertificate()).isEqualTo("CN=localhost");

        context.getRouteController().stopRoute("echo");
        context.getRouteController().stopRoute("events");
        IotmpComponent component = context.getComponent("iotmp", IotmpComponent.class);
        Waits.eventually().alias("the server stopped").until(() -> component.servers().find("127.0.0.1", port) == null);
        copy("tls/device.p12", KEY_STORE); // another key and certificate, as a renewal brings
        context.getRouteController().startRoute("echo");
        context.getRouteController().startRoute("events");

        assertThat(serverCertificate()).as("the certificate after the restart").isEqualTo("CN=demo-device-1");
    }

    /** The subject of the certificate the server presents. */
    private String serverCertificate() throws Exception {
        SSLContext anyCertificate = SSLContext.getInstance("TLS");
        anyCertificate.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) anyCertificate.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout((int) Waits.WAIT.toMillis());
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal()
                    .getName();
        }
    }
}
