package io.cameliotmp.protocol;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import io.cameliotmp.testing.EmbeddedCodec;
import io.cameliotmp.testing.Frames;
import io.cameliotmp.testing.Hex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.cameliotmp.testing.PsonAssertions.assertPsonEquals;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/**
 * Hostile PSON: impossible tags, lengths and counts beyond the input, nesting bombs and broken UTF-8. Each must end
 * in an {@link IotmpDecodeException} (never another exception, an allocation of the announced size or a stack
 * overflow), at the offset given where the right answer is unambiguous.
 */
class MalformedPsonTest {

    /** Offset of an error whose exact position is not pinned by the test (only that it lies within the input). */
    private static final int ANY = -1;

    static Stream<Arguments> malformed() {
        return Stream.of(
                // impossible tags
                v2("float tag with inline 2", "42", 0),
                v2("float tag with escaped size", "5F 00", 0),
                v2("discrete 3", "63", 0),
                v2("discrete 31", "7F", 0),
                v2("map key is an integer", "C1 01 01", 1),
                v2("map key is bytes", "C1 A1 61 01", 1),
                v2("bad tag inside an array", "E2 01 42", 2),
                v2("bad tag as a map value", "C1 81 61 42", 3),
                v1("field type 16", "80 01", 0),
                v1("field type 2^32+1, which an int cast would read as 1", "88 80 80 80 80 01 05", 0),
                // varints
                v2("varint of 11 bytes", "1F FF FF FF FF FF FF FF FF FF FF 01", 1),
                v2("varint above 2^64", "1F FF FF FF FF FF FF FF FF FF 02", 1),
                v1("varint above 2^64", "08 FF FF FF FF FF FF FF FF FF 7F", 1),
                // lengths and counts the input cannot hold: refused before anything is allocated
                v2("string longer than the input", "85 68 65", 1),
                v2("map of 2^32-1 pairs", "DF FF FF FF FF 0F", ANY),
                v2("map of 2^64-1 pairs", "DF FF FF FF FF FF FF FF FF FF 01", ANY),
                v2("array of 2^31-1 elements", "FF FF FF FF FF 07", ANY),
                v2("array of 2 with one element", "E2 01", ANY),
                v2("bytes of 2^31-1", "BF FF FF FF FF 07", ANY),
                v2("bytes of 256 MiB", "BF 80 80 80 80 01", ANY),
                v2("string of 2^64-1 bytes", "9F FF FF FF FF FF FF FF FF FF 01", ANY),
                v1("object of 4 GiB", "6A FF FF FF FF 0F", ANY),
                v1("array content beyond the input", "72 05 40 40", ANY),
                v1("string of 2^31-1 bytes", "4A FF FF FF FF 07", ANY),
                v1("bytes of 2^63 bytes", "5A 80 80 80 80 80 80 80 80 80 01", ANY),
                v1("element overrunning its array", "72 02 08 AC 02", ANY),
                // broken UTF-8; the offset is the first byte of the string content
                v2("overlong 2-byte '/'", "82 C0 AF", 1),
                v2("overlong 3-byte NUL", "83 E0 80 80", 1),
                v2("lone continuation byte", "81 80", 1),
                v2("UTF-8 encoded surrogate U+D800", "83 ED A0 80", 1),
                v2("UTF-8 encoded surrogate pair half U+DFFF", "83 ED BF BF", 1),
                v2("truncated 3-byte sequence", "82 E2 82", 1),
                v2("truncated 4-byte sequence at the end", "84 61 F0 9F 98", 1),
                v2("code point above U+10FFFF", "84 F4 90 80 80", 1),
                v2("byte FF", "81 FF", 1),
                v2("broken map key", "C1 82 C0 AF 01", 2),
                v2("broken string in an array", "E2 01 82 ED A0", 3),
                v1("overlong in a legacy string", "4A 02 C0 AF", 2),
                v1("surrogate in a legacy object key", "6A 05 03 ED A0 80 38", 3));
    }

    private static Arguments v2(String name, String hex, int offset) {
        return argumentSet("v2 " + name + ": " + hex, PsonFormat.V2, Hex.bytes(hex), offset);
    }

