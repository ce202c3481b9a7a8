package io.cameliotmp.protocol;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/**
 * One generation of PSON, the value encoding of IOTMP fields: {@link #V2} (wire type 2, current devices) or
 * {@link #V1} (wire type 1, legacy protoson of gen-1 devices).
 * <p>
 * Values map to plain Java types: {@code Map<String,Object>} (insertion order kept), {@code List<Object>},
 * {@code Long} (or {@code BigInteger} beyond {@code Long} range), {@code Float}/{@code Double}, {@code Boolean},
 * {@code null}, {@code String} and {@code byte[]}. Encoding accepts any {@link Number}, {@link CharSequence},
 * {@link Map}, {@link Iterable}, arrays and {@link ByteBuffer}, and normalises numbers the way the reference devices
 * do, so the bytes equal theirs.
 * <p>
 * The Java value is walked once by {@link #emit}; every primitive method both measures and, when given a buffer,
 * writes, so sizing (needed up front for frame headers and v1 container prefixes) and writing cannot drift apart.
 */
public abstract class PsonFormat {

    /** Nesting accepted by {@link #decode(ByteBuf)} unless a limit is given. */
    public static final int DEFAULT_MAX_DEPTH = 32;

    /** Guards the encoder against cyclic structures; deeper real data is refused by devices anyway. */
    static final int MAX_ENCODE_DEPTH = 128;

    private static final double TWO_POW_63 = 0x1p63;

    public static final PsonFormat V1 = new PsonV1();
    public static final PsonFormat V2 = new PsonV2();

    PsonFormat() {
    }

    /** The IOTMP field wire type that announces a value in this format: 1 for v1, 2 for v2. */
    public abstract int wireType();

    /** Appends the encoding of {@code value} to {@code out}. */
    public final void encode(Object value, ByteBuf out) {
        emit(value, out, 0);
    }

    /** Number of bytes {@link #encode} would write. */
    public final int sizeOf(Object value) {
        return emit(value, null, 0);
    }

    /** Convenience for tests and tools; the hot path writes straight into buffers with {@link #encode}. */
    public final byte[] toBytes(Object value) {
        byte[] bytes = new byte[sizeOf(value)];
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        buf.writerIndex(0);
        encode(value, buf);
        return bytes;
    }

    /** Decodes one value starting at the reader index, which is moved past it. */
    public final Object decode(ByteBuf in) {
        return decode(in, DEFAULT_MAX_DEPTH);
    }

    /** Decodes one value starting at the reader index, refusing containers nested deeper than {@code maxDepth}. */
    public final Object decode(ByteBuf in, int maxDepth) {
        WireReader reader = new WireReader(in, in.readerIndex(), in.writerIndex());
        Object value = read(reader, maxDepth);
        in.readerIndex(reader.position());
        return value;
    }

