package io.cameliotmp.fuzz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpDecodeException;
import io.cameliotmp.protocol.IotmpFrameCodec;
import io.cameliotmp.protocol.IotmpFrameTooLargeException;
import io.cameliotmp.protocol.IotmpFrames;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MalformedFrame;
import io.cameliotmp.protocol.PsonFormat;
import io.cameliotmp.testing.Frames;
import io.cameliotmp.testing.Hex;
import io.cameliotmp.testing.IotmpVectors;
import io.cameliotmp.testing.PsonNormalisation;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;

/**
 * Fuzzes {@link IotmpFrameCodec} in an {@link EmbeddedChannel} with arbitrary bytes cut into arbitrary reads.
 * <p>
 * Every execution checks that
 * <ul>
 * <li>only {@link IotmpMessage}s and {@link MalformedFrame}s come out, and the only exception is a
 * {@link DecoderException} around an {@link IotmpDecodeException} from the header ({@link IotmpFrameTooLargeException}
 * with a size above the limit, or a header varint longer than the references accept);</li>
 * <li>the result does not depend on how the bytes were cut: the same stream in one read gives the same frames and the
 * same fatal error;</li>
 * <li>after a fatal error the codec fails closed (a later well-formed frame yields nothing, and nothing is thrown),
 * and without one, a stream that ended on a frame boundary is still in sync (a following KEEP_ALIVE decodes);</li>
 * <li>no buffer is left unreleased;</li>
 * <li>every decoded message re-encodes in the codec's generation to a frame that a strict decoder reads back as the
 * normalised message, and re-encoding reaches a fixed point within a few rounds (a top-level float 2.0 is written
 * as the PSON integer 2, which then decodes as an integer and travels as a varint; v1's lossy float32 rule can
 * first turn a double into an integral float32).</li>
 * </ul>
 * Input layout (Jazzer {@link FuzzedDataProvider}): from the back, generation, strictness, frame limit, PSON depth,
 * number of cuts and the cut sizes; the front is the byte stream.
 */
class FrameDecoderFuzzTest {

    /** Frame body limits the fuzzer chooses from; the first is the server default. */
    static final int[] FRAME_LIMITS = {IotmpFrames.DEFAULT_MAX_FRAME_SIZE, 32, 300, 65536};

    static final int MAX_CUTS = 16;

    private static final byte[] KEEP_ALIVE = {0x05, 0x00};

    @FuzzTest(maxDuration = "5m")
    void decodeChunked(FuzzedDataProvider data) {
        Generation generation = data.consumeBoolean() ? Generation.GEN1 : Generation.GEN2;
        boolean strict = data.consumeBoolean();
        int maxFrameSize = FRAME_LIMITS[data.consumeInt(0, FRAME_LIMITS.length - 1)];
        int maxDepth = PsonFormat.DEFAULT_MAX_DEPTH - data.consumeInt(0, PsonFormat.DEFAULT_MAX_DEPTH - 1);
        int[] cuts = new int[data.consumeInt(0, MAX_CUTS)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = data.consumeInt(1, 255);
        }
        byte[] stream = data.consumeRemainingAsBytes();

        Settings settings = new Settings(generation, !strict, maxFrameSize, maxDepth);
        Outcome chunked = decode(settings, stream, cuts);
        Outcome whole = decode(settings, stream, new int[0]);
        if (!chunked.sameAs(whole)) {
            throw new AssertionError("cutting the stream changed the result\nin " + cuts.length + " reads "
                                     + Arrays.toString(cuts) + ": " + chunked + "\nin one read: " + whole);
        }
        for (Object item : whole.items) {
            if (item instanceof IotmpMessage message) {
                checkReEncoding(message, settings);
            }
        }
    }

    record Settings(Generation generation, boolean acceptBoth, int maxFrameSize, int maxDepth) {
    }

    /** What one codec made of a stream: the decoded items in order and the fatal header error, if any. */
    static final class Outcome {
        final List<Object> items = new ArrayList<>();
        DecoderException fatal;

        boolean sameAs(Outcome other) {
            if (items.size() != other.items.size() || !sameError(fatal, other.fatal)) {
                return false;
            }
            for (int i = 0; i < items.size(); i++) {
                Object a = items.get(i);
                Object b = other.items.get(i);
                boolean same = a instanceof MalformedFrame x && b instanceof MalformedFrame y
                        ? x.type() == y.type() && sameError(x.cause(), y.cause())
                        : a.equals(b);
                if (!same) {
                    return false;
                }
            }
            return true;
        }

