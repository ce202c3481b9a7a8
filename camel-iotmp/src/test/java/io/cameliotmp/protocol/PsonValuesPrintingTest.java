package io.cameliotmp.protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cameliotmp.device.IotmpErrorException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Values a peer sent, as logs and exception messages show them: bounded, and no line of theirs in our log. */
class PsonValuesPrintingTest {

    @Test
    void smallValuesPrintInFull() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("t", 21L);
        value.put("tags", List.of("a", true));
        value.put("raw", new byte[] {1, 2});
        assertThat(PsonValues.toString(value)).isEqualTo("{\"t\":21,\"tags\":[\"a\",true],\"raw\":bytes[2]0102}");
    }

    @Test
    void aPeersLineBreaksAreEscapedInStringsAndKeys() {
        assertThat(PsonValues.toString(Map.of("k\nINFO forged", "v\r\n\u0007")))
                .isEqualTo("{\"k\\nINFO forged\":\"v\\r\\n\\u0007\"}").doesNotContain("\n", "\r");
        assertThat(PsonValues.text("line\nINFO forged")).isEqualTo("line\\nINFO forged");
        // Unicode's line and paragraph separators, at which some log viewers break lines
        assertThat(PsonValues.text("a\u2028b\u2029c\u0085d")).isEqualTo("a\\u2028b\\u2029c\\u0085d");
    }

    @Test
    void bidirectionalControlsAreEscapedSoThatALineReadsAsItIsStored() {
        // an override reverses what follows on the line as a terminal or log viewer shows it ("Trojan Source")
        assertThat(PsonValues.text("esp32\u202e refused\u202c ok")).isEqualTo("esp32\\u202e refused\\u202c ok");
        assertThat(PsonValues.text("\u202a\u202b\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061c"))
                .isEqualTo("\\u202a\\u202b\\u202d\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c");
        assertThat(PsonValues.toString(Map.of("k", "a\u2067b"))).isEqualTo("{\"k\":\"a\\u2067b\"}");
        // letters of right-to-left scripts are no controls: they are shown as they are
        assertThat(PsonValues.text("\u05e9\u05dc\u05d5\u05dd")).isEqualTo("\u05e9\u05dc\u05d5\u05dd");
    }

    @Test
    void longStringsAreCutWithTheirLength() {
        String printed = PsonValues.toString("x".repeat(100_000));
        assertThat(printed).hasSizeLessThan(300).endsWith("...(100000 characters)\"");
        assertThat(PsonValues.text("y".repeat(1000))).startsWith("y".repeat(256) + "...(1000 characters)");
    }

    /** Emoji are surrogate pairs: a cut between the two halves would leave half a character, which is none. */
    @Test
    void cutsDoNotPartSurrogatePairs() {
        String emoji = "\ud83d\ude00";
        String printed = PsonValues.text("a" + emoji.repeat(200));
        assertThat(printed).startsWith("a" + emoji.repeat(127) + "...(401 characters)");
        assertThat(printed).isEqualTo(PsonValues.text("a" + emoji.repeat(200), 256));
        assertThat(PsonValues.text("a" + emoji, 2)).isEqualTo("a...(3 characters)");
        assertThat(PsonValues.text(emoji, 2)).isEqualTo(emoji);
        assertNoHalfPair(printed);
        List<Object> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add("b" + emoji);
        }
        String cut = PsonValues.toString(List.of("cxxx" + emoji, many));
        assertThat(cut).endsWith("...(cut)");
        assertNoHalfPair(cut);
    }

    private static void assertNoHalfPair(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                assertThat(i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)))
                        .as("high surrogate at %d of %s", i, s).isTrue();
                i++;
            } else {
                assertThat(Character.isLowSurrogate(c)).as("low surrogate at %d", i).isFalse();
            }
        }
    }

    @Test
    void largeMapsAndListsAreCutAsAWhole() {
        List<Object> list = new ArrayList<>();
        for (int i = 0; i < 200_000; i++) {
            list.add(Map.of());
        }
        String printed = PsonValues.toString(list);
        assertThat(printed).hasSizeLessThan(2100).startsWith("[{},{}").endsWith("...(cut)");
    }

    @Test
    void aServersErrorTextIsShownBoundedAndOnOneLine() {
        String text = "denied\nFAKE " + "z".repeat(100_000);
        IotmpErrorException error = new IotmpErrorException(403L, Map.of("error", text));
        assertThat(error.getMessage()).startsWith("ERROR code=403: denied\\nFAKE zzz").doesNotContain("\n")
                .hasSizeLessThan(400);
    }
}
