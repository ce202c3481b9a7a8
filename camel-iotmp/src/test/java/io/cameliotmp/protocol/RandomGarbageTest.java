package io.cameliotmp.protocol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.cameliotmp.testing.EmbeddedCodec;
import io.cameliotmp.testing.Frames;
import io.cameliotmp.testing.Hex;
import io.cameliotmp.testing.IotmpVectors;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded random and mutated input for every decoder entry point: whatever happens, the only exception allowed out is
 * {@link IotmpDecodeException}. Failures print the seed, the iteration and the input.
 */
class RandomGarbageTest {

    private static final long SEED = 0x6A_4BA6EL;
    private static final int INPUTS = 10_000;

    /** Tag bytes that lead deep into the decoders; random bytes alone rarely get past the first one. */
    private static final byte[] STRUCTURED_STARTS = Hex.bytes("1F 3F 40 41 62 9F BF C1 C2 DF E1 E2 FF 08 10 1D 21 4A"
                                                               + " 5A 6A 72 0A 12 1A 22 19 11");

    @Test
    void randomBytesOnlyEverRaiseIotmpDecodeException() {
        Random random = new Random(SEED);
        for (int i = 0; i < INPUTS; i++) {
            byte[] input = new byte[random.nextInt(49)];
            random.nextBytes(input);
            if (input.length > 0 && random.nextBoolean()) {
                input[0] = STRUCTURED_STARTS[random.nextInt(STRUCTURED_STARTS.length)];
            }
            decodeEverywhere(input, random, "seed " + SEED + " input " + i);
        }
    }

    /** Vectors with a few bytes flipped, inserted or removed: input that is almost valid goes deepest. */
    @Test
    void mutatedVectorsOnlyEverRaiseIotmpDecodeException() {
        IotmpVectors vectors = IotmpVectors.load();
        List<byte[]> seeds = new ArrayList<>();
        vectors.psonValues().forEach(v -> seeds.add(v.bytes()));
        vectors.frames().forEach(f -> {
            byte[] frame = f.bytes();
            seeds.add(Arrays.copyOfRange(frame, Frames.headerLength(frame), frame.length));
        });
        Random random = new Random(SEED + 1);
        for (int i = 0; i < INPUTS; i++) {
            byte[] input = mutate(seeds.get(random.nextInt(seeds.size())), random);
            decodeEverywhere(input, random, "seed " + (SEED + 1) + " mutation " + i);
        }
    }

    private static byte[] mutate(byte[] original, Random random) {
        byte[] bytes = original.clone();
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations && bytes.length > 0; m++) {
            int at = random.nextInt(bytes.length);
            switch (random.nextInt(4)) {
                case 0 -> bytes[at] = (byte) random.nextInt(256);
                case 1 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
                case 2 -> {
                    byte[] longer = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, longer, 0, at);
                    longer[at] = (byte) random.nextInt(256);
                    System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                    bytes = longer;
                }
                default -> {
                    byte[] shorter = new byte[bytes.length - 1];
                    System.arraycopy(bytes, 0, shorter, 0, at);
                    System.arraycopy(bytes, at + 1, shorter, at, bytes.length - at - 1);
                    bytes = shorter;
                }
            }
        }
        return bytes;
    }

    /** Both PSON formats and a body decode with a random type, generation and strictness. */
    private static void decodeEverywhere(byte[] input, Random random, String context) {
        MessageType type = MessageType.values()[random.nextInt(MessageType.values().length)];
        Generation generation = Generation.values()[random.nextInt(2)];
        boolean lenient = random.nextBoolean();
        onlyDecodeExceptions(() -> PsonFormat.V1.decode(input), "V1", input, context);
        onlyDecodeExceptions(() -> PsonFormat.V2.decode(input), "V2", input, context);
        onlyDecodeExceptions(() -> Frames.decodeBody(type, input, generation, lenient),
                type + " body " + generation + (lenient ? " lenient" : " strict"), input, context);
    }

    private static void onlyDecodeExceptions(Runnable decode, String what, byte[] input, String context) {
        try {
            decode.run();
        } catch (IotmpDecodeException expected) {
            assertThat(expected.offset()).isBetween(0, input.length);
        } catch (Throwable unexpected) {
            throw new AssertionError(context + ": " + what + " of " + Hex.format(input) + " threw " + unexpected,
                    unexpected);
        }
    }

    /**
     * Random chunks through the codec: it yields messages or malformed frames, or refuses the stream with an
     * {@link IotmpDecodeException}; after a refusal a new connection (codec) takes over.
     */
    @Test
    void theCodecSurvivesARandomByteStream() {
        Random random = new Random(SEED + 2);
        int refusals = 0;
        int decoded = 0;
        EmbeddedCodec codec = new EmbeddedCodec(Generation.GEN2, true, 256, PsonFormat.DEFAULT_MAX_DEPTH);
        try {
            for (int i = 0; i < 2_000; i++) {
                byte[] chunk = new byte[1 + random.nextInt(40)];
                random.nextBytes(chunk);
                if (random.nextInt(4) == 0) {
                    chunk[0] = (byte) (1 + random.nextInt(10)); // a known type, so bodies get decoded
                }
                try {
                    for (Object message : codec.feed(chunk)) {
                        assertThat(message).isInstanceOfAny(IotmpMessage.class, MalformedFrame.class);
                        decoded++;
                    }
                } catch (DecoderException e) {
                    assertThat(e.getCause()).as("chunk %d: %s", i, Hex.format(chunk))
                            .isInstanceOf(IotmpDecodeException.class);
                    refusals++;
                    codec.close();
                    codec = new EmbeddedCodec(Generation.GEN2, true, 256, PsonFormat.DEFAULT_MAX_DEPTH);
                }
            }
        } finally {
            codec.close();
        }
        assertThat(decoded).as("messages or malformed frames seen").isPositive();
        assertThat(refusals).as("streams refused").isPositive();
    }
}
