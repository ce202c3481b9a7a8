package io.cameliotmp.examples.mqtt;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A device id as one level of an MQTT topic name, and back. The IOTMP server takes device ids with any character but a
 * slash and control characters, while a topic name may not contain MQTT's wildcards {@code +} and {@code #}, nor
 * what MQTT forbids or discourages in a topic: control characters and Unicode non-characters (U+FDD0 to U+FDEF, and
 * U+FFFE and U+FFFF in every plane). A device named {@code sensor#1} made every publish of its samples fail; one
 * named with a non-character knocked the bridge's one MQTT connection, that of every device, off the broker with each
 * of its samples (Paho refuses such a topic by dropping its connection, and Mosquitto closes the connection of a client
 * that sends one). Such characters are percent-encoded as their UTF-8 bytes, and {@code %} too so that the encoding
 * can be undone: {@code sensor#1} is {@code devices/sensor%231/...}, U+FFFF is {@code %EF%BF%BF}; ids without them
 * appear as they are. A slash, which the server refuses, would be encoded too ({@code %2F}).
 */
final class TopicLevels {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private TopicLevels() {
    }

    /** The level of the device id: the characters above percent-encoded as UTF-8 bytes, everything else as it is. */
    static String encode(String level) {
        StringBuilder s = new StringBuilder(level.length() + 8);
        for (int i = 0; i < level.length();) {
            int c = level.codePointAt(i);
            int chars = Character.charCount(c);
            if (mustEncode(c)) {
                for (byte b : utf8(c)) {
                    s.append('%').append(HEX.toHexDigits(b));
                }
            } else {
                s.appendCodePoint(c);
            }
            i += chars;
        }
        return s.toString();
    }

    private static boolean mustEncode(int c) {
        return c == '%' || c == '+' || c == '#' || c == '/'
               || c <= 0x1F || c >= 0x7F && c <= 0x9F
               || c >= 0xFDD0 && c <= 0xFDEF || (c & 0xFFFE) == 0xFFFE
               || Character.isSurrogate((char) c) && c <= 0xFFFF; // a lone surrogate: no UTF-8 of its own
    }

    /** The UTF-8 bytes of a code point; a lone surrogate as the three bytes it would have (it has no UTF-8). */
    private static byte[] utf8(int c) {
        if (c <= 0xFFFF && Character.isSurrogate((char) c)) {
            return new byte[] { (byte) (0xE0 | c >> 12), (byte) (0x80 | c >> 6 & 0x3F), (byte) (0x80 | c & 0x3F) };
        }
        return new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The inverse of {@link #encode}, or null for a level that {@link #encode} does not make: a {@code %} not followed
     * by two upper-case hex digits, bytes that are not UTF-8, or a character encoded that {@link #encode} leaves as it
     * is (or the reverse). Decoded leniently, {@code sensor%41} and {@code sensor%2541} named one device, and
     * {@code a%2bb} and {@code a%2Bb} another: two topics for a device, so a broker ACL on the one its samples go to
     * did not cover its sets.
     */
    static String decode(String level) {
        if (level.indexOf('%') < 0) {
            return encode(level).equals(level) ? level : null;
        }
        StringBuilder s = new StringBuilder(level.length());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < level.length(); i++) {
            char c = level.charAt(i);
            if (c != '%') {
                if (!flush(bytes, s)) {
                    return null;
                }
                s.append(c);
                continue;
            }
            if (i + 3 > level.length() || !upperHex(level.charAt(i + 1)) || !upperHex(level.charAt(i + 2))) {
                return null;
            }
            bytes.write(HexFormat.fromHexDigits(level, i + 1, i + 3));
            i += 2;
        }
        if (!flush(bytes, s)) {
            return null;
        }
        String decoded = s.toString();
        return encode(decoded).equals(level) ? decoded : null;
    }

    private static boolean upperHex(char c) {
        return c >= '0' && c <= '9' || c >= 'A' && c <= 'F';
    }

    /** Appends the bytes decoded so far as UTF-8; false if they are not UTF-8. */
    private static boolean flush(ByteArrayOutputStream bytes, StringBuilder s) {
        if (bytes.size() == 0) {
            return true;
        }
        try {
            s.append(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())));
        } catch (CharacterCodingException e) {
            return false;
        }
        bytes.reset();
        return true;
    }
}
