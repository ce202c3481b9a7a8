package io.cameliotmp.protocol;

import java.util.List;
import java.util.stream.Stream;

import io.cameliotmp.testing.EmbeddedCodec;
import io.cameliotmp.testing.Frames;
import io.cameliotmp.testing.Hex;
import io.cameliotmp.testing.IotmpVectors;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/** Frame headers that must be refused, frames that must be skipped, and bodies that must not stop the stream. */
class FrameCodecRobustnessTest {

    private static final int MAX = 1024;
    private static final IotmpVectors VECTORS = IotmpVectors.load();

    private static EmbeddedCodec codec(int maxFrameSize) {
        return new EmbeddedCodec(Generation.GEN2, false, maxFrameSize, PsonFormat.DEFAULT_MAX_DEPTH);
    }

    // ------------------------------------------------------------------ headers

    static Stream<Arguments> incompleteHeaders() {
        return Stream.of(
                argumentSet("nothing", ""),
                argumentSet("type only", "0A"),
                argumentSet("type, half a size", "0A 81"),
                argumentSet("half a type", "80"),
                argumentSet("5-byte size, 4 bytes in", "0A FF FF FF FF"));
    }

    @ParameterizedTest
    @MethodSource("incompleteHeaders")
    void incompleteHeadersWait(String hex) {
        assertThat(IotmpFrames.peekHeader(Unpooled.wrappedBuffer(Hex.bytes(hex)), MAX)).isNull();
    }

    static Stream<Arguments> oversizedHeaders() {
        return Stream.of(
                argumentSet("max + 1 (0A 81 08)", "0A 81 08", 1025L),
                argumentSet("5-byte varint 2^32-1", "0A FF FF FF FF 0F", 0xFFFF_FFFFL),
                argumentSet("5-byte varint 2^35-1", "0A FF FF FF FF 7F", (1L << 35) - 1),
                argumentSet("non-minimal 5-byte varint of max + 1", "0A 81 88 80 80 00", 1025L));
    }

    @ParameterizedTest
    @MethodSource("oversizedHeaders")
    void oversizedHeadersAreRefusedFromTheHeaderAlone(String hex, long announced) {
        assertThatThrownBy(() -> IotmpFrames.peekHeader(Unpooled.wrappedBuffer(Hex.bytes(hex)), MAX))
                .isInstanceOfSatisfying(IotmpFrameTooLargeException.class,
                        e -> assertThat(e.announcedSize()).isEqualTo(announced));
    }

    static Stream<Arguments> overlongHeaderVarints() {
        return Stream.of(
                argumentSet("6-byte size varint", "0A 80 80 80 80 80 01"),
                argumentSet("size varint still going after 5 bytes", "0A FF FF FF FF FF"),
                argumentSet("10-byte size varint", "0A FF FF FF FF FF FF FF FF FF 01"),
                argumentSet("6-byte type varint", "80 80 80 80 80 01 00"),
                argumentSet("type varint still going after 5 bytes", "FF FF FF FF FF"));
    }

    @ParameterizedTest
    @MethodSource("overlongHeaderVarints")
    void headerVarintsLongerThanFiveBytesAreRefused(String hex) {
        assertThatThrownBy(() -> IotmpFrames.peekHeader(Unpooled.wrappedBuffer(Hex.bytes(hex)), MAX))
                .isInstanceOf(IotmpDecodeException.class);
    }

    /**
     * The codec refuses a bad header as soon as the header is complete, although no body byte has arrived (so nothing
     * was buffered or allocated for the body), and then discards everything, good frames included.
     */
    @ParameterizedTest
    @MethodSource({ "oversizedHeaders", "overlongHeaderVarints" })
    void theCodecRefusesBadHeadersAndThenDiscardsTheStream(String hex) {
        try (EmbeddedCodec codec = codec(MAX)) {
            assertThat(codec.feed(Hex.bytes("05 00"))).containsExactly(IotmpMessage.KEEP_ALIVE);
            assertThatThrownBy(() -> codec.feed(Hex.bytes(hex)))
                    .isInstanceOf(DecoderException.class)
                    .hasCauseInstanceOf(IotmpDecodeException.class);
            assertThat(codec.feed(Hex.bytes("05 00"), VECTORS.bytes("F6"))).isEmpty();
            assertThat(codec.codec().hasPartialFrame()).isFalse();
        }
    }

