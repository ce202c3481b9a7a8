package io.cameliotmp.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cameliotmp.protocol.legacy.LegacyMessage;
import io.cameliotmp.protocol.legacy.SignalFlag;

/**
 * The byte vectors of the legacy Thinger protocol, read from the test resource {@value #RESOURCE} (a copy of the
 * reference vectors, produced by the devices' own library) so tests never retype one.
 * <p>
 * Each row of the table becomes a {@link Row}: its id ({@code L01}), direction, the frame as the file decodes it
 * ({@code MESSAGE stream=8 flag=START_STREAM(3) resource=["temperature"] payload=5000}, or {@code KEEP_ALIVE}) and
 * its bytes. The decoded text is read into a {@link LegacyMessage} by a parser of the file's own notation
 * ({@code 1.5f} float32, {@code 2.5d} float64, {@code b"00FF"} bytes, {@code unset}, {@code "\xC3\xA9"} raw string
 * bytes); anything it does not know is an {@link IllegalArgumentException}, never a guess.
 */
public final class LegacyVectors {

    public static final String RESOURCE = "/legacy-vectors.md";

    private static final Pattern ROW = Pattern.compile(
            "^\\| (L\\d+) \\| (D→S|S→D) \\| .* — `([^`]*)` \\| `([0-9A-F ]+)` \\|$");

    private LegacyVectors() {
    }

    /**
     * One vector.
     *
     * @param fromDevice true for D→S rows
     * @param decoded    the frame as the file writes it
     */
    public record Row(String id, boolean fromDevice, String decoded, byte[] bytes) {

        /** Whether a value in the row is the device's "unset" tag, which has no Java value of its own. */
        public boolean holdsUnset() {
            return decoded.contains("unset");
        }

        /** The decoded text as a message; "unset" values read as null, which is what the decoder gives. */
        public LegacyMessage message() {
            return parseMessage(decoded);
        }

        @Override
        public String toString() {
            return id + " " + decoded;
        }
    }

    /** Every row of the file, in order. */
    public static List<Row> load() {
        try (InputStream in = LegacyVectors.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the test classpath");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The row with this id. */
    public static Row row(String id) {
        return load().stream().filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no vector " + id));
    }

    static List<Row> parse(String markdown) {
        List<Row> rows = new ArrayList<>();
        for (String line : markdown.split("\\R")) {
            if (!line.startsWith("| L")) {
                continue;
            }
            Matcher m = ROW.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("unreadable vector row: " + line);
            }
            rows.add(new Row(m.group(1), m.group(2).equals("D→S"), m.group(3), Hex.bytes(m.group(4))));
        }
        return rows;
    }

    /** Reads {@code KEEP_ALIVE} or {@code MESSAGE [stream=N] flag=NAME(n) [identifier=V] [resource=V] [payload=V]}. */
    public static LegacyMessage parseMessage(String text) {
        if (text.equals("KEEP_ALIVE")) {
            return LegacyMessage.KEEP_ALIVE;
        }
        Parser p = new Parser(text);
        p.expect("MESSAGE");
        int stream = 0;
        if (p.accept(" stream=")) {
            stream = ((Number) p.value()).intValue();
        }
        p.expect(" flag=");
        int open = text.indexOf('(', p.pos);
        int close = text.indexOf(')', open);
        SignalFlag flag = SignalFlag.valueOf(text.substring(p.pos, open));
        if (flag.code() != Integer.parseInt(text.substring(open + 1, close))) {
            throw new IllegalArgumentException("flag name and code disagree in " + text);
        }
        p.pos = close + 1;
        Object identifier = p.accept(" identifier=") ? p.value() : null;
        Object resource = p.accept(" resource=") ? p.value() : null;
        Object payload = p.accept(" payload=") ? p.value() : null;
        if (p.pos != text.length()) {
            throw p.error("unexpected text");
        }
        return new LegacyMessage(false, stream, flag, identifier, resource, payload);
    }

    /** Reads one value of the file's notation; "unset" reads as null. */
    public static Object parseValue(String text) {
        Parser p = new Parser(text);
        Object value = p.value();
        if (p.pos != text.length()) {
            throw p.error("unexpected text");
        }
        return value;
    }

    private static final class Parser {

        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text;
        }

        boolean accept(String s) {
            if (text.startsWith(s, pos)) {
                pos += s.length();
                return true;
            }
            return false;
        }

        void expect(String s) {
            if (!accept(s)) {
                throw error("'" + s + "' expected");
            }
        }

        Object value() {
            if (pos >= text.length()) {
                throw error("value expected");
            }
            char c = text.charAt(pos);
            if (c == '{') {
                return map();
            } else if (c == '[') {
                return list();
            } else if (c == '"') {
                return new String(string(), StandardCharsets.UTF_8);
            } else if (accept("b\"")) {
                pos--;
                return Hex.bytes(new String(string(), StandardCharsets.US_ASCII));
            } else if (accept("true")) {
                return Boolean.TRUE;
            } else if (accept("false")) {
                return Boolean.FALSE;
            } else if (accept("null") || accept("unset")) {
                return null;
            } else if (c == '-' || Character.isDigit(c)) {
                return number();
            }
            throw error("unknown value");
        }

        private Map<String, Object> map() {
            Map<String, Object> map = new LinkedHashMap<>();
            expect("{");
            if (accept("}")) {
                return map;
            }
            do {
                String key = new String(string(), StandardCharsets.UTF_8);
                expect(":");
                map.put(key, value());
            } while (accept(","));
            expect("}");
            return map;
        }

        private List<Object> list() {
            List<Object> list = new ArrayList<>();
            expect("[");
            if (accept("]")) {
                return list;
            }
            do {
                list.add(value());
            } while (accept(","));
            expect("]");
            return list;
        }

        /** A quoted string with {@code \xHH} escapes for raw bytes. */
        private byte[] string() {
            expect("\"");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (pos < text.length()) {
                char c = text.charAt(pos++);
                if (c == '"') {
                    return out.toByteArray();
                }
                if (c == '\\' && pos < text.length() && text.charAt(pos) == 'x') {
                    out.write(Integer.parseInt(text.substring(pos + 1, pos + 3), 16));
                    pos += 3;
                } else if (c == '\\') {
                    out.write(text.charAt(pos++));
                } else {
                    out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                }
            }
            throw error("unterminated string");
        }

        private Object number() {
            int start = pos;
            if (text.charAt(pos) == '-') {
                pos++;
            }
            while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.'
                                           || text.charAt(pos) == 'e')) {
                pos++;
            }
            String literal = text.substring(start, pos);
            if (accept("f")) {
                return Float.parseFloat(literal);
            }
            if (accept("d")) {
                return Double.parseDouble(literal);
            }
            if (literal.contains(".") || literal.contains("e")) {
                throw error("floating point number without f or d");
            }
            BigInteger n = new BigInteger(literal);
            return n.bitLength() < 64 ? (Object) n.longValue() : n;
        }

        IllegalArgumentException error(String message) {
            return new IllegalArgumentException(message + " at " + pos + " in \"" + text + "\"");
        }
    }
}
