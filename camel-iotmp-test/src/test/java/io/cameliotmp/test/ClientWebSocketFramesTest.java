package io.cameliotmp.test;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClientWebSocketFramesTest {

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    @Test
    void theLengthTakesItsShortestFormAndAMaskOfZerosFollows() {
        assertThat(hex(ClientWebSocketFrames.frame(0x81, true, "Hi".getBytes()))).isEqualTo("8182000000004869");
        assertThat(hex(ClientWebSocketFrames.frame(0x82, false, new byte[] {1, 2}))).isEqualTo("82020102");
        assertThat(hex(ClientWebSocketFrames.frame(0x82, true, new byte[300])).substring(0, 16))
                .isEqualTo("82fe012c00000000");
        byte[] large = ClientWebSocketFrames.frame(0x82, false, new byte[70_000]);
        assertThat(hex(large).substring(0, 20)).isEqualTo("827f0000000000011170");
        assertThat(large).hasSize(10 + 70_000);
    }

    @Test
    void eachProtocolViolationIsOneFrame() {
        assertThat(ClientWebSocketFrames.protocolViolations()).extracting(frame -> hex(frame).substring(0, 4))
                .containsExactly("8182", "8202", "8381", "c281", "8081", "82fe");
    }
}