    @Test
    void theSizeLimitCountsTheBodyOnly() {
        IotmpMessage largest = IotmpMessage.streamData(1, new byte[MAX - 6]);
        byte[] frame = Frames.encode(largest, Generation.GEN2);
        assertThat(frame.length - Frames.headerLength(frame)).isEqualTo(MAX);
        try (EmbeddedCodec codec = codec(MAX)) {
            assertThat(codec.feed(frame)).hasSize(1);
        }
        try (EmbeddedCodec codec = codec(MAX - 1)) {
            assertThatThrownBy(() -> codec.feed(java.util.Arrays.copyOf(frame, Frames.headerLength(frame))))
                    .hasCauseInstanceOf(IotmpFrameTooLargeException.class);
        }
    }

    @Test
    void theDefaultLimitIs256KiB() {
        assertThat(IotmpFrames.DEFAULT_MAX_FRAME_SIZE).isEqualTo(256 * 1024);
        byte[] header = Hex.bytes("0A 81 80 10"); // 262145
        assertThatThrownBy(() -> IotmpFrames.peekHeader(Unpooled.wrappedBuffer(header),
                IotmpFrames.DEFAULT_MAX_FRAME_SIZE)).isInstanceOf(IotmpFrameTooLargeException.class);
    }

    // ------------------------------------------------------------------ unknown types

    @Test
    void messagesOfUnknownTypesAreSkipped() {
        try (EmbeddedCodec codec = codec(MAX)) {
            List<Object> decoded = codec.feed(
                    Hex.bytes("00 00"),             // reserved type 0
                    Hex.bytes("0B 02 08 01"),       // the obsolete STREAM_SAMPLE number
                    Hex.bytes("7F 01 00"),
                    Hex.bytes("80 01 00"),          // type 128, a two-byte varint
                    Hex.bytes("FF FF FF FF 0F 00"), // type 2^32-1
                    Hex.bytes("05 00"));
            assertThat(decoded).containsExactly(IotmpMessage.KEEP_ALIVE);
        }
    }

    @Test
    void anUnknownTypeWithABodySplitAcrossReadsIsSkippedWhole() {
        try (EmbeddedCodec codec = codec(MAX)) {
            assertThat(codec.feed(Hex.bytes("0C 05 42 42"))).isEmpty();
            assertThat(codec.codec().hasPartialFrame()).isTrue();
            // the rest of the body holds bytes that would be a frame if the codec lost count
            assertThat(codec.feed(Hex.bytes("05 00 42"), VECTORS.bytes("F6"))).containsExactly(IotmpMessage.ok(1));
        }
    }

    // ------------------------------------------------------------------ bad bodies

    @Test
    void aBadBodyBecomesAMalformedFrameAndTheNextFrameDecodes() {
        byte[] unknownWireType = VECTORS.bytes("§6.5");
        try (EmbeddedCodec codec = codec(MAX)) {
            List<Object> decoded = codec.feed(Frames.concat(unknownWireType, VECTORS.bytes("F6")));
            assertThat(decoded).hasSize(2);
            assertThat(decoded.get(0)).isInstanceOfSatisfying(MalformedFrame.class, malformed -> {
                assertThat(malformed.type()).isEqualTo(MessageType.RUN);
                assertThat(malformed.cause().offset()).as("offset of the key with wire type 3").isEqualTo(2);
            });
            assertThat(decoded.get(1)).isEqualTo(IotmpMessage.ok(1));
        }
    }

    @Test
    void aStrictGen2CodecRefusesLegacyPsonWhileATolerantOneReadsIt() {
        byte[] legacy = VECTORS.bytes("§6.4");
        try (EmbeddedCodec strict = codec(MAX)) {
            assertThat(strict.feed(legacy)).singleElement().isInstanceOf(MalformedFrame.class);
        }
        try (EmbeddedCodec tolerant = new EmbeddedCodec(Generation.GEN2, true, MAX, PsonFormat.DEFAULT_MAX_DEPTH)) {
            assertThat(tolerant.feed(legacy)).singleElement().isInstanceOfSatisfying(IotmpMessage.class, m -> {
                assertThat(m.type()).isEqualTo(MessageType.CONNECT);
                assertThat(m.payload()).isEqualTo(0L);
                assertThat(m.psonWireType()).as("what a server reads the generation from").isEqualTo(1);
            });
        }
    }

    @Test
    void aStreamIdThatIsNotANumberMakesTheFrameMalformed() {
        try (EmbeddedCodec codec = codec(MAX)) {
            assertThat(codec.feed(Hex.bytes("01 03 0A 81 78"))).singleElement()
                    .isInstanceOf(MalformedFrame.class);
        }
    }
}