        private static boolean sameError(Throwable a, Throwable b) {
            if (a == null || b == null) {
                return a == b;
            }
            Throwable x = a instanceof DecoderException ? a.getCause() : a;
            Throwable y = b instanceof DecoderException ? b.getCause() : b;
            return x.getClass() == y.getClass() && Objects.equals(x.getMessage(), y.getMessage());
        }

        @Override
        public String toString() {
            return items + (fatal != null ? " then " + fatal.getCause() : "");
        }
    }

    static Outcome decode(Settings settings, byte[] stream, int[] cuts) {
        UnpooledByteBufAllocator allocator = FuzzSupport.countingAllocator();
        IotmpFrameCodec codec = new IotmpFrameCodec(settings.generation(), settings.acceptBoth(),
                settings.maxFrameSize(), settings.maxDepth());
        EmbeddedChannel channel = new EmbeddedChannel(codec);
        channel.config().setAllocator(allocator);
        Outcome outcome = new Outcome();
        try {
            int offset = 0;
            int cut = 0;
            while (offset < stream.length) {
                int length = cut < cuts.length ? Math.min(cuts[cut++], stream.length - offset) : stream.length - offset;
                feed(channel, allocator, stream, offset, length, outcome);
                offset += length;
            }
            collect(channel, outcome.items);
            if (outcome.fatal != null) {
                // fails closed: a valid frame after the fatal error is discarded, silently
                List<Object> after = new ArrayList<>();
                feed(channel, allocator, KEEP_ALIVE, 0, KEEP_ALIVE.length, outcome);
                collect(channel, after);
                if (!after.isEmpty()) {
                    throw new AssertionError("codec decoded " + after + " after the fatal " + outcome.fatal);
                }
            } else if (!codec.hasPartialFrame()) {
                // on a frame boundary: the stream must still be in sync
                List<Object> after = new ArrayList<>();
                feed(channel, allocator, KEEP_ALIVE, 0, KEEP_ALIVE.length, outcome);
                collect(channel, after);
                if (!after.equals(List.of(IotmpMessage.KEEP_ALIVE))) {
                    throw new AssertionError("codec out of sync: a KEEP_ALIVE after the stream decoded as " + after);
                }
            }
        } finally {
            channel.finishAndReleaseAll();
        }
        FuzzSupport.assertAllReleased(allocator, "IotmpFrameCodec");
        return outcome;
    }

    private static void feed(EmbeddedChannel channel, UnpooledByteBufAllocator allocator, byte[] bytes, int offset,
                             int length, Outcome outcome) {
        try {
            channel.writeInbound(FuzzSupport.buffer(allocator, bytes, offset, length));
        } catch (DecoderException e) {
            if (outcome.fatal != null) {
                throw new AssertionError("codec threw again after the fatal " + outcome.fatal.getCause(), e);
            }
            checkFatal(e);
            outcome.fatal = e;
        }
    }

    /** The only exceptions a codec may throw come from the header: too large, or a varint it refuses. */
    private static void checkFatal(DecoderException e) {
        Throwable cause = e.getCause();
        if (cause instanceof IotmpFrameTooLargeException tooLarge) {
            return;
        }
        if (cause == null || cause.getClass() != IotmpDecodeException.class
            || !cause.getMessage().startsWith("varint longer than")) {
            throw new AssertionError("unexpected exception from the codec", e);
        }
    }

    private static void collect(EmbeddedChannel channel, List<Object> into) {
        for (Object item = channel.readInbound(); item != null; item = channel.readInbound()) {
            if (!(item instanceof IotmpMessage) && !(item instanceof MalformedFrame)) {
                throw new AssertionError("codec emitted a " + item.getClass().getName() + ": " + item);
            }
            if (item instanceof MalformedFrame malformed && malformed.cause().offset() < 0) {
                throw new AssertionError("negative error offset in " + malformed);
            }
            into.add(item);
        }
    }

