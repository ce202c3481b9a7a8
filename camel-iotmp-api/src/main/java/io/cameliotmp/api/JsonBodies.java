package io.cameliotmp.api;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.cameliotmp.protocol.PsonFormat;

/**
 * Request bodies as the device API takes them: exactly one JSON value (RFC 8259), in UTF-8, with finite numbers and
 * whole numbers of at most 64 bits, nested at most {@value #MAX_DEPTH} levels. What
 * fails is an {@link InvalidRequestException} (400) whose message says what is wrong and where, in words, without
 * naming the parser's classes.
 */
final class JsonBodies {

    /** Strict: nothing after the value, no NaN or Infinity, no comments or single quotes (Jackson's defaults). */
    private static final JsonMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    /**
     * The deepest nesting of arrays and objects a body may have: what the server accepts from a device, and a device
     * built with the defaults from the server. Deeper, the server cannot encode it at all (beyond 128 levels: the call
     * failed as the server's own fault, a 500 and an ERROR line with its stack trace per request) or the device drops
     * the frame (the call waits its whole timeout, holding one of the device's pending requests).
     */
    static final int MAX_DEPTH = PsonFormat.DEFAULT_MAX_DEPTH;

    /**
     * The most bits of a whole number's magnitude: PSON carries 64 (unsigned, or the magnitude of a negative one).
     * Beyond it the server cannot encode the call: it failed as the server's own fault, a 500 and an ERROR line with
     * its stack trace per request.
     */
    static final int MAX_INTEGER_BITS = 64;

    /** {@code (…`SomeClass`…)} in a parser message: an aside about the parser's configuration. */
    private static final Pattern CONFIGURATION_ASIDE = Pattern.compile("\\s*\\([^()]*`[^()]*\\)");

    private JsonBodies() {
    }

    /**
     * Parses a body into plain Java values (maps, lists, strings, numbers, booleans, null), as the iotmp producer
     * takes them.
     *
     * @throws InvalidRequestException when the body is not UTF-8, not exactly one JSON value, or has a number that is
     *                                 not finite (such as {@code 1e400}) or a whole number beyond 64 bits
     */
    static Object parse(byte[] body) {
        requireUtf8(body);
        JsonNode tree;
        try {
            tree = STRICT.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException(notJson(e));
        } catch (java.io.IOException e) {
            throw new InvalidRequestException("the body could not be read");
        }
        if (tree == null || tree.isMissingNode()) {
            throw new InvalidRequestException("the body is not JSON: it has no value");
        }
        requireSendable(tree);
        return STRICT.convertValue(tree, Object.class);
    }

    /** The message for a body the parser refused: {@code the body is not JSON: what (line l, column c)}. */
    static String notJson(JsonProcessingException e) {
        String what;
        if (e instanceof JsonEOFException) {
            what = "it ends before the value does";
        } else if (String.valueOf(e.getOriginalMessage()).startsWith("Trailing token")) {
            what = "more follows the value";
        } else {
            what = plainWords(e.getOriginalMessage());
        }
        JsonLocation at = e.getLocation();
        if (at != null && at.getLineNr() > 0) {
            what += " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        }
        return "the body is not JSON: " + what;
    }

    /** A parser message without its asides about configuration options and classes (in backquotes). */
    private static String plainWords(String message) {
        if (message == null || message.isBlank()) {
            return "malformed";
        }
        String text = message.lines().findFirst().orElse("").strip();
        text = CONFIGURATION_ASIDE.matcher(text).replaceAll("");
        int quote = text.indexOf('`');
        if (quote >= 0) {
            int colon = text.lastIndexOf(':', quote);
            text = colon > 0 ? text.substring(0, colon) : "";
        }
        if (text.isBlank() || text.contains("com.fasterxml") || text.contains("java.")) {
            return "malformed";
        }
        return text;
    }

    private static void requireUtf8(byte[] body) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body);
        // UTF-8 never decodes to more chars than it has bytes
        CoderResult result = decoder.decode(in, CharBuffer.allocate(body.length), true);
        if (result.isError()) {
            throw new InvalidRequestException("the body is not UTF-8: byte " + in.position() + " (0x"
                                              + Integer.toHexString(body[in.position()] & 0xff)
                                              + ") starts no UTF-8 character; JSON must be sent in UTF-8");
        }
    }

    /**
     * Refuses a body nested deeper than {@link #MAX_DEPTH}, {@code 1e400}, which parses as infinity (as NaN and
     * Infinity are refused), and strings (values and keys) with a lone surrogate.
     */
    private static void requireSendable(JsonNode tree) {
        Deque<JsonNode> left = new ArrayDeque<>();
        Deque<Integer> depths = new ArrayDeque<>();
        left.push(tree);
        depths.push(0);
        while (!left.isEmpty()) {
            JsonNode node = left.pop();
            int depth = depths.pop();
            if (node.isContainerNode()) {
                if (depth == MAX_DEPTH) {
                    throw new InvalidRequestException("the body is not JSON a device can take: it nests arrays and"
                                                      + " objects deeper than " + MAX_DEPTH + " levels");
                }
                node.fieldNames().forEachRemaining(JsonBodies::requireUnicode);
                for (JsonNode child : node) {
                    left.push(child);
                    depths.push(depth + 1);
                }
            } else if (node.isTextual()) {
                requireUnicode(node.textValue());
            } else if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
                throw new InvalidRequestException("the body is not JSON the device can take: a number is too large"
                                                  + " (beyond ±1.8e308)");
            } else if (node.isBigInteger() && node.bigIntegerValue().abs().bitLength() > MAX_INTEGER_BITS) {
                throw new InvalidRequestException("the body is not JSON the device can take: a whole number is too"
                                                  + " large (beyond ±18446744073709551615, 64 bits)");
            }
        }
    }

    /**
     * Refuses a string with a lone UTF-16 surrogate ({@code "\\ud800"}), which JSON's escapes can write but no
     * Unicode text holds: encoded to UTF-8 for the device it became a {@code ?}, so the device got other text than
     * the client sent, silently.
     */
    private static void requireUnicode(String text) {
        int at = PsonFormat.loneSurrogateAt(text);
        if (at >= 0) {
            throw new InvalidRequestException("the body is not JSON the device can take: a string has a lone"
                                              + " surrogate (\\u" + Integer.toHexString(text.charAt(at)) + "), which"
                                              + " is no Unicode character");
        }
    }
}
