package io.cameliotmp.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.cameliotmp.testing.EmbeddedCodec;
import io.cameliotmp.testing.Frames;
import io.cameliotmp.testing.RandomPson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static io.cameliotmp.testing.PsonAssertions.assertMessageEquals;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random messages of every type through {@link IotmpFrames} and through {@link IotmpFrameCodec}, for both
 * generations. Failures name the seed and iteration.
 */
class FramePropertyTest {

    private static final long SEED = 0x1F_2026L;
    private static final int MESSAGES_PER_TYPE = 150;

    /**
     * Fewer through the codec: its buffers are pooled and, with the paranoid leak detector, every buffer access
     * records a stack trace, which costs far more than the codec itself.
     */
    private static final int CODEC_MESSAGES_PER_TYPE = 30;

    /** Gen-1 START_STREAM and DESCRIBE carry the resource in the payload field, so they cannot carry a payload. */
    private static boolean payloadAllowed(MessageType type, Generation generation) {
        return generation.resourceField(type) != IotmpFrames.FIELD_PAYLOAD;
    }

    private static List<IotmpMessage> randomMessages(Generation generation, long seed, int perType) {
        RandomPson random = new RandomPson(seed);
        List<IotmpMessage> messages = new ArrayList<>();
        for (int i = 0; i < perType; i++) {
            for (MessageType type : MessageType.values()) {
                messages.add(random.message(type, generation.pson(), payloadAllowed(type, generation)));
            }
        }
        return messages;
    }

    @ParameterizedTest
    @EnumSource(Generation.class)
    void messagesRoundTripThroughIotmpFrames(Generation generation) {
        List<IotmpMessage> messages = randomMessages(generation, SEED, MESSAGES_PER_TYPE);
        for (int i = 0; i < messages.size(); i++) {
            IotmpMessage message = messages.get(i);
            String context = generation + " seed " + SEED + " message " + i + ": " + message;
            int frameSize = IotmpFrames.frameSize(message, generation);

            ByteBuf buf = Unpooled.buffer();
            buf.writeBytes(new byte[] { 0x7E }); // encode appends: whatever is already there stays
            IotmpFrames.encode(message, generation, buf);
            assertThat(buf.writerIndex() - 1).as(context).isEqualTo(frameSize);

            byte[] frame = Frames.encode(message, generation);
            assertThat(frame).as(context).hasSize(frameSize);
            IotmpMessage decoded;
            try {
                decoded = Frames.decode(frame, generation, false);
                assertMessageEquals(decoded, message);
            } catch (AssertionError | IotmpDecodeException e) {
                throw new AssertionError(context + "\n" + e.getMessage(), e);
            }
            // a tolerant server decodes the same
            assertMessageEquals(Frames.decode(frame, generation, true), message);
        }
    }

    /**
     * The codec encodes what {@link IotmpFrames} encodes, and reassembles the concatenated frames from arbitrary
     * read boundaries, including one byte at a time.
     */
    @ParameterizedTest
    @EnumSource(Generation.class)
    void messagesRoundTripThroughTheCodecInRandomChunks(Generation generation) {
        List<IotmpMessage> messages = randomMessages(generation, SEED + 1, CODEC_MESSAGES_PER_TYPE);
        Random chunking = new Random(SEED + 2);
        try (EmbeddedCodec sender = new EmbeddedCodec(generation);
             EmbeddedCodec receiver = new EmbeddedCodec(generation)) {
            List<byte[]> expectedFrames = new ArrayList<>();
            for (IotmpMessage message : messages) {
                expectedFrames.add(Frames.encode(message, generation));
            }
            byte[] stream = sender.encode(messages.toArray(IotmpMessage[]::new));
            assertThat(stream).isEqualTo(Frames.concat(expectedFrames.toArray(byte[][]::new)));

            List<Object> decoded = new ArrayList<>();
            int position = 0;
            while (position < stream.length) {
                int chunk = switch (chunking.nextInt(4)) {
                    case 0 -> 1;
                    case 1 -> chunking.nextInt(8) + 1;
                    default -> chunking.nextInt(200) + 1;
                };
                chunk = Math.min(chunk, stream.length - position);
                byte[] part = new byte[chunk];
                System.arraycopy(stream, position, part, 0, chunk);
                decoded.addAll(receiver.feed(part));
                position += chunk;
            }
            assertThat(receiver.codec().hasPartialFrame()).isFalse();
            assertThat(decoded).hasSameSizeAs(messages);
            for (int i = 0; i < messages.size(); i++) {
                try {
                    assertMessageEquals((IotmpMessage) decoded.get(i), messages.get(i));
                } catch (AssertionError e) {
                    throw new AssertionError(generation + " seed " + (SEED + 1) + " message " + i + "\n"
                                             + e.getMessage(), e);
                }
            }
        }
    }

    /** A server starts as gen-2 and switches after a gen-1 CONNECT; both directions follow the switch. */
    @ParameterizedTest
    @EnumSource(Generation.class)
    void theCodecFollowsAGenerationSwitch(Generation target) {
        RandomPson random = new RandomPson(SEED + 3);
        try (EmbeddedCodec codec = new EmbeddedCodec(Generation.GEN2)) {
            codec.codec().generation(target);
            assertThat(codec.codec().generation()).isEqualTo(target);
            for (MessageType type : MessageType.values()) {
                IotmpMessage message = random.message(type, target.pson(), payloadAllowed(type, target));
                byte[] frame = codec.encode(message);
                assertThat(frame).isEqualTo(Frames.encode(message, target));
                List<Object> decoded = codec.feed(frame);
                assertThat(decoded).hasSize(1);
                assertMessageEquals((IotmpMessage) decoded.get(0), message);
            }
        }
    }
}