    private static Arguments v1(String name, String hex, int offset) {
        return argumentSet("v1 " + name + ": " + hex, PsonFormat.V1, Hex.bytes(hex), offset);
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void malformedValuesAreRejected(PsonFormat format, byte[] bytes, int offset) {
        assertThatThrownBy(() -> format.decode(bytes))
                .isInstanceOf(IotmpDecodeException.class)
                .satisfies(e -> {
                    int actual = ((IotmpDecodeException) e).offset();
                    if (offset == ANY) {
                        assertThat(actual).isBetween(0, bytes.length);
                    } else {
                        assertThat(actual).as(e.getMessage()).isEqualTo(offset);
                    }
                });
    }

    /** The same values inside a STREAM_DATA body: the codec emits a MalformedFrame and the connection goes on. */
    @ParameterizedTest
    @MethodSource("malformed")
    void malformedPayloadsBecomeMalformedFramesAndTheStreamGoesOn(PsonFormat format, byte[] value, int offset) {
        Generation generation = format == PsonFormat.V1 ? Generation.GEN1 : Generation.GEN2;
        byte[] body = Frames.concat(Hex.bytes("08 01"), new byte[] { (byte) (3 << 3 | format.wireType()) }, value);
        byte[] frame = Frames.concat(new byte[] { 0x0A, (byte) body.length }, body);
        try (EmbeddedCodec codec = new EmbeddedCodec(generation)) {
            List<Object> decoded = codec.feed(frame, Hex.bytes("05 00"));
            assertThat(decoded).hasSize(2);
            assertThat(decoded.get(0)).isInstanceOfSatisfying(MalformedFrame.class, malformed -> {
                assertThat(malformed.type()).isEqualTo(MessageType.STREAM_DATA);
                if (offset != ANY) {
                    assertThat(malformed.cause().offset()).as("offset in the body").isEqualTo(offset + 3);
                }
            });
            assertThat(decoded.get(1)).isEqualTo(IotmpMessage.KEEP_ALIVE);
        }
    }

    // ------------------------------------------------------------------ nesting

    private static byte[] repeat(String hex, int times, String tail) {
        byte[] unit = Hex.bytes(hex);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < times; i++) {
            out.writeBytes(unit);
        }
        out.writeBytes(Hex.bytes(tail));
        return out.toByteArray();
    }

    /** Legacy containers are prefixed by their content size, so a v1 bomb is built from the inside out. */
    private static byte[] v1NestedArrays(int depth) {
        byte[] value = Hex.bytes("38");
        for (int i = 0; i < depth; i++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(0x72);
            io.netty.buffer.ByteBuf size = io.netty.buffer.Unpooled.buffer();
            Varint.write(value.length, size);
            byte[] sizeBytes = new byte[size.readableBytes()];
            size.readBytes(sizeBytes);
            out.writeBytes(sizeBytes);
            out.writeBytes(value);
            value = out.toByteArray();
        }
        return value;
    }

    static Stream<Arguments> depthBombs() {
        return Stream.of(
                argumentSet("v2 10,000 nested arrays E1 E1 ...", PsonFormat.V2, repeat("E1", 10_000, "00")),
                argumentSet("v2 10,000 nested maps C1 81 61 ...", PsonFormat.V2, repeat("C1 81 61", 10_000, "00")),
                argumentSet("v2 100,000 nested arrays, truncated", PsonFormat.V2, repeat("E1", 100_000, "")),
                argumentSet("v1 10,000 nested arrays", PsonFormat.V1, v1NestedArrays(10_000)));
    }

    @ParameterizedTest
    @MethodSource("depthBombs")
    void depthBombsStopAtTheDepthLimit(PsonFormat format, byte[] bomb) {
        assertThatThrownBy(() -> format.decode(bomb))
                .isInstanceOf(IotmpDecodeException.class)
                .hasMessageContaining("nested too deeply");
    }

