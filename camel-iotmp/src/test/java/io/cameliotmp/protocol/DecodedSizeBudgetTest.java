package io.cameliotmp.protocol;

import java.util.Collections;
import java.util.List;
import java.util.Map;

import io.cameliotmp.testing.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The heap a frame's decoded values may take is bounded by an estimate charged before anything is built, so a frame
 * of tiny values cannot expand seventy-fold, while ordinary payloads of the same size decode.
 */
class DecodedSizeBudgetTest {

    private static final int EMPTY_MAPS = 100_000;

    /** A STREAM_DATA whose payload is an array of {@code count} empty maps: one byte of wire each. */
    private static byte[] emptyMaps(Generation generation, int count) {
        return Frames.encode(IotmpMessage.streamData(1, Collections.nCopies(count, Map.of())), generation);
    }

    private static IotmpMessage decode(byte[] frame, Generation generation, long budget) {
        ByteBuf buf = Unpooled.wrappedBuffer(frame);
        IotmpFrames.Header header = IotmpFrames.peekHeader(buf, Integer.MAX_VALUE);
        return IotmpFrames.decodeBody(MessageType.fromCode(header.typeCode()), buf, header.headerLength(),
                frame.length, generation, true, PsonFormat.DEFAULT_MAX_DEPTH, budget);
    }

    @Test
    void aFrameOfEmptyMapsIsRefusedOnceItsEstimateExceedsTheBudget() {
        for (Generation generation : Generation.values()) {
            byte[] frame = emptyMaps(generation, EMPTY_MAPS);
            assertThat(frame.length).as("about a byte per map").isLessThan(EMPTY_MAPS * 3);
            assertThatThrownBy(() -> decode(frame, generation, 1024 * 1024)).as(generation.toString())
                    .isInstanceOf(IotmpDecodeException.class).hasMessageContaining("bytes of memory");
            // without a bound the same frame decodes: it is the budget that refuses it
            assertThat((List<?>) decode(frame, generation, Long.MAX_VALUE).payload()).hasSize(EMPTY_MAPS);
        }
    }

    @Test
    void theEstimateCoversWhatTheValuesReallyTake() {
        // 100,000 empty maps in a list take at least 100,000 × (LinkedHashMap 56 bytes + a reference): more than
        // 5 MB, so a budget of 5 MB must refuse them
        byte[] frame = emptyMaps(Generation.GEN2, EMPTY_MAPS);
        assertThatThrownBy(() -> decode(frame, Generation.GEN2, 5_000_000)).isInstanceOf(IotmpDecodeException.class);
        assertThat(decode(frame, Generation.GEN2, 8_000_000).payload()).as("72 bytes a map by the estimate")
                .isInstanceOf(List.class);
    }

    @Test
    void aFullFrameOfOrdinaryPayloadsFitsTheDefaultBudget() {
        long defaultBudget = 4L * 1024 * 1024; // ServerLimits.DEFAULT_MAX_DECODED_FRAME_BYTES
        byte[] blob = new byte[250_000];
        // small maps with short keys are the densest ordinary data: about 11 bytes of heap per byte of wire
        Map<String, Object> sample = Map.of("temperature", 21.5, "humidity", 40L, "name", "kitchen");
        List<Object> samples = Collections.nCopies(6_000, sample);
        for (Object payload : List.of(blob, samples)) {
            byte[] frame = Frames.encode(IotmpMessage.streamData(1, payload), Generation.GEN2);
            assertThat(frame.length).isLessThanOrEqualTo(IotmpFrames.DEFAULT_MAX_FRAME_SIZE);
            assertThat(decode(frame, Generation.GEN2, defaultBudget).payload()).isNotNull();
        }
    }

    @Test
    void theCodecPassesAnOverBudgetFrameOnAsMalformedAndStaysInStep() {
        IotmpFrameCodec codec = new IotmpFrameCodec(Generation.GEN2, true, 1 << 20, 1 << 20,
                PsonFormat.DEFAULT_MAX_DEPTH, 1024 * 1024, null, PartialFrameBudget.UNLIMITED);
        EmbeddedChannel channel = new EmbeddedChannel(codec);
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(Frames.concat(emptyMaps(Generation.GEN2, EMPTY_MAPS),
                    Frames.encode(IotmpMessage.KEEP_ALIVE, Generation.GEN2))));
            Object first = channel.readInbound();
            assertThat(first).isInstanceOfSatisfying(MalformedFrame.class,
                    m -> assertThat(m.cause()).hasMessageContaining("bytes of memory"));
            assertThat((Object) channel.readInbound()).isEqualTo(IotmpMessage.KEEP_ALIVE);
        } finally {
            channel.finishAndReleaseAll();
        }
    }
}
