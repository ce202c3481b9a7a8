package io.cameliotmp.protocol;

import java.util.ArrayList;
import java.util.List;

import io.cameliotmp.testing.Hex;
import io.cameliotmp.testing.PsonNormalisation;
import io.cameliotmp.testing.RandomPson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.cameliotmp.testing.PsonAssertions.assertPsonEquals;
import static io.cameliotmp.testing.PsonAssertions.describe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Random values through both PSON formats. Every iteration is reproducible from the seed and iteration printed on
 * failure.
 */
class PsonPropertyTest {

    private static final long SEED = 0x10_7A_2026L;
    private static final int ITERATIONS = 3_000;
    private static final int MAX_DEPTH = 4;

    private static PsonFormat format(String name) {
        return name.equals("V1") ? PsonFormat.V1 : PsonFormat.V2;
    }

    @ParameterizedTest
    @ValueSource(strings = { "V1", "V2" })
    void canonicalValuesSurviveEncodeDecodeUnchanged(String formatName) {
        PsonFormat format = format(formatName);
        RandomPson random = new RandomPson(SEED);
        for (int i = 0; i < ITERATIONS; i++) {
            Object value = random.canonicalValue(format, MAX_DEPTH);
            byte[] bytes = format.toBytes(value);
            String context = format + " seed " + SEED + " iteration " + i + ": " + describe(value);
            assertThat(format.sizeOf(value)).as(context).isEqualTo(bytes.length);
            assertPsonEqualsIn(context, format.decode(bytes), value);
            // decoding yields the canonical form, so re-encoding reproduces the bytes exactly
            assertThat(format.toBytes(format.decode(bytes))).as(context).isEqualTo(bytes);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "V1", "V2" })
    void rawValuesDecodeToTheDocumentedNormalisation(String formatName) {
        PsonFormat format = format(formatName);
        RandomPson random = new RandomPson(SEED + 1);
        for (int i = 0; i < ITERATIONS; i++) {
            Object raw = random.value(MAX_DEPTH);
            String context = format + " seed " + (SEED + 1) + " iteration " + i + ": " + describe(raw);
            assertPsonEqualsIn(context, format.decode(format.toBytes(raw)), PsonNormalisation.canonical(raw, format));
        }
    }

    /** Decoding works at any reader index and stops exactly at the end of the value, as frame bodies need. */
    @ParameterizedTest
    @ValueSource(strings = { "V1", "V2" })
    void valuesEncodeAndDecodeInTheMiddleOfABuffer(String formatName) {
        PsonFormat format = format(formatName);
        RandomPson random = new RandomPson(SEED + 2);
        for (int i = 0; i < ITERATIONS / 3; i++) {
            Object value = random.canonicalValue(format, MAX_DEPTH);
            byte[] prefix = new byte[random.random().nextInt(5)];
            random.random().nextBytes(prefix);
            ByteBuf buf = Unpooled.buffer();
            buf.writeBytes(prefix);
            format.encode(value, buf);
            int end = buf.writerIndex();
            buf.writeBytes(new byte[] { 0x61, 0x62 }); // whatever follows the value stays unread
            assertThat(end - prefix.length).isEqualTo(format.sizeOf(value));

            buf.readerIndex(prefix.length);
            Object decoded = format.decode(buf);
            String context = format + " iteration " + i + ": " + Hex.format(buf.array(), 0, Math.min(end, 64));
            assertPsonEqualsIn(context, decoded, value);
            assertThat(buf.readerIndex()).as(context).isEqualTo(end);
        }
    }

    /** The largest values PSON has: 64-bit magnitudes either side, and the refusal just beyond. */
    @ParameterizedTest
    @ValueSource(strings = { "V1", "V2" })
    void sixtyFourBitMagnitudesAreTheLimit(String formatName) {
        PsonFormat format = format(formatName);
        java.math.BigInteger max = java.math.BigInteger.ONE.shiftLeft(64).subtract(java.math.BigInteger.ONE);
        List<Object> values = new ArrayList<>(List.of(max, max.negate(), Long.MIN_VALUE, Long.MAX_VALUE,
                java.math.BigInteger.ONE.shiftLeft(63), java.math.BigInteger.ONE.shiftLeft(63).negate().subtract(
                        java.math.BigInteger.ONE)));
        for (Object value : values) {
            Object expected = PsonNormalisation.canonical(value, format);
            assertPsonEquals(format.decode(format.toBytes(value)), expected);
        }
        assertThatThrownBy(() -> format.toBytes(max.add(java.math.BigInteger.ONE)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> format.toBytes(max.add(java.math.BigInteger.ONE).negate()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Java strings may hold unpaired surrogates (a cut emoji). They must still become valid UTF-8, which every decoder
     * accepts: the same '?' replacement {@link String#getBytes} makes, as strings and as map keys.
     */
    @ParameterizedTest
    @ValueSource(strings = { "V1", "V2" })
    void stringsWithUnpairedSurrogatesEncodeAsValidUtf8(String formatName) {
        PsonFormat format = format(formatName);
        RandomPson random = new RandomPson(SEED + 3);
        char[] loneSurrogates = { '\uD800', '\uDBFF', '\uDC00', '\uDFFF' };
        for (int i = 0; i < ITERATIONS / 3; i++) {
            StringBuilder s = new StringBuilder(random.string());
            int insertions = 1 + random.random().nextInt(3);
            for (int k = 0; k < insertions; k++) {
                int at = random.random().nextInt(s.length() + 1);
                // never split an existing pair, which would make two lone halves the test did not plan
                while (at > 0 && at < s.length() && Character.isLowSurrogate(s.charAt(at))) {
                    at--;
                }
                s.insert(at, loneSurrogates[random.random().nextInt(loneSurrogates.length)]);
            }
            String text = s.toString();
            String expected = new String(text.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    java.nio.charset.StandardCharsets.UTF_8);
            String context = format + " iteration " + i + ": " + text.codePoints()
                    .mapToObj(Integer::toHexString).toList();
            byte[] bytes = format.toBytes(text);
            assertThat(format.sizeOf(text)).as(context).isEqualTo(bytes.length);
            assertPsonEqualsIn(context, format.decode(bytes), expected);
            java.util.Map<String, Object> map = new java.util.LinkedHashMap<>();
            map.put(text, 1L);
            assertPsonEqualsIn(context, format.decode(format.toBytes(map)), java.util.Map.of(expected, 1L));
        }
    }

    private static void assertPsonEqualsIn(String context, Object actual, Object expected) {
        try {
            assertPsonEquals(actual, expected);
        } catch (AssertionError e) {
            throw new AssertionError(context + "\n" + e.getMessage(), e);
        }
    }
}
