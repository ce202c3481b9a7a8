package io.cameliotmp.protocol;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Equality and printing of decoded PSON values, where {@code byte[]} needs content semantics. */
public final class PsonValues {

    private static final int MAX_PRINTED_BYTES = 32;

    private PsonValues() {
    }

    /**
     * Deep equality of PSON values: byte arrays by content and integers by value whatever their Java type (PSON has
     * one integer type, so {@code 1} and {@code 1L} are the same value), at any nesting level.
     */
    public static boolean equal(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!y.containsKey(e.getKey()) || !equal(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            Iterator<?> i = x.iterator();
            Iterator<?> j = y.iterator();
            while (i.hasNext()) {
                if (!equal(i.next(), j.next())) {
                    return false;
                }
            }
            return true;
        }
        if (isInteger(a) && isInteger(b)) {
            return toBigInteger(a).equals(toBigInteger(b));
        }
        return a.equals(b);
    }

    private static boolean isInteger(Object o) {
        return o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte
               || o instanceof java.math.BigInteger;
    }

    private static java.math.BigInteger toBigInteger(Object o) {
        return o instanceof java.math.BigInteger big ? big : java.math.BigInteger.valueOf(((Number) o).longValue());
    }

    /** Readable rendering for logs and messages; long byte arrays are cut. */
    public static String toString(Object value) {
        StringBuilder s = new StringBuilder();
        append(s, value);
        return s.toString();
    }

    private static void append(StringBuilder s, Object value) {
        if (value instanceof byte[] bytes) {
            s.append("bytes[").append(bytes.length).append("]");
            if (bytes.length <= MAX_PRINTED_BYTES) {
                s.append(io.netty.buffer.ByteBufUtil.hexDump(bytes));
            }
        } else if (value instanceof String str) {
            s.append('"').append(str).append('"');
        } else if (value instanceof Map<?, ?> map) {
            s.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    s.append(',');
                }
                first = false;
                s.append('"').append(e.getKey()).append("\":");
                append(s, e.getValue());
            }
            s.append('}');
        } else if (value instanceof List<?> list) {
            s.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    s.append(',');
                }
                append(s, list.get(i));
            }
            s.append(']');
        } else {
            s.append(value);
        }
    }
}
