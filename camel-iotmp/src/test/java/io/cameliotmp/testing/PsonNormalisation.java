package io.cameliotmp.testing;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cameliotmp.protocol.PsonFormat;

/**
 * The Java value a PSON decoder returns for a value a caller encoded, written down from the normalisation rules of
 * {@code docs/protocol.md} §3 (independently of the encoder, so tests can compare the two):
 * <ul>
 * <li>every integer type becomes {@code Long}; integers outside the {@code long} range stay {@code BigInteger};</li>
 * <li>a whole {@code BigDecimal} within 64 bits is that integer; another is its nearest {@code double};</li>
 * <li>a {@code Number} of another type is its {@code longValue()} when that is its value, else its
 * {@code doubleValue()};</li>
 * <li>an integral floating value with {@code |d| < 2^63} travels as an integer ({@code -0.0} becomes {@code 0});</li>
 * <li>PSON v2: other values that a float32 holds exactly, and ±infinity, travel as float32 and decode as
 * {@code Float}; the rest, NaN included, as float64 → {@code Double};</li>
 * <li>PSON v1 (legacy protoson): a value whose float32 rounding error is at most 1e-5 travels as float32 and decodes
 * as {@code Float} (lossy); the rest, NaN and infinities included, as {@code Double};</li>
 * <li>maps keep their insertion order with {@code toString()} keys, any collection or array becomes a list,
 * {@code ByteBuffer} becomes {@code byte[]}, other character sequences and enums become strings.</li>
 * </ul>
 */
public final class PsonNormalisation {

    private static final double TWO_POW_63 = 0x1p63;
    private static final double V1_FLOAT32_TOLERANCE = 1e-5;

    private PsonNormalisation() {
    }

    /** What {@code format.decode(format.encode(value))} must return. */
    public static Object canonical(Object value, PsonFormat format) {
        if (value == null || value instanceof Boolean || value instanceof String || value instanceof byte[]) {
            return value;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger big) {
            return big.bitLength() < 64 ? (Object) big.longValue() : big;
        }
        if (value instanceof Double || value instanceof Float) {
            return real(((Number) value).doubleValue(), format);
        }
        if (value instanceof BigDecimal decimal) {
            BigInteger whole = wholeOrNull(decimal);
            return whole != null && whole.abs().bitLength() <= 64 ? canonical(whole, format)
                    : real(decimal.doubleValue(), format);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(k.toString(), canonical(v, format)));
            return copy;
        }
        if (value instanceof Iterable<?> iterable) {
            List<Object> copy = new ArrayList<>();
            iterable.forEach(v -> copy.add(canonical(v, format)));
            return copy;
        }
        if (value instanceof Object[] array) {
            return canonical(Arrays.asList(array), format);
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return bytes;
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        if (value instanceof CharSequence || value instanceof Character) {
            return value.toString();
        }
        if (value instanceof Number n) {
            return n.doubleValue() == (double) n.longValue() ? (Object) n.longValue() : real(n.doubleValue(), format);
        }
        throw new IllegalArgumentException("no PSON form for " + value.getClass().getName());
    }

    private static BigInteger wholeOrNull(BigDecimal decimal) {
        try {
            return decimal.toBigIntegerExact();
        } catch (ArithmeticException notWhole) {
            return null;
        }
    }

    private static Object real(double d, PsonFormat format) {
        if (d == Math.rint(d) && Math.abs(d) < TWO_POW_63) {
            return (long) d;
        }
        boolean float32 = format == PsonFormat.V1
                ? Math.abs(d - (float) d) <= V1_FLOAT32_TOLERANCE
                : (double) (float) d == d || Double.isInfinite(d);
        return float32 ? (Object) (float) d : (Object) d;
    }
}
