package io.cameliotmp.api;

import java.net.URI;
import java.net.http.WebSocket;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.ResourceKind;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A terminal whose device leaves mid-session: the client is told, and the session holds nothing afterwards. */
class TerminalOfADeviceGoneTest extends ApiTestSupport {

    @Autowired
    DeviceSessionSocket sessions;

    private IotmpDevice terminalDevice() throws Exception {
        return connect("demo", "dev-1", "secret-1", device -> device.resource("$terminal/:session")
                .handler(ResourceKind.INPUT_OUTPUT, request -> null));
    }

    @Test
    void aDeviceThatDisconnectsEndsItsSessionsAndTheClientIsTold() throws Exception {
        await("sessions of other tests closed").atMost(WAIT).until(() -> sessions.openSessions() == 0);
        IotmpDevice device = terminalDevice();
        DeviceSessionSocketTest.Client client = new DeviceSessionSocketTest.Client();
        WebSocket socket = http.newWebSocketBuilder().header("Authorization", "Bearer " + ALL)
                .buildAsync(ws("/v3/users/demo/devices/dev-1/sessions/terminal"), client)
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(client.texts.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).contains("\"event\":\"open\"");

        device.close();

        assertThat(client.texts.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).contains("\"event\":\"ended\"");
        await("the client closed").atMost(WAIT).until(() -> client.closeCode.get() != 0);
        assertThat(client.closeCode.get()).isEqualTo(WebSocket.NORMAL_CLOSURE);
        await("nothing held").atMost(WAIT)
                .until(() -> sessions.openSessions() == 0 && sessions.sessionsRegistered() == 0);
        assertThat(socket.isInputClosed()).isTrue();
    }

    private URI ws(String path) {
        return URI.create("ws://localhost:" + httpPort + path);
    }
}
