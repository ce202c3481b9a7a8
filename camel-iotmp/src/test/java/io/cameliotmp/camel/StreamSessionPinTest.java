package io.cameliotmp.camel;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.server.DeviceNotConnectedException;
import io.cameliotmp.testing.RawIotmpSocket;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stream ids start again at 1 on every connection of a device: a stream's data or stop pinned to the session number
 * of the connection it opened on ({@link IotmpConstants#SESSION_NUMBER}, as the startStream reply gives it) must fail
 * once the device has connected again, never reach the newer connection's stream of the same id (another caller's
 * terminal).
 */
class StreamSessionPinTest extends IotmpCamelTestSupport {

    @Override
    protected String deviceCredentials() {
        return "alice/esp32=pw";
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:open").to("iotmp:device:alice/esp32/$terminal/s1?operation=startStream"
                                       + "&streamTo=mock:terminal");
                from("direct:type").to("iotmp:device:alice/esp32?operation=sendStreamData");
                from("direct:close").to("iotmp:device:alice/esp32?operation=stopStream");
            }
        };
    }

    /** Opens a terminal on the device's current connection; returns the reply with the stream id and session. */
    private Exchange openTerminal(RawIotmpSocket device) throws Exception {
        CompletableFuture<Exchange> opened = template.asyncSend("direct:open",
                exchange -> exchange.setPattern(ExchangePattern.InOut));
        IotmpMessage start = device.readUntil(MessageType.START_STREAM, Generation.GEN2);
        device.send(IotmpMessage.ok(start.streamId()), Generation.GEN2);
        Exchange reply = opened.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(reply.getException()).isNull();
        assertThat(reply.getMessage().getHeader(IotmpConstants.STREAM_ID, Integer.class)).isEqualTo(start.streamId());
        return reply;
    }

    private Exchange pinned(String route, Object body, int streamId, long session) {
        return template.request(route, exchange -> {
            exchange.getMessage().setBody(body);
            exchange.getMessage().setHeaders(Map.of(IotmpConstants.STREAM_ID, streamId,
                    IotmpConstants.SESSION_NUMBER, session));
        });
    }

    @Test
    void dataAndStopPinnedToAnEndedConnectionNeverReachTheNewConnectionsStreamOfTheSameId() throws Exception {
        try (RawIotmpSocket first = RawIotmpSocket.connect(port, "alice", "esp32", "pw")) {
            Exchange oldTerminal = openTerminal(first);
            int oldId = oldTerminal.getMessage().getHeader(IotmpConstants.STREAM_ID, Integer.class);
            Long oldSession = oldTerminal.getMessage().getHeader(IotmpConstants.SESSION_NUMBER, Long.class);
            assertThat(oldSession).as("the startStream reply names its connection").isNotNull();

            try (RawIotmpSocket second = RawIotmpSocket.connect(port, "alice", "esp32", "pw")) {
                Exchange newTerminal = openTerminal(second);
                int newId = newTerminal.getMessage().getHeader(IotmpConstants.STREAM_ID, Integer.class);
                long newSession = newTerminal.getMessage().getHeader(IotmpConstants.SESSION_NUMBER, Long.class);
                assertThat(newId).as("ids start again on the new connection").isEqualTo(oldId);
                assertThat(newSession).isNotEqualTo(oldSession);

                // the old terminal's keystrokes and its close, pinned to the old connection: refused
                Exchange typed = pinned("direct:type", "rm -rf ~\r".getBytes(), oldId, oldSession);
                assertThat(typed.getException()).isInstanceOf(DeviceNotConnectedException.class);
                Exchange stopped = pinned("direct:close", null, oldId, oldSession);
                assertThat(stopped.getException()).isInstanceOf(DeviceNotConnectedException.class);

                // the new terminal's own input, pinned to its connection, is the first thing the device gets
                CompletableFuture<Exchange> own = CompletableFuture.supplyAsync(
                        () -> pinned("direct:type", "ls\r".getBytes(), newId, newSession));
                IotmpMessage received = second.readUntil(MessageType.STREAM_DATA, Generation.GEN2);
                assertThat(received).isEqualTo(IotmpMessage.streamData(newId, "ls\r".getBytes()));
                assertThat(own.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).getException()).isNull();

                // and its stop goes through as well
                CompletableFuture<Exchange> close = CompletableFuture.supplyAsync(
                        () -> pinned("direct:close", null, newId, newSession));
                assertThat(second.readUntil(MessageType.STOP_STREAM, Generation.GEN2))
                        .isEqualTo(IotmpMessage.stopStream(newId));
                second.send(IotmpMessage.ok(newId), Generation.GEN2);
                assertThat(close.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).getException()).isNull();
            }
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }
}
