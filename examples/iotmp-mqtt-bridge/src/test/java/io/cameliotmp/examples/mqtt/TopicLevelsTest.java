package io.cameliotmp.examples.mqtt;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Device ids as topic levels: one level per device, and back. */
class TopicLevelsTest {

    @Test
    void aDeviceIdAndItsLevelGoBothWays() {
        assertThat(TopicLevels.encode("thermo-1")).isEqualTo("thermo-1");
        assertThat(TopicLevels.encode("sensor#1+50%")).isEqualTo("sensor%231%2B50%25");
        assertThat(TopicLevels.encode("a\uFFFEb\uFDEFc\u007Fd\uD83F\uDFFFe")).isEqualTo(
                "a%EF%BF%BEb%EF%B7%AFc%7Fd%F0%9F%BF%BFe");
        for (String id : List.of("thermo-1", "sensor#1+50%", "a\uFFFEb\uFDEFc\u007Fd\uD83F\uDFFFe", "ü-é €",
                "\uD83D\uDE00", "x/y")) {
            String level = TopicLevels.encode(id);
            assertThat(level).doesNotContain("+", "#", "/", "\uFFFF", "\uFFFE");
            assertThat(TopicLevels.decode(level)).as(level).isEqualTo(id);
        }
    }

    @Test
    void aLevelThatEncodeDoesNotMakeNamesNoDevice() {
        for (String level : List.of("sensor%41", "a%2bb", "a%2", "a%", "%C3", "%C3%28", "%ED%A0%80", "%E2%82%AC")) {
            assertThat(TopicLevels.decode(level)).as(level).isNull();
        }
    }
}
