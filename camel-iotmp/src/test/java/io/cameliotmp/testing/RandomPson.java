package io.cameliotmp.testing;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.protocol.PsonFormat;

/**
 * Seeded random PSON values and IOTMP messages for property tests. The same seed gives the same sequence, so a
 * failure message that names the seed and iteration can be replayed.
 * <p>
 * {@link #value(int)} produces raw Java values as a caller might pass them (any integer type, floats that are
 * integral, NaN, ...); {@link #canonicalValue} maps them through {@link PsonNormalisation}, giving values that must
 * survive {@code decode(encode(v))} unchanged. Edge cases are drawn far more often than uniform sampling would:
 * varint and inline-length boundaries, {@code long} extremes, 64-bit unsigned values, 4-byte UTF-8 characters.
 */
public final class RandomPson {

    private static final BigInteger TWO_POW_63 = BigInteger.ONE.shiftLeft(63);
    private static final BigInteger MAX_UNSIGNED_64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    /** Integers where encodings change size or sign handling. */
    private static final long[] INTERESTING_LONGS = {
        0, 1, 2, 30, 31, 32, 127, 128, 255, 256, 16383, 16384, 65535, 65536, Integer.MAX_VALUE, 1L << 31,
        0xFFFF_FFFFL, 1L << 32, Long.MAX_VALUE, -1, -2, -30, -31, -32, -128, Integer.MIN_VALUE, Long.MIN_VALUE,
        Long.MIN_VALUE + 1
    };

    private static final double[] INTERESTING_DOUBLES = {
        23.5, 0.1, -2.5, 1.5, 3.141592653589793, 123456.789, 1e-5, 1e300, -1e-300, Double.MIN_VALUE,
        Double.MAX_VALUE, Float.MAX_VALUE, Float.MIN_VALUE, 0x1p63, -0x1p63, 0x1p64, -0.0, Double.NaN,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 100.0, -7.0
    };

    private final Random random;

    public RandomPson(long seed) {
        this.random = new Random(seed);
    }

    public Random random() {
        return random;
    }

    /** A raw value with containers nested at most {@code maxDepth} levels. */
    public Object value(int maxDepth) {
        int kind = random.nextInt(maxDepth > 0 ? 16 : 13);
        return switch (kind) {
            case 0 -> null;
            case 1 -> random.nextBoolean();
            case 2, 3 -> longValue();
            case 4 -> bigIntegerBeyondLong();
            case 5 -> switch (random.nextInt(3)) {
                case 0 -> random.nextInt();
                case 1 -> (short) random.nextInt();
                default -> (byte) random.nextInt();
            };
            case 6 -> floatValue();
            case 7, 8 -> doubleValue();
            case 9, 10 -> string();
            case 11, 12 -> bytes();
            case 13, 14 -> map(maxDepth - 1);
            default -> list(maxDepth - 1);
        };
    }

    /**
     * A value that {@code format} round-trips unchanged. Normalised twice because PSON v1's lossy float32 rule can
     * turn a double into an integral float ({@code 1e-300} → {@code 0.0f}), which the next encoding sends as an
     * integer.
     */
    public Object canonicalValue(PsonFormat format, int maxDepth) {
        return PsonNormalisation.canonical(PsonNormalisation.canonical(value(maxDepth), format), format);
    }

    public long longValue() {
        return switch (random.nextInt(4)) {
            case 0 -> INTERESTING_LONGS[random.nextInt(INTERESTING_LONGS.length)];
            case 1 -> random.nextInt(64) - 16;
            case 2 -> random.nextLong() >> random.nextInt(64);
            default -> random.nextLong();
        };
    }

    /** An integer outside the {@code long} range that PSON still carries: (2^63, 2^64-1] or [-(2^64-1), -2^63). */
    public BigInteger bigIntegerBeyondLong() {
        BigInteger magnitude = switch (random.nextInt(3)) {
            case 0 -> MAX_UNSIGNED_64;
            case 1 -> TWO_POW_63.add(BigInteger.ONE);
            default -> TWO_POW_63.add(BigInteger.valueOf(random.nextLong() & Long.MAX_VALUE)).add(BigInteger.ONE);
        };
        return random.nextBoolean() ? magnitude : magnitude.negate();
    }

    public float floatValue() {
        return switch (random.nextInt(3)) {
            case 0 -> Float.intBitsToFloat(random.nextInt());
            case 1 -> (float) INTERESTING_DOUBLES[random.nextInt(INTERESTING_DOUBLES.length)];
            default -> (random.nextInt(2000) - 1000) / 8f;
        };
    }

    public double doubleValue() {
        return switch (random.nextInt(4)) {
            case 0 -> Double.longBitsToDouble(random.nextLong());
            case 1 -> INTERESTING_DOUBLES[random.nextInt(INTERESTING_DOUBLES.length)];
            case 2 -> (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(20) - 5);
            default -> (random.nextInt(2000) - 1000) / 4.0;
        };
    }

    /** Valid Unicode (no lone surrogates) mixing 1- to 4-byte UTF-8 characters; lengths around the 31-byte escape. */
    public String string() {
        int length = switch (random.nextInt(8)) {
            case 0 -> 0;
            case 1 -> 29 + random.nextInt(5);
            case 2 -> 100 + random.nextInt(300);
            default -> random.nextInt(12);
        };
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.appendCodePoint(codePoint());
        }
        return s.toString();
    }

    private int codePoint() {
        return switch (random.nextInt(5)) {
            case 0, 1 -> 0x20 + random.nextInt(0x5F);
            case 2 -> 0x80 + random.nextInt(0x780);
            case 3 -> {
                int c = 0x800 + random.nextInt(0x10000 - 0x800);
                yield Character.isSurrogate((char) c) ? 0x4E2D : c;
            }
            default -> 0x10000 + random.nextInt(0x10FFFF - 0x10000 + 1);
        };
    }

    public byte[] bytes() {
        int length = switch (random.nextInt(6)) {
            case 0 -> 0;
            case 1 -> 30 + random.nextInt(3);
            case 2 -> 128 + random.nextInt(300);
            default -> random.nextInt(10);
        };
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    public Map<String, Object> map(int maxDepth) {
        Map<String, Object> map = new LinkedHashMap<>();
        int size = random.nextInt(8) == 0 ? 31 + random.nextInt(4) : random.nextInt(6);
        for (int i = 0; i < size; i++) {
            map.put(random.nextBoolean() ? "k" + i : string(), value(maxDepth));
        }
        return map;
    }

    public List<Object> list(int maxDepth) {
        int size = random.nextInt(8) == 0 ? 31 + random.nextInt(4) : random.nextInt(6);
        List<Object> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            list.add(value(maxDepth));
        }
        return list;
    }

    /**
     * A random message of {@code type}, with values already canonical for {@code format}. Fields are absent at
     * random; a present field is never PSON null, which decoders read as absent.
     *
     * @param payloadAllowed false where the layout has no payload slot (gen-1 START_STREAM and DESCRIBE carry the
     *                       resource in the payload field)
     */
    public IotmpMessage message(MessageType type, PsonFormat format, boolean payloadAllowed) {
        int streamId = random.nextInt(4) == 0 ? 0 : random.nextInt(0x10000);
        Object parameters = field(format);
        Object payload = payloadAllowed ? field(format) : null;
        Object resource = field(format);
        return IotmpMessage.of(type, streamId, parameters, payload, resource);
    }

    private Object field(PsonFormat format) {
        if (random.nextInt(3) == 0) {
            return null;
        }
        Object value;
        do {
            value = canonicalValue(format, 3);
        } while (value == null);
        return value;
    }
}
