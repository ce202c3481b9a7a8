package io.cameliotmp.camel.device;

import javax.net.ssl.SSLHandshakeException;

import io.cameliotmp.camel.IotmpConstants;
import io.cameliotmp.testing.TestPorts;
import org.apache.camel.BindToRegistry;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The device over TLS (verifying the server's certificate and host name, or trusting any certificate), WebSocket with
 * text or binary frames, and WebSocket over TLS, each against a server of the iotmp component on its own port.
 */
class IotmpDeviceComponentTransportTest extends IotmpDeviceTestSupport {

    private static final String PASSWORD = "changeit";

    private final int tlsPort = TestPorts.next();
    private final int anyAddressTlsPort = TestPorts.next();
    private final int wsPort = TestPorts.next();
    private final int wssPort = TestPorts.next();

    @BindToRegistry("serverTls")
    private final SSLContextParameters serverTls = tls(true);

    @BindToRegistry("deviceTrust")
    private final SSLContextParameters deviceTrust = tls(false);

    /** The test material of src/test/resources/tls: the server's key (for the server) and the trust store. */
    private static SSLContextParameters tls(boolean withServerKey) {
        SSLContextParameters parameters = new SSLContextParameters();
        if (withServerKey) {
            KeyStoreParameters keys = new KeyStoreParameters();
            keys.setResource("tls/server.p12");
            keys.setPassword(PASSWORD);
            keys.setType("PKCS12");
            KeyManagersParameters keyManagers = new KeyManagersParameters();
            keyManagers.setKeyStore(keys);
            keyManagers.setKeyPassword(PASSWORD);
            parameters.setKeyManagers(keyManagers);
        }
        KeyStoreParameters trust = new KeyStoreParameters();
        trust.setResource("tls/trust.p12");
        trust.setPassword(PASSWORD);
        trust.setType("PKCS12");
        TrustManagersParameters trustManagers = new TrustManagersParameters();
        trustManagers.setKeyStore(trust);
        parameters.setTrustManagers(trustManagers);
        return parameters;
    }

    private String tlsServer() {
        return "port=" + tlsPort + "&sslContextParameters=#serverTls";
    }

    private String wsServer() {
        return "port=" + wsPort + "&transport=WEBSOCKET";
    }

    private String wssServer() {
        return "port=" + wssPort + "&transport=WEBSOCKET&sslContextParameters=#serverTls";
    }

    /** A device of its own, answering "{device} {input}", with the given connection options. */
    private void echoDevice(RouteBuilder routes, String device, String options) {
        routes.from("iotmp-device:echo?device=" + device + "&credential=other-secret&" + options)
                .setBody(routes.simple(device + " ${body}"));
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // the servers, each started by a route that needs it
                from("iotmp:events?" + tlsServer()).to("mock:tls");
                from("iotmp:events?host=0.0.0.0&port=" + anyAddressTlsPort + "&sslContextParameters=#serverTls")
                        .to("mock:anyAddress");
                from("iotmp:events?" + wsServer()).to("mock:ws");
                from("iotmp:events?" + wssServer()).to("mock:wss");

                echoDevice(this, "verified", "port=" + tlsPort + "&sslContextParameters=#deviceTrust");
                echoDevice(this, "trustall", "port=" + tlsPort + "&tls=true&trustAllCertificates=true");
                echoDevice(this, "untrusted", "port=" + tlsPort + "&tls=true");
                // the certificate names 127.0.0.1 and localhost, not 127.0.0.2, although the trust store trusts it
                echoDevice(this, "wronghost", "host=127.0.0.2&port=" + anyAddressTlsPort
                                              + "&sslContextParameters=#deviceTrust");
                echoDevice(this, "ws", "port=" + wsPort + "&webSocketPath=/iotmp");
                echoDevice(this, "wsbinary", "port=" + wsPort + "&webSocketPath=/iotmp&webSocketTextFrames=false");
                echoDevice(this, "wss", "port=" + wssPort + "&webSocketPath=/iotmp&sslContextParameters=#deviceTrust");
                // the older generation (PSON v1), as IOTMP-Linux before 2026 speaks it
                echoDevice(this, "gen1", "port=" + tlsPort + "&sslContextParameters=#deviceTrust&generation=GEN1");

                // a subscription over WebSocket over TLS
                from("iotmp-device:serverEvent:ping?device=wss&credential=other-secret&port=" + wssPort
                     + "&webSocketPath=/iotmp&sslContextParameters=#deviceTrust").routeId("wssPing").to("mock:ping");
            }
        };
    }

    /** Runs the device's echo resource through the server the device is on. */
    private Object echo(String device, String server) {
        return template.requestBody("iotmp:device:" + USER + "/" + device + "/echo?" + server, "hi");
    }

    private void awaitConnected(String device) {
        eventually().until(() -> connection(device).device().isConnected());
    }

    @Test
    void tlsVerifiesTheServersCertificateWithTheGivenTrustStore() {
        awaitConnected("verified");
        assertThat(echo("verified", tlsServer())).isEqualTo("verified hi");
    }

    @Test
    void aGen1DeviceIsServedInItsOwnGeneration() {
        awaitConnected("gen1");
        assertThat(echo("gen1", tlsServer())).isEqualTo("gen1 hi");
        Object status = template.requestBody("iotmp:device:" + USER + "/gen1?operation=status&" + tlsServer(),
                (Object) null);
        assertThat(status).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("generation", "GEN1");
    }

    @Test
    void trustAllCertificatesConnectsWithoutVerifying() {
        awaitConnected("trustall");
        assertThat(echo("trustall", tlsServer())).isEqualTo("trustall hi");
    }

    @Test
    void anUntrustedCertificateOrAnotherHostIsRefusedByTheDevice() {
        awaitConnected("verified"); // same server, so it is up
        eventually().until(() -> connection("untrusted").lastFailure() != null
                                 && connection("wronghost").lastFailure() != null);
        assertThat(connection("untrusted").device().isConnected()).isFalse();
        assertThat(connection("untrusted").lastFailure()).hasRootCauseInstanceOf(
                java.security.cert.CertPathBuilderException.class); // no path to a trusted certificate
        assertThat(connection("wronghost").device().isConnected()).isFalse();
        assertThat(connection("wronghost").lastFailure()).hasCauseInstanceOf(SSLHandshakeException.class)
                .rootCause().hasMessageContaining("127.0.0.2");
    }

    @Test
    void servicesAndSubscriptionsOverTlsAndWebSocket() throws Exception {
        awaitConnected("verified");
        String verified = "device=verified&credential=other-secret&port=" + tlsPort
                          + "&sslContextParameters=#deviceTrust";
        template.sendBody("iotmp-device:threshold?operation=setProperty&" + verified, 5);
        assertThat(template.requestBody("iotmp-device:threshold?operation=readProperty&" + verified, (Object) null))
                .isEqualTo(5L);

        awaitConnected("wss");
        IotmpDeviceSubscriptionConsumer ping = (IotmpDeviceSubscriptionConsumer) context.getRoute("wssPing")
                .getConsumer();
        eventually().until(ping::isSubscribed);
        MockEndpoint pings = getMockEndpoint("mock:ping");
        pings.expectedBodiesReceived("pong");
        template.sendBodyAndHeader("iotmp:serverEvent:ping?" + wssServer(), "pong", IotmpConstants.USER, USER);
        pings.assertIsSatisfied(WAIT.toMillis());
    }

    @Test
    void webSocketWithTextOrBinaryFramesAndOverTls() {
        awaitConnected("ws");
        awaitConnected("wsbinary");
        awaitConnected("wss");
        assertThat(echo("ws", wsServer())).isEqualTo("ws hi");
        assertThat(echo("wsbinary", wsServer())).isEqualTo("wsbinary hi");
        assertThat(echo("wss", wssServer())).isEqualTo("wss hi");
    }
}
