package io.cameliotmp.protocol;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cameliotmp.testing.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection's table of recent map keys: what it answers is exactly what decoding the bytes gives (a string is
 * shared only for the same bytes), invalid UTF-8 is refused whether or not a similar key is in the table, the table
 * holds a fixed number of keys whatever a peer sends, and string values (a credential) are never kept in it.
 */
class RecentStringsTest {

    private final RecentStrings strings = new RecentStrings();

    private String decode(String text) {
        return decode(text.getBytes(StandardCharsets.UTF_8));
    }

    private String decode(byte[] bytes) {
        ByteBuf buf = Unpooled.buffer().writeZero(3).writeBytes(bytes); // at an offset, as inside a frame
        try {
            return strings.decode(buf, 3, bytes.length);
        } finally {
            buf.release();
        }
    }

    @Test
    void aRepeatedStringIsDecodedOnceAndShared() {
        String first = decode("temperature");
        assertThat(first).isEqualTo("temperature");
        assertThat(decode("temperature")).isSameAs(first);
        assertThat(decode("humidity")).isEqualTo("humidity");
        assertThat(decode("temperature")).isSameAs(first);
    }

    @Test
    void stringsThatDifferInAnyByteOrInLengthAreNotConfused() {
        List<String> texts = List.of("a", "b", "ab", "ba", "abc", "", "temperaturf", "temperature", "température",
                "x".repeat(32), "x".repeat(33), "x".repeat(31) + "é", "\uD83D\uDE00", "\u0000");
        for (int round = 0; round < 3; round++) {
            for (String text : texts) {
                assertThat(decode(text)).isEqualTo(text);
            }
        }
    }

    @Test
    void invalidUtf8IsRefusedEvenWhenItsValidNeighbourIsKnown() {
        assertThat(decode("caf\u00e9")).isEqualTo("caf\u00e9");
        byte[] truncated = {'c', 'a', 'f', (byte) 0xC3};
        byte[] surrogate = {(byte) 0xED, (byte) 0xA0, (byte) 0x80};
        byte[] overlong = {(byte) 0xC0, (byte) 0xAF};
        for (int round = 0; round < 2; round++) {
            assertThat(decode(truncated)).isNull();
            assertThat(decode(surrogate)).isNull();
            assertThat(decode(overlong)).isNull();
            assertThat(decode(new byte[40])).isEqualTo("\u0000".repeat(40));
            byte[] longInvalid = new byte[40];
            longInvalid[39] = (byte) 0xFF;
            assertThat(decode(longInvalid)).isNull();
        }
    }

    @Test
    void theTableHoldsAFixedNumberOfStringsWhateverIsSent() throws Exception {
        Set<String> distinct = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String text = "key-" + i;
            assertThat(decode(text)).isEqualTo(text);
            distinct.add(text);
        }
        java.lang.reflect.Field values = RecentStrings.class.getDeclaredField("values");
        values.setAccessible(true);
        assertThat((String[]) values.get(strings)).hasSize(RecentStrings.SLOTS);
        assertThat(distinct).hasSize(10_000);
    }

    @Test
    void stringValuesAreNotKeptOnlyMapKeysAre() throws Exception {
        IotmpFrameCodec codec = new IotmpFrameCodec(Generation.GEN2, true, 4096, 4096, PsonFormat.DEFAULT_MAX_DEPTH,
                Long.MAX_VALUE, java.time.Duration.ZERO, PartialFrameBudget.UNLIMITED);
        EmbeddedChannel channel = new EmbeddedChannel(codec);
        try {
            java.lang.reflect.Field table = FrameCodec.class.getDeclaredField("recentStrings");
            table.setAccessible(true);
            assertThat(table.get(codec)).as("nothing before the first frame").isNull();

            channel.writeInbound(Unpooled.wrappedBuffer(Frames.encode(IotmpMessage.streamData(3,
                    List.of("alice", "esp32", "s3cret")), Generation.GEN2)));
            assertThat((IotmpMessage) channel.readInbound()).isNotNull();
            assertThat(table.get(codec)).as("nothing kept for string values, not even the table").isNull();

            channel.writeInbound(Unpooled.wrappedBuffer(Frames.encode(IotmpMessage.streamData(3,
                    Map.of("celsius", "s3cret")), Generation.GEN2)));
            assertThat((IotmpMessage) channel.readInbound()).isNotNull();
            Object strings = table.get(codec);
            assertThat(strings).as("made at the first key").isNotNull();
            java.lang.reflect.Field values = RecentStrings.class.getDeclaredField("values");
            values.setAccessible(true);
            assertThat(java.util.Arrays.asList((String[]) values.get(strings))).contains("celsius")
                    .doesNotContain("s3cret");
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void aServerCodecSharesNoKeysBeforeLoginSoALoginAloneLeavesNoTable() throws Exception {
        IotmpFrameCodec codec = new IotmpFrameCodec(Generation.GEN2, true, 1024, 4096, PsonFormat.DEFAULT_MAX_DEPTH,
                Long.MAX_VALUE, null, PartialFrameBudget.UNLIMITED);
        EmbeddedChannel channel = new EmbeddedChannel(codec);
        try {
            java.lang.reflect.Field table = FrameCodec.class.getDeclaredField("recentStrings");
            table.setAccessible(true);
            channel.writeInbound(Unpooled.wrappedBuffer(Frames.encode(IotmpMessage.of(MessageType.CONNECT, 1,
                    Map.of("ka", 60), List.of("alice", "esp32", "s3cret"), null), Generation.GEN2)));
            IotmpMessage connect = channel.readInbound();
            assertThat(connect.parameters()).isEqualTo(Map.of("ka", 60L));
            assertThat(table.get(codec)).as("the login's keys decoded once, not kept").isNull();

            codec.authenticated();
            channel.writeInbound(Unpooled.wrappedBuffer(Frames.encode(IotmpMessage.streamData(3,
                    Map.of("celsius", 21)), Generation.GEN2)));
            assertThat((IotmpMessage) channel.readInbound()).isNotNull();
            assertThat(table.get(codec)).as("made at the first key after login").isNotNull();
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void theCodecRefusesAnInvalidKeyAfterDecodingFramesWithValidOnes() {
        IotmpFrameCodec codec = new IotmpFrameCodec(Generation.GEN2, true, 4096, 4096, PsonFormat.DEFAULT_MAX_DEPTH,
                Long.MAX_VALUE, java.time.Duration.ZERO, PartialFrameBudget.UNLIMITED);
        EmbeddedChannel channel = new EmbeddedChannel(codec);
        try {
            byte[] valid = Frames.encode(IotmpMessage.streamData(3, Map.of("café", 1)), Generation.GEN2);
            for (int i = 0; i < 3; i++) {
                channel.writeInbound(Unpooled.wrappedBuffer(valid));
                IotmpMessage decoded = channel.readInbound();
                assertThat(decoded.payload()).isEqualTo(Map.of("café", 1L));
            }
            // the same frame with the key's last byte broken: é is C3 A9, A9 becomes 29 (a lone lead byte)
            byte[] broken = valid.clone();
            int at = indexOf(broken, new byte[] {(byte) 0xC3, (byte) 0xA9});
            broken[at + 1] = 0x29;
            channel.writeInbound(Unpooled.wrappedBuffer(broken));
            Object decoded = channel.readInbound();
            assertThat(decoded).isInstanceOf(MalformedFrame.class);
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    private static int indexOf(byte[] bytes, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= bytes.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (bytes[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
