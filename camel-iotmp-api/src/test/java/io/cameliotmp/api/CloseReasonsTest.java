package io.cameliotmp.api;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;

/** A close frame's reason has room for 123 bytes of UTF-8: the cut counts bytes and never parts a character. */
class CloseReasonsTest {

    @Test
    void aReasonOfSeveralByteCharactersIsCutToTheBytesAFrameHolds() {
        String accented = "é".repeat(100); // 200 bytes: 100 characters bounded nothing
        String cut = CloseReasons.cut(accented);
        assertThat(cut.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(123);
        assertThat(cut).isEqualTo("é".repeat(61));
        assertThat(CloseReasons.cut("x".repeat(500))).hasSize(123);
    }

    @Test
    void theCutNeverPartsASurrogatePair() {
        String reason = "a" + "\uD83D\uDE00".repeat(40); // 1 + 160 bytes
        String cut = CloseReasons.cut(reason);
        assertThat(cut.getBytes(StandardCharsets.UTF_8)).hasSize(121);
        assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 1))).isFalse();
        assertThat(new String(cut.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(cut);
    }

    @Test
    void aShortReasonIsKeptAndNoneStaysNone() {
        assertThat(CloseReasons.withReason(CloseStatus.NORMAL, "done").getReason()).isEqualTo("done");
        assertThat(CloseReasons.withReason(CloseStatus.BAD_DATA, null)).isEqualTo(CloseStatus.BAD_DATA);
    }
}
