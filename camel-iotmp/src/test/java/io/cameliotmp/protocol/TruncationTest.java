package io.cameliotmp.protocol;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import io.cameliotmp.testing.EmbeddedCodec;
import io.cameliotmp.testing.Frames;
import io.cameliotmp.testing.Hex;
import io.cameliotmp.testing.IotmpVectors;
import io.cameliotmp.testing.IotmpVectors.FrameVector;
import io.cameliotmp.testing.IotmpVectors.PsonVector;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import static io.cameliotmp.testing.PsonAssertions.assertMessageEquals;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/** Every vector cut short at every byte: the codec waits, the body and value decoders throw the typed exception. */
class TruncationTest {

    private static final IotmpVectors VECTORS = IotmpVectors.load();

    @TestFactory
    Stream<DynamicTest> theCodecWaitsForTheRestOfEveryFrame() {
        return VECTORS.frames().stream().map(vector -> dynamicTest(vector.toString(), () -> {
            byte[] frame = vector.bytes();
            IotmpMessage expected = Frames.decode(frame, vector.generation(), false);
            try (EmbeddedCodec codec = new EmbeddedCodec(vector.generation())) {
                for (int cut = 1; cut < frame.length; cut++) {
                    assertThat(codec.feed(Arrays.copyOfRange(frame, 0, cut))).as("after %d bytes", cut).isEmpty();
                    assertThat(codec.codec().hasPartialFrame()).as("partial after %d bytes", cut).isTrue();
                    List<Object> decoded = codec.feed(Arrays.copyOfRange(frame, cut, frame.length));
                    assertThat(decoded).as("cut at %d", cut).hasSize(1);
                    assertMessageEquals((IotmpMessage) decoded.get(0), expected);
                    assertThat(codec.codec().hasPartialFrame()).isFalse();
                }
            }
        }));
    }

    /**
     * A body cut at a field boundary is a valid shorter message; cut anywhere else it must fail with
     * {@link IotmpDecodeException} and nothing else. Boundaries are found by walking the intact body field by field.
     */
    @TestFactory
    Stream<DynamicTest> everyFrameBodyCutShortDecodesOrFailsCleanly() {
        return VECTORS.frames().stream().map(vector -> dynamicTest(vector.toString(), () -> {
            byte[] frame = vector.bytes();
            int headerLength = Frames.headerLength(frame);
            byte[] body = Arrays.copyOfRange(frame, headerLength, frame.length);
            MessageType type = MessageType.fromCode(frame[0]);
            Set<Integer> boundaries = fieldBoundaries(body);
            assertThat(boundaries).contains(0, body.length);
            for (int cut = 0; cut < body.length; cut++) {
                byte[] shortBody = Arrays.copyOf(body, cut);
                String context = "body cut to " + cut + " bytes: " + Hex.format(shortBody);
                if (boundaries.contains(cut)) {
                    assertThat(Frames.decodeBody(type, shortBody, vector.generation(), false)).as(context)
                            .isNotNull();
                } else {
                    assertThatThrownBy(() -> Frames.decodeBody(type, shortBody, vector.generation(), false))
                            .as(context).isInstanceOf(IotmpDecodeException.class);
                }
            }
        }));
    }

    /** Offsets where a field starts or the body ends, walking keys, varints and PSON values. */
    private static Set<Integer> fieldBoundaries(byte[] body) {
        Set<Integer> boundaries = new TreeSet<>();
        ByteBuf buf = Unpooled.wrappedBuffer(body);
        boundaries.add(0);
        while (buf.isReadable()) {
            int wireType = (int) (readVarint(buf) & 7);
            switch (wireType) {
                case 0 -> readVarint(buf);
                case 1 -> PsonFormat.V1.decode(buf);
                case 2 -> PsonFormat.V2.decode(buf);
                default -> throw new AssertionError("vector with wire type " + wireType);
            }
            boundaries.add(buf.readerIndex());
        }
        return boundaries;
    }

    private static long readVarint(ByteBuf buf) {
        long value = 0;
        for (int shift = 0;; shift += 7) {
            int b = buf.readUnsignedByte();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
    }

    /** A PSON value has no valid prefix: the tag fixes its length. Extra bytes after it are refused as well. */
    @TestFactory
    Stream<DynamicTest> everyPsonValueCutShortIsRejected() {
        List<PsonVector> values = VECTORS.psonValues();
        assertThat(values).hasSizeGreaterThan(50);
        return values.stream().map(vector -> dynamicTest(vector.toString(), () -> {
            byte[] bytes = vector.bytes();
            for (int cut = 0; cut < bytes.length; cut++) {
                byte[] prefix = Arrays.copyOf(bytes, cut);
                assertThatThrownBy(() -> vector.format().decode(prefix)).as("cut to %d bytes", cut)
                        .isInstanceOf(IotmpDecodeException.class);
            }
            byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
            assertThatThrownBy(() -> vector.format().decode(longer))
                    .isInstanceOf(IotmpDecodeException.class)
                    .hasMessageContaining("after the value")
                    .extracting(e -> ((IotmpDecodeException) e).offset()).isEqualTo(bytes.length);
        }));
    }

    /** The frame vectors used above, so a change of the file cannot silently shrink this test. */
    @TestFactory
    Stream<DynamicTest> frameVectorsAreThere() {
        List<FrameVector> frames = VECTORS.frames();
        return Stream.of(dynamicTest("at least 55 frames, both generations", () -> {
            assertThat(frames).hasSizeGreaterThanOrEqualTo(55);
            assertThat(frames).extracting(FrameVector::generation).contains(Generation.GEN1, Generation.GEN2);
        }));
    }
}
