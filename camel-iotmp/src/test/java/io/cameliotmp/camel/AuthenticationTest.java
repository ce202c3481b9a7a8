package io.cameliotmp.camel;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.server.AuthDecision;
import io.cameliotmp.testing.RawIotmpSocket;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/** Authentication through a route (authenticationUri), as the component documentation shows it. */
class AuthenticationTest extends IotmpCamelTestSupport {

    @Override
    protected String deviceCredentials() {
        return null;
    }

    @Override
    protected void configure(IotmpConfiguration config) {
        config.setAuthenticationUri("direct:auth");
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:auth")
                        .choice()
                        .when(header(IotmpConstants.DEVICE).isEqualTo("moved"))
                        .setBody(constant(AuthDecision.redirect("iotmps://other.example.com")))
                        .when(header(IotmpConstants.DEVICE).isEqualTo("broken"))
                        .throwException(new IllegalStateException("directory down"))
                        .when(body().startsWith("forged"))
                        .throwException(IllegalArgumentException.class, "not a credential: ${body}")
                        .otherwise()
                        .setBody(simple("${body} == 'secret-${header.CamelIotmpDevice}'", Boolean.class));
                from("iotmp:events").to("mock:events");
            }
        };
    }

    private String connect(String device, String credential) throws Exception {
        try (RawIotmpSocket socket = new RawIotmpSocket(port)) {
            socket.send(IotmpMessage.connect(1, "demo", device, credential), Generation.GEN2);
            String answer = socket.readFrameHex();
            if (!answer.startsWith("01")) {
                assertThat(socket.closedWithin(WAIT)).as("closed after ERROR").isTrue();
            }
            return answer;
        }
    }

    @Test
    void routeAcceptsMatchingCredential() throws Exception {
        assertThat(connect("device-1", "secret-device-1")).isEqualTo("01 02 08 01");
    }

    @Test
    void routeRefusesWrongCredentialWithBadCredentialsCode() throws Exception {
        assertThat(connect("device-1", "guess")).isEqualTo("02 04 08 01 10 02");
    }

    @Test
    void routeCanRedirect() throws Exception {
        IotmpMessage expected = IotmpMessage.error(1, 1, "iotmps://other.example.com");
        try (RawIotmpSocket socket = new RawIotmpSocket(port)) {
            socket.send(IotmpMessage.connect(1, "demo", "moved", "x"), Generation.GEN2);
            assertThat(socket.readMessage(Generation.GEN2)).isEqualTo(expected.withStreamId(1));
        }
    }

    @Test
    void failingRouteRefusesWithoutCode() throws Exception {
        var events = getMockEndpoint("mock:events");
        events.expectedHeaderReceived(IotmpConstants.EVENT_TYPE, "authenticationRefused");
        assertThat(connect("broken", "x")).isEqualTo("02 02 08 01");
        events.assertIsSatisfied();
        assertThat(events.getExchanges().get(0).getMessage().getHeader(IotmpConstants.REASON, String.class))
                .contains("directory down");
    }

    /** A failure's message may quote what the peer sent: the event's reason is cut and escaped as log lines are. */
    @Test
    void aFailuresReasonIsShortenedAndEscapedInTheEvent() throws Exception {
        var events = getMockEndpoint("mock:events");
        events.expectedHeaderReceived(IotmpConstants.EVENT_TYPE, "authenticationRefused");
        assertThat(connect("device-2", "forged\nINFO a line of its own " + "x".repeat(900))).isEqualTo("02 02 08 01");
        events.assertIsSatisfied();
        String reason = events.getExchanges().get(0).getMessage().getHeader(IotmpConstants.REASON, String.class);
        assertThat(reason).contains("not a credential: forged\\nINFO a line").doesNotContain("\n")
                .contains("characters)");
        assertThat(reason.length()).isLessThan(400);
    }
}
