package io.cameliotmp.testing;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads the values written in the "meaning" columns of {@code iotmp-vectors.md} into Java values.
 * <p>
 * Grammar (a superset of JSON, as the vector file writes it):
 * <ul>
 * <li>JSON objects, arrays, strings, {@code true}, {@code false}, {@code null};</li>
 * <li>numbers with an ASCII or Unicode minus ({@code −1}); integers become {@code Long}, or {@code BigInteger} when
 * they do not fit, numbers with a fraction or exponent become {@code Double} (the raw value a Java caller passes; what
 * a decoder returns follows from {@link PsonNormalisation});</li>
 * <li>{@code bytes DE AD BE EF} → {@code byte[]};</li>
 * <li>{@code 30 × "x"} → the string repeated, {@code 200 bytes of AA} → a repeated byte;</li>
 * <li>a row id such as {@code P35} → the value of that row, through the given resolver.</li>
 * </ul>
 * Anything else is an {@link IllegalArgumentException}, never a guess.
 */
public final class VectorValues {

    /** A value read from the start of a text and the text left after it (trimmed). */
    public record Parsed(Object value, String rest) {
    }

    private final String text;
    private final Function<String, Object> references;
    private int pos;

    private VectorValues(String text, Function<String, Object> references) {
        this.text = text;
        this.references = references;
    }

    /**
     * Parses a whole cell: one value, optionally followed by a single parenthesised remark such as
     * {@code 31 (first escaped value)}.
     */
    public static Object parse(String text, Function<String, Object> references) {
        Parsed parsed = parsePrefix(text, references);
        if (!isRemark(parsed.rest())) {
            throw new IllegalArgumentException("unexpected text after the value: \"" + parsed.rest() + "\" in \""
                                               + text + "\"");
        }
        return parsed.value();
    }

    /** Parses a value without references to other rows. */
    public static Object parse(String text) {
        return parse(text, VectorValues::noReferences);
    }

    /** Parses the value at the start of {@code text} and returns it with the remaining text. */
    public static Parsed parsePrefix(String text, Function<String, Object> references) {
        VectorValues parser = new VectorValues(text, references);
        Object value = parser.value();
        return new Parsed(value, text.substring(parser.pos).trim());
    }

