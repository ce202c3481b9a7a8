package io.cameliotmp.camel;

import java.net.InetSocketAddress;
import java.net.ServerSocket;

import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.IotmpServerConfig;
import io.cameliotmp.server.LegacyListeners;
import io.cameliotmp.server.StaticAuthenticator;
import io.cameliotmp.testing.TestPorts;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A port another process holds fails the start with a message that names the port and why. The bind's exception is
 * an IOException that Netty throws undeclared, which the server's {@code catch (RuntimeException)} never caught: the
 * one line a failed start shows (Camel's, Spring Boot's) gave only "bind(..) failed: Address already in use", and no
 * line anywhere said which port.
 */
class PortInUseTest {

    private static String failedStart(String uri) throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.getComponent("iotmp", IotmpComponent.class).getConfiguration().setDeviceCredentials("alice/*=pw");
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(uri).to("log:ignored");
                }
            });
            Throwable failure = catchThrowable(camel::start);
            assertThat(failure).isNotNull();
            return failure.getMessage();
        }
    }

    @Test
    void theFailedStartSaysWhichPortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();
            assertThat(failedStart("iotmp:events?host=127.0.0.1&port=" + port))
                    .contains("cannot listen on 127.0.0.1:" + port, "Address already in use");
        }
    }

    @Test
    void theFailedStartSaysWhichLegacyPortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();
            assertThat(failedStart("iotmp:events?host=127.0.0.1&port=0&legacyEnabled=true&legacyPort=" + port))
                    .contains("cannot listen for legacy devices on 127.0.0.1:" + port, "Address already in use");
        }
    }

    /** A host that names no address says so; the exception of an unresolvable host has no message, shown as null. */
    @Test
    void theFailedStartSaysTheHostDoesNotResolve() throws Exception {
        assertThat(failedStart("iotmp:events?host=no-such-host.invalid&port=" + TestPorts.next()))
                .contains("cannot listen on no-such-host.invalid:", "the host name does not resolve")
                .doesNotContain("null");
    }

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith(prefix))
                .count();
    }

    /**
     * A start that fails on the legacy port gives back what it took: the main port, which it had bound, and its
     * threads. It kept both, as the bind's exception went past the server's clean-up, so that a route controller
     * retrying the start found the main port taken by the server's own earlier attempt, for ever.
     */
    @Test
    void aFailedStartGivesBackItsPortAndThreadsAndCanBeTriedAgain() throws Exception {
        int port = TestPorts.next();
        long acceptThreads = threadsNamed("iotmp-accept");
        ServerSocket taken = new ServerSocket();
        taken.bind(new InetSocketAddress("127.0.0.1", 0));
        IotmpServer server = new IotmpServer(IotmpServerConfig.builder().host("127.0.0.1").port(port)
                .authenticator(StaticAuthenticator.parse("alice/*=pw"))
                .legacy(new LegacyListeners(true, taken.getLocalPort(), LegacyListeners.NONE)).build());
        try {
            assertThat(catchThrowable(server::start)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot listen for legacy devices");
            try (ServerSocket mainPort = new ServerSocket()) {
                mainPort.bind(new InetSocketAddress("127.0.0.1", port));
            }
            eventually().until(() -> threadsNamed("iotmp-accept") == acceptThreads);

            taken.close();
            server.start();
            assertThat(server.localAddress().getPort()).isEqualTo(port);
        } finally {
            taken.close();
            server.stop();
        }
    }
}