    @Test
    void theDepthLimitIsExact() {
        int limit = PsonFormat.DEFAULT_MAX_DEPTH;
        List<Object> deepest = new ArrayList<>();
        List<Object> inner = deepest;
        for (int i = 1; i < limit; i++) {
            List<Object> next = new ArrayList<>();
            inner.add(next);
            inner = next;
        }
        inner.add(0L);
        assertPsonEquals(PsonFormat.V2.decode(repeat("E1", limit, "00")), deepest);
        assertPsonEquals(PsonFormat.V1.decode(v1NestedArrays(limit)), deepest);
        assertThatThrownBy(() -> PsonFormat.V2.decode(repeat("E1", limit + 1, "00")))
                .isInstanceOf(IotmpDecodeException.class)
                .extracting(e -> ((IotmpDecodeException) e).offset()).isEqualTo(limit);
        assertThatThrownBy(() -> PsonFormat.V1.decode(v1NestedArrays(limit + 1)))
                .isInstanceOf(IotmpDecodeException.class);
        // a caller can lower the limit
        assertThatThrownBy(() -> PsonFormat.V2.decode(io.netty.buffer.Unpooled.wrappedBuffer(repeat("E1", 3, "00")), 2))
                .isInstanceOf(IotmpDecodeException.class);
    }

    @Test
    void aDepthBombInAFrameIsAMalformedFrame() {
        byte[] payload = repeat("E1", 10_000, "00");
        io.netty.buffer.ByteBuf header = io.netty.buffer.Unpooled.buffer();
        Varint.write(MessageType.STREAM_DATA.code(), header);
        Varint.write(3 + payload.length, header);
        byte[] headerBytes = new byte[header.readableBytes()];
        header.readBytes(headerBytes);
        byte[] frame = Frames.concat(headerBytes, Hex.bytes("08 01 1A"), payload);
        try (EmbeddedCodec codec = new EmbeddedCodec(Generation.GEN2)) {
            List<Object> decoded = codec.feed(frame, Hex.bytes("01 02 08 01"));
            assertThat(decoded).hasSize(2);
            assertThat(decoded.get(0)).isInstanceOf(MalformedFrame.class);
            assertThat(decoded.get(1)).isEqualTo(IotmpMessage.ok(1));
        }
    }

    /** The encoder refuses structures it could not have been sent (cycles, absurd depth) instead of overflowing. */
    @Test
    void theEncoderRefusesCyclesAndAbsurdDepth() {
        List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        for (PsonFormat format : List.of(PsonFormat.V1, PsonFormat.V2)) {
            assertThatThrownBy(() -> format.toBytes(cycle)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    // ------------------------------------------------------------------ what must still be accepted

    @Test
    void validEdgeCasesNextToTheRejectedOnesDecode() {
        assertPsonEquals(PsonFormat.V2.decode(Hex.bytes("84 F0 9F 98 80")), "\uD83D\uDE00"); // 4-byte UTF-8
        assertPsonEquals(PsonFormat.V2.decode(Hex.bytes("83 EF BF BF")), "\uFFFF");
        assertPsonEquals(PsonFormat.V2.decode(Hex.bytes("84 F4 8F BF BF")), new StringBuilder()
                .appendCodePoint(0x10FFFF).toString());
        // duplicate keys: the last one wins (docs/protocol.md §3.1)
        assertPsonEquals(PsonFormat.V2.decode(Hex.bytes("C2 81 61 01 81 61 02")),
                new java.util.LinkedHashMap<>(java.util.Map.of("a", 2L)));
        // negative zero magnitude is plain 0
        assertPsonEquals(PsonFormat.V2.decode(Hex.bytes("20")), 0L);
        // non-minimal varints are accepted, also as a length
        assertPsonEquals(PsonFormat.V2.decode(Hex.bytes("9F 81 00 78")), "x");
        // legacy tags with non-minimal varint encoding
        assertPsonEquals(PsonFormat.V1.decode(Hex.bytes("B8 00")), 0L);
        // an array of exactly as many one-byte elements as bytes left
        assertPsonEquals(PsonFormat.V2.decode(Hex.bytes("E3 01 02 03")), Arrays.asList(1L, 2L, 3L));
    }
}