    /** Whether {@code rest} is empty or exactly one parenthesised remark (which may itself contain parentheses). */
    public static boolean isRemark(String rest) {
        if (rest.isEmpty()) {
            return true;
        }
        if (!rest.startsWith("(") || !rest.endsWith(")")) {
            return false;
        }
        int depth = 0;
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0 && i != rest.length() - 1) {
                return false;
            }
        }
        return depth == 0;
    }

    private static Object noReferences(String id) {
        throw new IllegalArgumentException("no resolver for the reference " + id);
    }

    private Object value() {
        skipSpaces();
        if (pos >= text.length()) {
            throw error("value expected");
        }
        char c = text.charAt(pos);
        if (c == '{') {
            return object();
        } else if (c == '[') {
            return array();
        } else if (c == '"') {
            return string();
        } else if (c == '-' || c == '−' || Character.isDigit(c)) {
            return numberOrRepetition();
        } else if (word("true")) {
            return Boolean.TRUE;
        } else if (word("false")) {
            return Boolean.FALSE;
        } else if (word("null")) {
            return null;
        } else if (word("bytes")) {
            return hexBytes();
        }
        int start = pos;
        while (pos < text.length() && Character.isLetterOrDigit(text.charAt(pos))) {
            pos++;
        }
        String id = text.substring(start, pos);
        if (id.matches("[A-Z]+\\d+")) {
            return references.apply(id);
        }
        pos = start;
        throw error("unknown value");
    }

    private Map<String, Object> object() {
        Map<String, Object> map = new LinkedHashMap<>();
        pos++; // {
        skipSpaces();
        if (peek('}')) {
            pos++;
            return map;
        }
        while (true) {
            skipSpaces();
            if (!peek('"')) {
                throw error("object key expected");
            }
            String key = string();
            skipSpaces();
            expect(':');
            map.put(key, value());
            skipSpaces();
            if (peek(',')) {
                pos++;
            } else {
                expect('}');
                return map;
            }
        }
    }

    private List<Object> array() {
        List<Object> list = new ArrayList<>();
        pos++; // [
        skipSpaces();
        if (peek(']')) {
            pos++;
            return list;
        }
        while (true) {
            list.add(value());
            skipSpaces();
            if (peek(',')) {
                pos++;
            } else {
                expect(']');
                return list;
            }
        }
    }

    private String string() {
        StringBuilder s = new StringBuilder();
        pos++; // opening quote
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return s.toString();
            }
            if (c != '\\') {
                s.append(c);
                continue;
            }
            if (pos >= text.length()) {
                break;
            }
            char e = text.charAt(pos++);
            switch (e) {
                case 'n' -> s.append('\n');
                case 'r' -> s.append('\r');
                case 't' -> s.append('\t');
                case 'u' -> {
                    s.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    pos += 4;
                }
                default -> s.append(e);
            }
        }
        throw error("unterminated string");
    }

    private Object numberOrRepetition() {
        boolean negative = text.charAt(pos) == '-' || text.charAt(pos) == '−';
        if (negative) {
            pos++;
        }
        int digitsStart = pos;
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
            pos++;
        }
        if (pos == digitsStart) {
            throw error("digits expected");
        }
        boolean integral = true;
        if (peek('.') && pos + 1 < text.length() && Character.isDigit(text.charAt(pos + 1))) {
            integral = false;
            pos++;
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos++;
            }
        }
        if ((peek('e') || peek('E')) && pos + 1 < text.length()
            && (Character.isDigit(text.charAt(pos + 1)) || text.charAt(pos + 1) == '-')) {
            integral = false;
            pos += 2;
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos++;
            }
        }
        String literal = (negative ? "-" : "") + text.substring(digitsStart, pos);
        if (!integral) {
            return Double.parseDouble(literal);
        }
        BigInteger number = new BigInteger(literal);
        int afterNumber = pos;
        skipSpaces();
        if (peek('×')) {
            pos++;
            Object repeated = value();
            if (!(repeated instanceof String s)) {
                throw error("only strings can be repeated with ×");
            }
            return s.repeat(number.intValueExact());
        }
        if (word("bytes")) {
            skipSpaces();
            if (!word("of")) {
                throw error("\"bytes of\" expected");
            }
            byte[] one = hexBytes();
            if (one.length != 1) {
                throw error("\"N bytes of XX\" takes one byte");
            }
            byte[] bytes = new byte[number.intValueExact()];
            java.util.Arrays.fill(bytes, one[0]);
            return bytes;
        }
        pos = afterNumber;
        return number.bitLength() < 64 ? (Object) number.longValue() : number;
    }

    /** Space separated pairs of hex digits; at least one. */
    private byte[] hexBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            int save = pos;
            skipSpaces();
            if (pos + 2 <= text.length() && Character.digit(text.charAt(pos), 16) >= 0
                && Character.digit(text.charAt(pos + 1), 16) >= 0
                && (pos + 2 == text.length() || !Character.isLetterOrDigit(text.charAt(pos + 2)))) {
                out.write(Integer.parseInt(text.substring(pos, pos + 2), 16));
                pos += 2;
            } else {
                pos = save;
                break;
            }
        }
        if (out.size() == 0) {
            throw error("hex bytes expected");
        }
        return out.toByteArray();
    }

    /** Consumes {@code w} if it stands at the current position as a whole word. */
    private boolean word(String w) {
        if (text.startsWith(w, pos)
            && (pos + w.length() == text.length() || !Character.isLetterOrDigit(text.charAt(pos + w.length())))) {
            pos += w.length();
            return true;
        }
        return false;
    }

    private boolean peek(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("'" + c + "' expected");
        }
        pos++;
    }

    private void skipSpaces() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private IllegalArgumentException error(String message) {
        return new IllegalArgumentException(message + " at " + pos + " in \"" + text + "\"");
    }
}
