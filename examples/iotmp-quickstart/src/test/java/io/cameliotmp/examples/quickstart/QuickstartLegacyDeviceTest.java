package io.cameliotmp.examples.quickstart;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDevice;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A board of the thinger.io Arduino library (the legacy Thinger protocol, played by the device client in legacy mode)
 * logs in on the quickstart's legacy port with the demo credentials, appears in the device list as generation
 * LEGACY, and its resources answer through the device API.
 */
class QuickstartLegacyDeviceTest extends QuickstartTestSupport {

    @Test
    void aLegacyBoardIsADeviceOfTheApiLikeAnyOther() throws Exception {
        IotmpDevice board = IotmpDevice.builder().host("127.0.0.1").port(LEGACY_PORT)
                .credentials("demo", "device-2", "secret-2").legacy().noReconnect().build();
        board.resource("temperature").output(() -> Map.of("celsius", 23));
        try (board) {
            board.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);

            var status = get("/v3/users/demo/devices/device-2").json();
            assertThat(status.path("connected").asBoolean()).isTrue();
            assertThat(status.path("generation").asText()).isEqualTo("LEGACY");
            var answer = get("/v3/users/demo/devices/device-2/resources/temperature");
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.json().path("celsius").asInt()).isEqualTo(23);
        }
    }
}