    /** A decoded message survives encode → strict decode (normalised) and re-encodes to the same bytes. */
    static void checkReEncoding(IotmpMessage message, Settings settings) {
        PsonFormat format = settings.generation().pson();
        byte[] encoded = Frames.encode(message, settings.generation());
        IotmpMessage again;
        try {
            again = Frames.decode(encoded, settings.generation(), false);
        } catch (IotmpDecodeException e) {
            throw new AssertionError("re-encoded " + message + " as " + Hex.format(encoded)
                                     + ", which a strict decoder refuses", e);
        }
        IotmpMessage normalised = IotmpMessage.of(message.type(), message.streamId(),
                PsonNormalisation.canonical(message.parameters(), format),
                PsonNormalisation.canonical(message.payload(), format),
                PsonNormalisation.canonical(message.resource(), format));
        if (!again.equals(normalised)) {
            throw new AssertionError("re-encoding changed the message\ndecoded:    " + message + "\nre-decoded: "
                                     + again + "\nbytes: " + Hex.format(encoded));
        }
        // normalisation converges: a top-level float that PSON writes as an integer (2.0 → 1A 02) decodes as an
        // integer, which travels as a varint (18 02); v1 may first round a double to an integral float32
        // (PsonNormalisationFindingsTest). Two more rounds at most, then the bytes must not change.
        byte[] previous = encoded;
        for (int round = 1; ; round++) {
            byte[] next = Frames.encode(Frames.decode(previous, settings.generation(), false), settings.generation());
            if (Arrays.equals(next, previous)) {
                break;
            }
            if (round == MAX_NORMALISATION_ROUNDS) {
                throw new AssertionError("encoding does not settle for " + message + ": " + Hex.format(encoded)
                                         + " ... " + Hex.format(previous) + " then " + Hex.format(next));
            }
            previous = next;
        }
    }

    /** Re-encodings after the first that may still change the bytes (see {@link #checkReEncoding}). */
    static final int MAX_NORMALISATION_ROUNDS = 3;

    // ---- seeds (written to FrameDecoderFuzzTestInputs/decodeChunked by SeedCorpusTest)

    static byte[] seed(Generation generation, boolean strict, int limitIndex, byte[] stream, int... cuts) {
        FuzzSupport.FdpInput input = new FuzzSupport.FdpInput()
                .bool(generation == Generation.GEN1)
                .bool(strict)
                .intInRange(limitIndex, 0, FRAME_LIMITS.length - 1)
                .intInRange(0, 0, PsonFormat.DEFAULT_MAX_DEPTH - 1)
                .intInRange(cuts.length, 0, MAX_CUTS);
        for (int cut : cuts) {
            input.intInRange(cut, 1, 255);
        }
        return input.bytes(stream).build();
    }

    static Map<String, byte[]> seeds() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        IotmpVectors vectors = IotmpVectors.load();
        for (IotmpVectors.FrameVector frame : vectors.frames()) {
            String name = SeedNames.of("vector", frame.row().id());
            seeds.put(name + "-strict", seed(frame.generation(), true, 0, frame.bytes()));
            seeds.put(name + "-tolerant-bytewise", seed(frame.generation(), false, 0, frame.bytes(),
                    ones(Math.min(MAX_CUTS, frame.bytes().length))));
        }
        for (IotmpVectors.Row row : vectors.rows("6")) {
            seeds.put(SeedNames.of("decoder", row.id()), seed(Generation.GEN2, true, 0, row.bytes()));
            seeds.put(SeedNames.of("decoder", row.id()) + "-gen1", seed(Generation.GEN1, true, 0, row.bytes()));
        }
        byte[] session = Frames.concat(vectors.rows("5").stream().map(IotmpVectors.Row::bytes)
                .toArray(byte[][]::new));
        seeds.put("session-one-read", seed(Generation.GEN2, false, 0, session));
        seeds.put("session-cut", seed(Generation.GEN2, false, 0, session, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89));
        seeds.put("session-small-limit", seed(Generation.GEN2, false, 1, session));
        for (Map.Entry<String, String> malformed : SeedNames.MALFORMED_FRAMES.entrySet()) {
            seeds.put(SeedNames.of("malformed", malformed.getKey()),
                    seed(Generation.GEN2, false, 0, Hex.bytes(malformed.getValue())));
        }
        for (SeedNames.ConformanceInput row : SeedNames.conformanceInputs()) {
            seeds.put(row.name(), seed(Generation.GEN2, false, 0, row.bytes()));
        }
        return seeds;
    }

    private static int[] ones(int n) {
        int[] cuts = new int[n];
        Arrays.fill(cuts, 1);
        return cuts;
    }
}
