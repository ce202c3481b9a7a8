package io.cameliotmp.protocol;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Equality and printing of decoded PSON values, where {@code byte[]} needs content semantics. */
public final class PsonValues {

    private static final int MAX_PRINTED_BYTES = 32;
    private static final int MAX_PRINTED_STRING = 256;
    private static final int MAX_PRINTED = 2048;

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

    /**
     * Readable rendering for logs and messages, bounded because the values come from peers: long byte arrays are
     * shown by length, strings (and map keys) cut at {@value #MAX_PRINTED_STRING} characters with their control
     * characters escaped (a peer's line break must not forge a log line), and the whole cut at
     * {@value #MAX_PRINTED} characters (the rest of a large map or list is not even visited).
     */
    public static String toString(Object value) {
        StringBuilder s = new StringBuilder();
        append(s, value);
        if (s.length() > MAX_PRINTED) {
            s.setLength(pairEnd(s, MAX_PRINTED));
            s.append("...(cut)");
        }
        return s.toString();
    }

    /**
     * A peer's text as shown in logs and messages: at most {@value #MAX_PRINTED_STRING} characters (then its length),
     * control characters escaped as in JSON, without quotes.
     */
    public static String text(String text) {
        return text(text, MAX_PRINTED_STRING);
    }

    /** {@link #text(String)} with at most {@code max} characters of the text shown. */
    public static String text(String text, int max) {
        StringBuilder s = new StringBuilder(Math.min(text.length(), max) + 24);
        appendText(s, text, max);
        return s.toString();
    }

    private static void appendText(StringBuilder s, String text, int max) {
        int shown = pairEnd(text, Math.min(text.length(), max));
        for (int i = 0; i < shown; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                // line and paragraph separators: some log viewers break lines at them
                case '\u2028' -> s.append("\\u2028");
                case '\u2029' -> s.append("\\u2029");
                default -> {
                    if (Character.isISOControl(c) || isBidiControl(c)) {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        if (text.length() > shown) {
            s.append("...(").append(text.length()).append(" characters)");
        }
    }

    /**
     * Where to cut {@code text} to at most {@code end} characters without parting a surrogate pair: half a pair is no
     * character, and what shows the cut text (a JSON consumer, a strict UTF-8 decoder) may reject it or turn the whole
     * string into an error. Devices choose their names and messages, and emoji are surrogate pairs.
     */
    private static int pairEnd(CharSequence text, int end) {
        return end > 0 && end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))
               && Character.isLowSurrogate(text.charAt(end)) ? end - 1 : end;
    }

    /**
     * The marks, embeddings, overrides and isolates of Unicode's bidirectional algorithm: they write no line, but
     * reorder what follows them on a line as a terminal or log viewer shows it, so a peer's name could make a log
     * line read otherwise than it is stored.
     */
    private static boolean isBidiControl(char c) {
        return c >= '\u202a' && c <= '\u202e' || c >= '\u2066' && c <= '\u2069' || c == '\u200e' || c == '\u200f'
               || c == '\u061c';
    }

    private static void append(StringBuilder s, Object value) {
        if (s.length() > MAX_PRINTED) {
            return;
        }
        if (value instanceof byte[] bytes) {
            s.append("bytes[").append(bytes.length).append("]");
            if (bytes.length <= MAX_PRINTED_BYTES) {
                s.append(io.netty.buffer.ByteBufUtil.hexDump(bytes));
            }
        } else if (value instanceof String str) {
            s.append('"');
            appendText(s, str, MAX_PRINTED_STRING);
            s.append('"');
        } else if (value instanceof Map<?, ?> map) {
            s.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (s.length() > MAX_PRINTED) {
                    break;
                }
                if (!first) {
                    s.append(',');
                }
                first = false;
                s.append('"');
                appendText(s, String.valueOf(e.getKey()), MAX_PRINTED_STRING);
                s.append("\":");
                append(s, e.getValue());
            }
            s.append('}');
        } else if (value instanceof List<?> list) {
            s.append('[');
            for (int i = 0; i < list.size() && s.length() <= MAX_PRINTED; i++) {
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