    /** Decodes a whole byte array that must hold exactly one value. */
    public final Object decode(byte[] bytes) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        Object value = decode(buf);
        if (buf.isReadable()) {
            throw new IotmpDecodeException(buf.readableBytes() + " bytes after the value", buf.readerIndex());
        }
        return value;
    }

    abstract Object read(WireReader in, int depthLeft);

    /** Walks {@code value}; returns its encoded size and writes it when {@code out} is not null. */
    final int emit(Object value, ByteBuf out, int depth) {
        if (depth > MAX_ENCODE_DEPTH) {
            throw new IllegalArgumentException("value nested deeper than " + MAX_ENCODE_DEPTH + " levels (cyclic?)");
        }
        if (value == null) {
            return writeNull(out);
        } else if (value instanceof String s) {
            return writeString(s, out);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short
                   || value instanceof Byte) {
            return writeInteger(((Number) value).longValue(), out);
        } else if (value instanceof Double || value instanceof Float) {
            return writeReal(((Number) value).doubleValue(), out);
        } else if (value instanceof BigDecimal decimal) {
            return writeDecimal(decimal, out);
        } else if (value instanceof Boolean b) {
            return writeBoolean(b, out);
        } else if (value instanceof Map<?, ?> map) {
            return writeMap(map, out, depth + 1);
        } else if (value instanceof Collection<?> list) {
            return writeArray(list, out, depth + 1);
        } else if (value instanceof byte[] bytes) {
            return writeBytes(bytes, 0, bytes.length, out);
        } else if (value instanceof BigInteger big) {
            return writeBigInteger(big, out);
        } else if (value instanceof Number number) {
            return writeOtherNumber(number, out);
        } else if (value instanceof CharSequence || value instanceof Character || value instanceof Enum<?>) {
            return writeString(value instanceof Enum<?> e ? e.name() : value.toString(), out);
        } else if (value instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return writeBytes(bytes, 0, bytes.length, out);
        } else if (value instanceof Object[] array) {
            return writeArray(Arrays.asList(array), out, depth + 1);
        } else if (value instanceof Iterable<?> iterable) {
            List<Object> list = new ArrayList<>();
            iterable.forEach(list::add);
            return writeArray(list, out, depth + 1);
        }
        throw new IllegalArgumentException("PSON cannot encode a " + value.getClass().getName());
    }

    final int writeInteger(long value, ByteBuf out) {
        return value >= 0 ? writeUnsigned(value, out) : writeNegative(-value, out);
    }

    private int writeBigInteger(BigInteger big, ByteBuf out) {
        if (big.bitLength() < 64) {
            return writeInteger(big.longValue(), out);
        }
        BigInteger magnitude = big.abs();
        if (magnitude.bitLength() > 64) {
            throw new IllegalArgumentException("PSON integers are limited to 64 bits: " + big);
        }
        return big.signum() > 0 ? writeUnsigned(magnitude.longValue(), out) : writeNegative(magnitude.longValue(), out);
    }

    /**
     * A whole {@code BigDecimal} within 64 bits as exactly that integer: through {@code double} (as before) one beyond
     * 2^53 lost its last digits silently (9007199254740993 arrived as 9007199254740992), and one beyond 2^63 travelled
     * as a float64 although PSON carries it exactly. Other decimals travel as the nearest {@code double}, as a
     * {@code Double} would; one beyond the {@code double} range is refused rather than sent as infinity.
     */
    private int writeDecimal(BigDecimal decimal, ByteBuf out) {
        if (decimal.signum() == 0) {
            return writeInteger(0, out);
        }
        // at most 20 digits before the point (2^64 has 20): bounds toBigIntegerExact for a value like 1E+999999999
        if (decimal.precision() - (long) decimal.scale() <= 20) {
            BigDecimal stripped = decimal.stripTrailingZeros();
            if (stripped.scale() <= 0) {
                BigInteger whole = stripped.toBigIntegerExact();
                if (whole.abs().bitLength() <= 64) {
                    return writeBigInteger(whole, out);
                }
            }
        }
        double d = decimal.doubleValue();
        if (Double.isInfinite(d)) {
            throw new IllegalArgumentException("PSON numbers are limited to float64 (±1.8e308): a BigDecimal with "
                                               + (decimal.precision() - (long) decimal.scale())
                                               + " digits before the point");
        }
        return writeReal(d, out);
    }

    /**
     * A {@code Number} of another type: its {@code longValue()} when that is its value, else its
     * {@code doubleValue()} as a {@code Double} travels. Taking {@code longValue()} alone cut the fraction off types
     * such as {@code DoubleAdder} or {@code DoubleAccumulator} (23.5 arrived as 23).
     */
    private int writeOtherNumber(Number number, ByteBuf out) {
        long whole = number.longValue();
        double d = number.doubleValue();
        return d == (double) whole ? writeInteger(whole, out) : writeReal(d, out);
    }

    /** Reference normalisation: integral values travel as integers, the rest as float32 when the format allows. */
    private int writeReal(double d, ByteBuf out) {
        if (d == Math.rint(d) && Math.abs(d) < TWO_POW_63) {
            return writeInteger((long) d, out);
        }
        return travelsAsFloat32(d) ? writeFloat32((float) d, out) : writeFloat64(d, out);
    }

    /** Whether a non-integral double is sent as float32 in this format. */
    abstract boolean travelsAsFloat32(double d);

    abstract int writeNull(ByteBuf out);

    abstract int writeBoolean(boolean value, ByteBuf out);

    /** {@code value} is an unsigned 64-bit integer. */
    abstract int writeUnsigned(long value, ByteBuf out);

    /** {@code magnitude} is the unsigned 64-bit magnitude of a negative integer. */
    abstract int writeNegative(long magnitude, ByteBuf out);

    /** Values whose header is the only thing that differs between the formats. */
    enum Scalar {
        FLOAT32,
        FLOAT64,
        STRING,
        BYTES
    }

    /**
     * Measures and, when {@code out} is not null, writes the header of a scalar: its tag and, for strings and bytes,
     * the byte length {@code n} (the content follows).
     */
    abstract int header(Scalar scalar, long n, ByteBuf out);

    final int writeFloat32(float value, ByteBuf out) {
        int size = header(Scalar.FLOAT32, 0, out);
        if (out != null) {
            out.writeFloatLE(value);
        }
        return size + 4;
    }

    final int writeFloat64(double value, ByteBuf out) {
        int size = header(Scalar.FLOAT64, 0, out);
        if (out != null) {
            out.writeDoubleLE(value);
        }
        return size + 8;
    }

    final int writeString(CharSequence value, ByteBuf out) {
        CharSequence text = wellFormed(value);
        int length = ByteBufUtil.utf8Bytes(text);
        int size = header(Scalar.STRING, length, out);
        if (out != null && length > 0) {
            ByteBufUtil.reserveAndWriteUtf8(out, text, length);
        }
        return size + length;
    }

    final int writeBytes(byte[] value, int offset, int length, ByteBuf out) {
        int size = header(Scalar.BYTES, length, out);
        if (out != null) {
            out.writeBytes(value, offset, length);
        }
        return size + length;
    }

    abstract int writeMap(Map<?, ?> map, ByteBuf out, int depth);

    abstract int writeArray(Collection<?> list, ByteBuf out, int depth);

    /**
     * {@code value} with unpaired surrogates replaced by '?', as {@link String#getBytes} does. Netty's UTF-8 writer
     * also writes '?' for them but then mangles the following character (a lone high surrogate followed by a
     * non-ASCII character becomes invalid UTF-8, which devices reject), so strings are made well-formed first.
     */
    static CharSequence wellFormed(CharSequence value) {
        return loneSurrogateAt(value) < 0 ? value
                : new String(value.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    /** The index of the first unpaired surrogate of {@code value}, or -1 when it is well-formed UTF-16. */
    public static int loneSurrogateAt(CharSequence value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length()
                && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    static String keyOf(Object key) {
        if (key == null) {
            throw new IllegalArgumentException("PSON map keys must not be null");
        }
        return key.toString();
    }

    /** Unsigned 64-bit integers above {@code Long.MAX_VALUE} become {@code BigInteger}. */
    static Object unsigned(long value) {
        return value >= 0 ? (Object) value : new BigInteger(Long.toUnsignedString(value));
    }

    /** Negative integers from an unsigned magnitude; a zero magnitude is plain 0. */
    static Object negative(long magnitude) {
        if (magnitude >= 0 || magnitude == Long.MIN_VALUE) {
            return -magnitude;
        }
        return new BigInteger(Long.toUnsignedString(magnitude)).negate();
    }

    static Map<String, Object> newMap(int pairs) {
        return new java.util.LinkedHashMap<>(Math.min(pairs, 16) * 4 / 3 + 1);
    }
}
